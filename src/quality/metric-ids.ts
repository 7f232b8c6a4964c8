import type { Rule, RuleSet } from './rules.js'

/**
 * Stable, readable ids of the metrics a rule needs, e.g. `missing_count(email)` or
 * `invalid_count(status not in ["active","inactive"])`. The Spark job derives the same ids
 * (test/fixtures/quality/good-all-families.json pins them for both) and keys the metrics
 * document by them; change rules find earlier dates' values under the same id.
 */

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (typeof value === 'number') return String(value)
  return JSON.stringify(value)
}

const bound = (value: number | undefined, open: string): string =>
  value === undefined ? open : String(value)

/** The metric a rule is checked against (undefined for schema rules: every document carries
 * the column types). A change rule's own metric is the one it compares over time. */
export function metricIdOf(rule: Rule): string | undefined {
  switch (rule.family) {
    case 'row_count':
      return 'row_count'
    case 'missing_count':
    case 'missing_percent':
      return `missing_count(${rule.column})`
    case 'duplicate_count':
      return `duplicate_count(${rule.columns.join(',')})`
    case 'allowed_values':
      return `invalid_count(${rule.column} not in ${canonical(rule.values)})`
    case 'range':
      return `invalid_count(${rule.column} outside [${bound(rule.min, '-inf')}, ${bound(rule.max, 'inf')}])`
    case 'pattern':
      return `invalid_count(${rule.column} not matching ${canonical(rule.regex)})`
    case 'freshness':
      return `max_timestamp(${rule.column})`
    case 'schema':
      return undefined
    case 'change':
      return rule.metric.replace(/^missing_percent\(/, 'missing_count(')
  }
}

/** The distinct metrics a rule set needs, in rule order; row_count always first. */
export function planMetrics(ruleSet: RuleSet): string[] {
  const ids = new Set(['row_count'])
  for (const rule of ruleSet.rules) {
    const id = metricIdOf(rule)
    if (id !== undefined) ids.add(id)
  }
  return [...ids]
}
