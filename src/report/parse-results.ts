import type { RuleResult } from '../quality/evaluate.js'
import { either, fields, flag, listOf, nullable, number, oneOf, optional, text } from './schema.js'

/** A date's quality verdicts, from the gate's results.json. */
export interface QualityDay {
  dataset: string
  logicalDate: string
  passed: boolean
  results: Pick<
    RuleResult,
    'rule' | 'status' | 'severity' | 'value' | 'bound' | 'family' | 'metric'
  >[]
}

/**
 * The parts of results.json (schema version 1, quality-gate/README.md, "The gate") the report
 * shows.
 */
const RESULTS = fields({
  dataset: text(100),
  logical_date: text(10),
  passed: flag,
  results: listOf(
    fields({
      rule: text(500),
      status: oneOf(['pass', 'warn', 'fail']),
      severity: oneOf(['error', 'warn']),
      family: optional(text(50)),
      metric: optional(text(500)),
      value: either(nullable(number()), text(2000), listOf(text(500), 1000)),
      bound: text(500)
    }),
    5000
  )
})

/**
 * Checks one results.json against schema version 1 and against where it is (its key's
 * dataset and date): the day's verdicts, or why the document is not used.
 */
export function parseResults(
  text: string,
  dataset: string,
  logicalDate: string
): QualityDay | string {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return 'results.json is not valid JSON (truncated?)'
  }
  const document = value as { schema_version?: unknown; dataset?: unknown; logical_date?: unknown }
  if (document?.schema_version !== 1) {
    return `results.json schema_version ${JSON.stringify(document?.schema_version)}, this report reads version 1`
  }
  const wrong = RESULTS(value, '')
  if (wrong) return `results.json: ${wrong}`
  if (document.dataset !== dataset || document.logical_date !== logicalDate) {
    return `results.json says ${String(document.dataset)}/${String(document.logical_date)}, but its key says ${dataset}/${logicalDate}`
  }
  const checked = value as { passed: boolean; results: QualityDay['results'] }
  return {
    dataset,
    logicalDate,
    passed: checked.passed,
    results: checked.results.map(({ rule, status, severity, value, bound, family, metric }) => ({
      rule,
      status,
      severity,
      value,
      bound,
      family,
      ...(metric === undefined ? {} : { metric })
    }))
  }
}
