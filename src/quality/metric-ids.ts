import { group } from '../core/regex.js'
import type { Rule, RuleSet } from './rules.js'

/**
 * Stable, readable ids of the metrics a rule needs, e.g. `missing_count(email)` or
 * `invalid_count(status not in ["active","inactive"])`, and what the data-quality Spark job
 * must compute for each (`metricPlan`, written into the normalised rules JSON: the job
 * derives nothing itself). The job keys the metrics document by these ids; change rules find
 * earlier dates' values under the same id (test/fixtures/quality/good-all-families.json pins
 * them).
 */

/** What a metric counts or measures; for `invalid_count`, `check` says what is invalid. */
export type MetricKind =
  'row_count' | 'missing_count' | 'duplicate_count' | 'invalid_count' | 'max_timestamp'

/** One metric the job computes, as the normalised rules JSON lists it. */
export type MetricSpec =
  | { id: 'row_count'; kind: 'row_count' }
  | {
      id: string
      kind: 'missing_count' | 'duplicate_count' | 'max_timestamp'
      columns: string[]
      /** The first rule that needs it, as messages name it: `rule 2 'emails present' (missing_count)`. */
      rule: string
    }
  | ({ id: string; kind: 'invalid_count'; columns: [string]; rule: string } & ValidityCheck)

/** The values a validity metric counts as invalid (a null is never invalid, only missing). */
export type ValidityCheck =
  | { check: 'allowed_values'; values: (string | number)[] }
  | { check: 'range'; min?: number; max?: number }
  | { check: 'pattern'; regex: string }

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

/** The distinct metric ids a rule set needs, in rule order; row_count always first. */
export function planMetrics(ruleSet: RuleSet): string[] {
  return metricPlan(ruleSet).map(spec => spec.id)
}

/** The distinct metrics a rule set needs, in rule order, row_count always first: what the
 * Spark job computes. A metric two rules share is computed once, named after the first. */
export function metricPlan(ruleSet: RuleSet): MetricSpec[] {
  const plan = new Map<string, MetricSpec>([['row_count', { id: 'row_count', kind: 'row_count' }]])
  for (const rule of ruleSet.rules) {
    const spec = metricSpecOf(rule)
    if (spec !== undefined && !plan.has(spec.id)) plan.set(spec.id, spec)
  }
  return [...plan.values()]
}

function metricSpecOf(rule: Rule): MetricSpec | undefined {
  const id = metricIdOf(rule)
  if (id === undefined || id === 'row_count') return undefined
  const named = `${rule.label} (${rule.family})`
  switch (rule.family) {
    case 'missing_count':
    case 'missing_percent':
      return { id, kind: 'missing_count', columns: [rule.column], rule: named }
    case 'duplicate_count':
      return { id, kind: 'duplicate_count', columns: rule.columns, rule: named }
    case 'freshness':
      return { id, kind: 'max_timestamp', columns: [rule.column], rule: named }
    case 'allowed_values':
      return { ...invalid(id, rule.column, named), check: rule.family, values: rule.values }
    case 'range':
      return {
        ...invalid(id, rule.column, named),
        check: rule.family,
        ...(rule.min === undefined ? {} : { min: rule.min }),
        ...(rule.max === undefined ? {} : { max: rule.max })
      }
    case 'pattern':
      return { ...invalid(id, rule.column, named), check: rule.family, regex: rule.regex }
    case 'change': {
      // The rule's metric, normalised by the validator: missing_count(c) or duplicate_count(a,b).
      const match = /^(missing_count|duplicate_count)\((.*)\)$/.exec(id)
      if (!match) throw new Error(`${named}: no metric for '${id}'`)
      const kind = group(match, 1) as 'missing_count' | 'duplicate_count'
      return { id, kind, columns: group(match, 2).split(','), rule: named }
    }
    case 'row_count':
    case 'schema':
      return undefined
  }
}

const invalid = (
  id: string,
  column: string,
  rule: string
): { id: string; kind: 'invalid_count'; columns: [string]; rule: string } => ({
  id,
  kind: 'invalid_count',
  columns: [column],
  rule
})
