import path from 'node:path'
import type { StartJobRunRequest } from './job-run-registry.js'
import {
  addProperty,
  parseSparkSubmitParameters,
  type SparkSubmitParameters
} from './spark-submit-args.js'

/**
 * What a local job run may run: what EMR Serverless itself would, and nothing of the machine.
 * The real service runs staged `s3://` objects and the files of its own image, in a
 * container; locally a run is a spark-submit on the developer's machine, so a path or a
 * setting that would reach outside the run (an absolute path, `local://`, a loader variable,
 * a Java agent) is refused when the run is started, naming the field.
 */

/** Folders of the EMR Serverless 7.x image that jobs name (AWS's own examples and docs). */
export const IMAGE_FOLDERS = ['/usr/share/aws/iceberg/lib/', '/usr/lib/spark/examples/'] as const

/** An `s3://` object, or a file of the image's folders above (`local://` + the same). */
export function jobFileProblem(uri: string): string | undefined {
  if (/^s3a?:\/\/[a-z0-9][a-z0-9.-]{0,62}\/[^\0]+$/.test(uri)) return undefined
  const local = uri.startsWith('local://') ? uri.slice('local://'.length) : uri
  if (
    path.posix.isAbsolute(local) &&
    !local.split('/').includes('..') &&
    IMAGE_FOLDERS.some(folder => local.startsWith(folder))
  ) {
    return undefined
  }
  return `expected an s3:// object or a file of the EMR Serverless image (under ${IMAGE_FOLDERS.join(' or ')}), got '${uri}'`
}

/** Environment variables that decide what code a process loads, in no job's business. */
const LOADER_VARIABLES =
  /^(?:LD_\w*|DYLD_\w*|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JDK_JAVA_OPTIONS|JAVA_HOME|CLASSPATH|SPARK_HOME|SPARK_CONF_DIR|SPARK_DIST_CLASSPATH|HADOOP_CONF_DIR|HADOOP_HOME|PYTHONPATH|PYTHONHOME|PYTHONSTARTUP|PYTHONUSERBASE|PYTHONEXECUTABLE|PATH|BASH_ENV|ENV|PERL5OPT|NODE_OPTIONS)$/
const ENV_PREFIXES = ['spark.emr-serverless.driverEnv.', 'spark.executorEnv.'] as const
/** The Python a job runs, as a variable and as the Spark properties that say the same. */
const PYTHON_SETTINGS = new Set([
  'PYSPARK_PYTHON',
  'PYSPARK_DRIVER_PYTHON',
  'spark.pyspark.python',
  'spark.pyspark.driver.python'
])
const JAVA_OPTIONS = ['spark.driver.extraJavaOptions', 'spark.executor.extraJavaOptions']
const AGENT = /(?:^|\s)-(?:javaagent|agentpath|agentlib|XX:OnError|XX:OnOutOfMemoryError)\b/
const CLASS_PATHS = [
  'spark.driver.extraClassPath',
  'spark.driver.extraLibraryPath',
  'spark.executor.extraClassPath',
  'spark.executor.extraLibraryPath'
]

/**
 * The run's properties (after the spark-defaults classification and sparkSubmitParameters
 * are merged) checked for settings that would load code from outside the run: returns the
 * first problem, naming the property.
 */
export function propertyProblem(parameters: SparkSubmitParameters): string | undefined {
  const archives = new Set(parameters.archives.map(archiveFolder))
  for (const [key, value] of Object.entries(parameters.conf)) {
    const prefix = ENV_PREFIXES.find(candidate => key.startsWith(candidate))
    const variable = prefix ? key.slice(prefix.length) : undefined
    if (variable !== undefined && LOADER_VARIABLES.test(variable)) {
      return `${key}: ${variable} decides what code the process loads; a job run may not set it`
    }
    if (PYTHON_SETTINGS.has(variable ?? key)) {
      // AWS's documented way to ship a virtualenv: --archives venv.tar.gz#environment with
      // PYSPARK_PYTHON=./environment/bin/python. Only a Python inside the run's archives.
      const folder = /^\.\/([^/]+)\/(?!.*(?:^|\/)\.\.(?:\/|$))[^\s]+$/.exec(value)?.[1]
      if (!folder || !archives.has(folder)) {
        return `${key}: expected a Python inside one of the run's --archives (./<archive>/bin/python), got '${value}'`
      }
    }
    if (JAVA_OPTIONS.includes(key) && AGENT.test(value)) {
      return `${key}: Java agents and -XX:On… commands are not allowed in a job run`
    }
    if (CLASS_PATHS.includes(key)) {
      const outside = value
        .split(/[:,]/)
        .find(entry => entry && jobFileProblem(entry) !== undefined)
      if (outside !== undefined) {
        return `${key}: '${outside}' is not a file of the EMR Serverless image`
      }
    }
  }
  return undefined
}

/** The folder an archive is unpacked into: its `#alias`, else its file name. */
function archiveFolder(uri: string): string {
  const alias = uri.indexOf('#')
  return alias >= 0 ? uri.slice(alias + 1) : path.posix.basename(uri)
}

/**
 * The request's Spark properties and file lists as the run will have them: the
 * `spark-defaults` classification, then sparkSubmitParameters (spark-submit's order: a
 * `--conf` beats the properties file); `ignored` names the other classifications.
 */
export function requestParameters(request: StartJobRunRequest): {
  parameters: SparkSubmitParameters
  ignored: string[]
} {
  const parameters: SparkSubmitParameters = {
    conf: {},
    jars: [],
    files: [],
    pyFiles: [],
    archives: []
  }
  const ignored: string[] = []
  for (const classification of request.configurationOverrides?.applicationConfiguration ?? []) {
    if (classification.classification !== 'spark-defaults') {
      ignored.push(classification.classification)
      continue
    }
    for (const [key, value] of Object.entries(classification.properties ?? {}))
      addProperty(parameters, key, value)
  }
  const given = parseSparkSubmitParameters(request.jobDriver.sparkSubmit.sparkSubmitParameters)
  Object.assign(parameters.conf, given.conf)
  if (given.className !== undefined) parameters.className = given.className
  for (const list of ['jars', 'files', 'pyFiles', 'archives'] as const)
    parameters[list].push(...given[list])
  return { parameters, ignored }
}

const LIST_NAMES = {
  jars: '--jars',
  files: '--files',
  pyFiles: '--py-files',
  archives: '--archives'
}

/** Why the service would not run this request locally, naming the field; else undefined. */
export function jobRunProblem(request: StartJobRunRequest): string | undefined {
  const entryPoint = jobFileProblem(request.jobDriver.sparkSubmit.entryPoint)
  if (entryPoint) return `jobDriver.sparkSubmit.entryPoint: ${entryPoint}`
  const { parameters } = requestParameters(request)
  for (const list of ['jars', 'files', 'pyFiles', 'archives'] as const) {
    for (const uri of parameters[list]) {
      const problem = jobFileProblem(uri)
      if (problem) return `${LIST_NAMES[list]}: ${problem}`
    }
  }
  return propertyProblem(parameters)
}
