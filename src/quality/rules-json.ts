import { metricPlan, type MetricSpec } from './metric-ids.js'
import { RulesError, type Rule, type RuleSet } from './rules.js'

/**
 * The normalised rules JSON: what the quality gate's `mode: prepare` writes for the
 * data-quality Spark job, the one contract between them. The gate's validator is the only
 * one; the job checks this document's shape (jobs/data_quality_rules.py) and computes the
 * `metrics` it lists, deriving nothing from the rules itself. A change the job cannot read
 * as before gets a new format version.
 */
export const RULES_FORMAT = 'spark-pipeline-rules/1'

export interface NormalisedRules {
  format: typeof RULES_FORMAT
  /** The rules file as the workflow named it: the job's error lines name it. */
  source: string
  dataset: string
  /** Each rule in the rules file's own shape, defaults filled in and values normalised. */
  rules: Record<string, unknown>[]
  /** What the job computes, in order, row_count first. */
  metrics: MetricSpec[]
}

export function normalisedRules(ruleSet: RuleSet): NormalisedRules {
  return {
    format: RULES_FORMAT,
    source: ruleSet.file,
    dataset: ruleSet.dataset,
    rules: ruleSet.rules.map(normalisedRule),
    metrics: metricPlan(ruleSet)
  }
}

/** `{ name?, severity, <family>: { <settings> } }`, the settings named as in the file. */
function normalisedRule(rule: Rule): Record<string, unknown> {
  const { family, name, severity, ...settings } = rule
  const written = Object.entries(settings)
    // Where the rule is (index, label) is the file's; maxAgeSeconds comes from max_age.
    .filter(([key]) => !['index', 'label', 'maxAgeSeconds'].includes(key))
    .map(([key, value]) => [key.replace(/[A-Z]/g, letter => `_${letter.toLowerCase()}`), value])
  return {
    ...(name === undefined ? {} : { name }),
    severity,
    [family]: Object.fromEntries(written)
  }
}

/**
 * A document as JSON. YAML can hold numbers JSON cannot (`.inf`, `.nan`); such a number
 * would silently become null, so it is refused, naming where it is.
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
