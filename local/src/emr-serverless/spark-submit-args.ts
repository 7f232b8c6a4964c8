/**
 * The job driver of a StartJobRun request turned into a local `spark-submit` command line:
 * `sparkSubmitParameters` is split on whitespace, as the service's documented examples
 * write it (no shell quoting is interpreted, so a value cannot contain a space), every
 * `--conf` and the options that stand for a Spark property become properties, and the file
 * lists are rewritten to the copies fetched into the run's folder.
 */

export interface SparkSubmitParameters {
  /** `--conf` values and the options that stand for a property (`--driver-memory`, …), in order. */
  conf: Record<string, string>
  className?: string
  jars: string[]
  files: string[]
  pyFiles: string[]
  archives: string[]
}

/** Options that are a Spark property under another name (spark-submit's own mapping). */
const PROPERTY_OPTIONS: Record<string, string> = {
  '--name': 'spark.app.name',
  '--driver-memory': 'spark.driver.memory',
  '--driver-cores': 'spark.driver.cores',
  '--driver-java-options': 'spark.driver.extraJavaOptions',
  '--driver-class-path': 'spark.driver.extraClassPath',
  '--driver-library-path': 'spark.driver.extraLibraryPath',
  '--executor-memory': 'spark.executor.memory',
  '--executor-cores': 'spark.executor.cores',
  '--num-executors': 'spark.executor.instances',
  '--packages': 'spark.jars.packages',
  '--repositories': 'spark.jars.repositories',
  '--exclude-packages': 'spark.jars.excludes'
}

const LIST_OPTIONS = {
  '--jars': 'jars',
  '--files': 'files',
  '--py-files': 'pyFiles',
  '--archives': 'archives'
} as const

/** The same lists given as properties (`--conf spark.files=…`) are merged into the lists. */
const LIST_PROPERTIES = {
  'spark.jars': 'jars',
  'spark.files': 'files',
  'spark.submit.pyFiles': 'pyFiles',
  'spark.archives': 'archives'
} as const

export class SparkSubmitParametersError extends Error {
  override name = 'SparkSubmitParametersError'
}

export function parseSparkSubmitParameters(text: string | undefined): SparkSubmitParameters {
  const parsed: SparkSubmitParameters = { conf: {}, jars: [], files: [], pyFiles: [], archives: [] }
  const tokens = (text ?? '').split(/\s+/).filter(Boolean)
  for (let index = 0; index < tokens.length; index++) {
    // index < tokens.length
    const option = tokens[index]!
    const value = tokens[index + 1]
    const needValue = () => {
      if (value === undefined || value.startsWith('--'))
        throw new SparkSubmitParametersError(`sparkSubmitParameters: ${option} needs a value`)
      index++
      return value
    }
    if (option === '--conf' || option === '-c') {
      const setting = needValue()
      const equals = setting.indexOf('=')
      if (equals <= 0) {
        throw new SparkSubmitParametersError(
          `sparkSubmitParameters: --conf expects key=value, got '${setting}'`
        )
      }
      addProperty(parsed, setting.slice(0, equals), setting.slice(equals + 1))
    } else if (option === '--class') {
      parsed.className = needValue()
    } else if (option in LIST_OPTIONS) {
      parsed[LIST_OPTIONS[option as keyof typeof LIST_OPTIONS]].push(...splitList(needValue()))
    } else if (option in PROPERTY_OPTIONS) {
      // `option in PROPERTY_OPTIONS` (above): it has an entry.
      parsed.conf[PROPERTY_OPTIONS[option]!] = needValue()
    } else {
      // --master, --deploy-mode, --properties-file, --verbose…: the service decides these.
      throw new SparkSubmitParametersError(
        `sparkSubmitParameters: '${option}' is not a parameter a job run can set (expected --conf, --class, --jars, --files, --py-files, --archives or ${Object.keys(PROPERTY_OPTIONS).join(', ')})`
      )
    }
  }
  return parsed
}

/** The `spark-defaults` classification and `--conf` share the properties; lists merge. */
export function addProperty(parsed: SparkSubmitParameters, key: string, value: string): void {
  if (key in LIST_PROPERTIES) {
    parsed[LIST_PROPERTIES[key as keyof typeof LIST_PROPERTIES]].push(...splitList(value))
    return
  }
  parsed.conf[key] = value
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map(item => item.trim())
    .filter(Boolean)
}

export interface SparkSubmitCommand {
  /** `local[2]`, `local[*]`, … */
  master: string
  /** The run's properties, merged (see the launcher), as a spark-defaults.conf. */
  propertiesFile: string
  className?: string
  jars: string[]
  files: string[]
  pyFiles: string[]
  archives: string[]
  entryPoint: string
  entryPointArguments: string[]
}

/** The argument vector after `spark-submit`. */
export function sparkSubmitArgv(command: SparkSubmitCommand): string[] {
  const argv = ['--master', command.master, '--deploy-mode', 'client']
  argv.push('--properties-file', command.propertiesFile)
  if (command.className) argv.push('--class', command.className)
  for (const [option, list] of [
    ['--jars', command.jars],
    ['--files', command.files],
    ['--py-files', command.pyFiles],
    ['--archives', command.archives]
  ] as const) {
    if (list.length) argv.push(option, list.join(','))
  }
  argv.push(command.entryPoint, ...command.entryPointArguments)
  return argv
}

/** A spark-defaults.conf: one `key value` per line (values may hold spaces, keys cannot). */
export function propertiesFileText(properties: Record<string, string>): string {
  return Object.entries(properties)
    .map(([key, value]) => `${key} ${value.replace(/\n/g, ' ')}\n`)
    .join('')
}

/** Cores a local master uses: `local` = 1, `local[N]` = N, `local[*]` = every core. */
export function localMasterCores(master: string, machineCores: number): number {
  const match = /^local(?:\[(\*|\d+)(?:,\d+)?\])?$/.exec(master)
  if (!match) throw new Error(`master '${master}': expected local, local[N] or local[*]`)
  if (!match[1]) return 1
  return match[1] === '*' ? machineCores : Number(match[1])
}

/** `1g`, `512m`, `2048k` → GB; Spark's default unit for driver memory is MiB. */
export function memoryGb(value: string | undefined, fallbackGb = 1): number {
  if (!value) return fallbackGb
  const match = /^(\d+(?:\.\d+)?)([kmgt]?)b?$/i.exec(value.trim())
  if (!match) return fallbackGb
  const amount = Number(match[1])
  const unit = (match[2] || 'm').toLowerCase()
  const perGb = { k: 1024 * 1024, m: 1024, g: 1, t: 1 / 1024 }[unit as 'k' | 'm' | 'g' | 't']
  return amount / perGb
}
