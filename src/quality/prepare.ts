import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { code, safeMd, type Markdown } from '../core/markdown.js'
import { parseRules, type RuleSet } from './rules.js'
import { normalisedRules, rulesJson } from './rules-json.js'

/**
 * The quality gate's prepare mode: validate a rules file with the gate's validator (the only
 * one) and write the normalised rules JSON (rules-json.ts) that the data-quality Spark job
 * reads with Python's standard library (EMR Serverless's image need not have PyYAML). A bad
 * rules file then fails the workflow in seconds, before any Spark job is paid for.
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
  const ruleSet = parseRules(options.text, options.rulesFile)
  const document = normalisedRules(ruleSet)
  const json = rulesJson(document, options.rulesFile)
  const metrics = document.metrics.map(spec => spec.id)
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

function prepareSummary(ruleSet: RuleSet, metrics: string[], written: string): Markdown {
  return safeMd`### Data quality rules: ${ruleSet.dataset} ✅ valid

${ruleSet.rules.length} rules in ${code(ruleSet.file)}, ${metrics.length} metrics for the data-quality job; normalised rules JSON: ${code(written)}
`
}
