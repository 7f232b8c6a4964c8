import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { code, safeMd, type Markdown } from '../core/markdown.js'
import { planMetrics } from './metric-ids.js'
import { loadRules, RulesError, type RuleSet, validateRules } from './rules.js'

/**
 * The quality gate's prepare mode: validate a rules file with the gate's own validator and
 * write its JSON form, which the data-quality Spark job reads with Python's standard library
 * (EMR Serverless's image need not have PyYAML). A bad rules file then fails the workflow in
 * seconds, before any Spark job is paid for.
 */
export interface PrepareOptions {
  /** The rules file as the user named it (for messages). */
  rulesFile: string
  text: string
  /** Absolute path of the JSON file to write. */
  output: string
  /** `output` as the workflow should name it (relative to the workspace). */
  outputShown: string
}

export interface PreparedRules {
  ruleSet: RuleSet
  /** The metric ids the Spark job will compute for these rules. */
  metrics: string[]
  path: string
  name: string
  summary: Markdown
}

export function prepareRules(options: PrepareOptions): PreparedRules {
  const { ruleSet, document } = loadRules(options.text, options.rulesFile)
  const json = rulesJson(document, options.rulesFile)
  const metrics = planMetrics(ruleSet)
  // The JSON must mean to the job exactly what the YAML means to the gate.
  const reread = planMetrics(validateRules(JSON.parse(json), options.rulesFile))
  if (JSON.stringify(reread) !== JSON.stringify(metrics)) {
    throw new Error(`the JSON form of ${options.rulesFile} plans other metrics than the file`)
  }
  mkdirSync(path.dirname(options.output), { recursive: true })
  // Write then rename: a step reading it never sees half a file.
  const temporary = `${options.output}.${process.pid}.tmp`
  writeFileSync(temporary, json)
  renameSync(temporary, options.output)
  return {
    ruleSet,
    metrics,
    path: options.outputShown,
    name: path.basename(options.output),
    summary: prepareSummary(ruleSet, metrics, options.outputShown)
  }
}

/**
 * The rules document as JSON. YAML can hold numbers JSON cannot (`.inf`, `.nan`); such a
 * number would silently become null, so it is refused, naming where it is.
 */
export function rulesJson(document: unknown, file: string): string {
  const text = JSON.stringify(
    document,
    function (this: unknown, key: string, value: unknown) {
      if (typeof value === 'number' && !Number.isFinite(value)) {
        throw new RulesError(
          `${file}: ${String(value)} (at '${key}') cannot be written as JSON for the data-quality job; use a finite number`
        )
      }
      if (value instanceof Date) {
        throw new RulesError(
          `${file}: a YAML timestamp (at '${key}') cannot be written as JSON; quote it`
        )
      }
      return value
    },
    2
  )
  return `${text}\n`
}

function prepareSummary(ruleSet: RuleSet, metrics: string[], written: string): Markdown {
  return safeMd`### Data quality rules: ${ruleSet.dataset} ✅ valid

${ruleSet.rules.length} rules in ${code(ruleSet.file)}, ${metrics.length} metrics for the data-quality job; JSON form: ${code(written)}
`
}
