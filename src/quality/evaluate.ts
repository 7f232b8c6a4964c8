import { formatDuration } from '../core/duration.js'
import { metricIdOf } from './metric-ids.js'
import { MetricsDocumentError, type MetricsDocument } from './metrics-document.js'
import type { Family, Rule, RuleSet, Severity } from './rules.js'

export type Status = 'pass' | 'warn' | 'fail'
/** What a change rule with fewer earlier dates than it asks for reports. */
export type MissingHistory = 'pass' | 'warn' | 'fail'

export interface HistoryUsed {
  /** Earlier dates the rule asked for (`last`). */
  wanted: number
  /** Earlier dates that had the metric, newest first. */
  dates: string[]
  /** avg/min/max of those dates' values; absent when there were none. */
  baseline?: number
  sufficient: boolean
}

export interface RuleResult {
  index: number
  /** The rule's name, or a description built from its family and column. */
  rule: string
  family: Family
  severity: Severity
  status: Status
  /** The metric id the rule read (none for schema rules). */
  metric?: string
  /** The measured value: a number, a timestamp, a list of schema problems, or null. */
  value: number | string | string[] | null
  /** The value as the summary shows it. */
  shown: string
  /** The bound as the summary shows it. */
  bound: string
  /** One line saying what was found, for annotations and the log. */
  message: string
  history?: HistoryUsed
}

export interface HistoryPoint {
  logicalDate: string
  document: MetricsDocument
}

export interface EvaluationOptions {
  logicalDate: string
  missingHistory: MissingHistory
}

const DAY_MS = 86_400_000

/** A name for the summary table when the rule has none. */
export function describeRule(rule: Rule): string {
  if (rule.name) return rule.name
  switch (rule.family) {
    case 'row_count':
      return 'row_count'
    case 'missing_count':
    case 'missing_percent':
    case 'allowed_values':
    case 'range':
    case 'pattern':
    case 'freshness':
      return `${rule.family}(${rule.column})`
    case 'duplicate_count':
      return `duplicate_count(${rule.columns.join(', ')})`
    case 'schema':
      return 'schema'
    case 'change':
      return `change(${rule.metric} vs ${rule.compare} of last ${rule.last})`
  }
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞'
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 1000) / 1000)
}

const percentOf = (count: number, rows: number): number => (rows === 0 ? 0 : (count * 100) / rows)

/**
 * The metric value a change rule compares, read from one document; undefined when the
 * document does not have it (written with other rules).
 */
export function changeValue(document: MetricsDocument, reference: string): number | undefined {
  if (reference === 'row_count') return document.row_count
  const percent = /^missing_percent\((.*)\)$/.exec(reference)
  const id = percent ? `missing_count(${percent[1]})` : reference
  const value = document.metrics[id]?.value
  if (typeof value !== 'number') return undefined
  return percent ? percentOf(value, document.row_count) : value
}

/**
 * Checks that the document has every metric the rules need before evaluating any: a missing
 * one means the Spark job ran with another rules file.
 */
export function checkMetricsPresent(
  ruleSet: RuleSet,
  document: MetricsDocument,
  location: string
): void {
  for (const rule of ruleSet.rules) {
    const id = metricIdOf(rule)
    if (id === undefined || id === 'row_count') continue
    if (!(id in document.metrics)) {
      throw new MetricsDocumentError(
        `Metrics document ${location}: no metric '${id}' for ${rule.label} ` +
          `(was the data-quality job run with ${ruleSet.file}?)`
      )
    }
  }
}

/** Evaluates every rule against the date's document and the earlier ones (newest first). */
export function evaluateRules(
  ruleSet: RuleSet,
  document: MetricsDocument,
  history: readonly HistoryPoint[],
  options: EvaluationOptions
): RuleResult[] {
  return ruleSet.rules.map(rule => evaluateRule(rule, document, history, options))
}

interface Check {
  passed: boolean
  value: RuleResult['value']
  shown: string
  bound: string
  message: string
  metric?: string
  history?: HistoryUsed
  /** Overrides the pass/fail outcome (a change rule without enough history). */
  status?: Status
}

function evaluateRule(
  rule: Rule,
  document: MetricsDocument,
  history: readonly HistoryPoint[],
  options: EvaluationOptions
): RuleResult {
  const check = checkRule(rule, document, history, options)
  const failedStatus: Status = rule.severity === 'error' ? 'fail' : 'warn'
  return {
    index: rule.index,
    rule: describeRule(rule),
    family: rule.family,
    severity: rule.severity,
    status: check.status ?? (check.passed ? 'pass' : failedStatus),
    ...(check.metric === undefined ? {} : { metric: check.metric }),
    value: check.value,
    shown: check.shown,
    bound: check.bound,
    message: check.message,
    ...(check.history ? { history: check.history } : {})
  }
}

function count(document: MetricsDocument, id: string): number {
  const value = document.metrics[id]?.value
  if (typeof value !== 'number') {
    throw new MetricsDocumentError(`Metrics document: metric '${id}' is not a count`)
  }
  return value
}

function atMost(value: number, max: number, unit = ''): Pick<Check, 'passed' | 'bound'> {
  return { passed: value <= max, bound: `<= ${formatNumber(max)}${unit}` }
}

function checkRule(
  rule: Rule,
  document: MetricsDocument,
  history: readonly HistoryPoint[],
  options: EvaluationOptions
): Check {
  const rows = document.row_count
  switch (rule.family) {
    case 'row_count': {
      const low = rule.min ?? -Infinity
      const high = rule.max ?? Infinity
      const bounds = [
        rule.min === undefined ? '' : `>= ${rule.min}`,
        rule.max === undefined ? '' : `<= ${rule.max}`
      ].filter(Boolean)
      return {
        passed: rows >= low && rows <= high,
        value: rows,
        shown: String(rows),
        bound: bounds.join(' and '),
        message: `${rows} rows`,
        metric: 'row_count'
      }
    }
    case 'missing_count': {
      const metric = metricIdOf(rule)!
      const missing = count(document, metric)
      return {
        ...atMost(missing, rule.max),
        value: missing,
        shown: String(missing),
        message: `${missing} rows without ${rule.column}`,
        metric
      }
    }
    case 'missing_percent': {
      const metric = metricIdOf(rule)!
      const missing = count(document, metric)
      const percent = percentOf(missing, rows)
      return {
        ...atMost(percent, rule.max, '%'),
        value: percent,
        shown: `${formatNumber(percent)}% (${missing} of ${rows})`,
        message: `${formatNumber(percent)}% of rows (${missing} of ${rows}) without ${rule.column}`,
        metric
      }
    }
    case 'duplicate_count': {
      const metric = metricIdOf(rule)!
      const duplicates = count(document, metric)
      const keys = document.metrics[metric]?.duplicate_keys
      return {
        ...atMost(duplicates, rule.max),
        value: duplicates,
        shown: String(duplicates),
        message:
          `${duplicates} duplicate rows of ${rule.columns.join(', ')}` +
          (keys === undefined ? '' : ` (${keys} keys repeat)`),
        metric
      }
    }
    case 'allowed_values':
    case 'range':
    case 'pattern': {
      const metric = metricIdOf(rule)!
      const invalid = count(document, metric)
      const percent = percentOf(invalid, rows)
      const what =
        rule.family === 'allowed_values'
          ? `not in ${rule.values.join(', ')}`
          : rule.family === 'range'
            ? `outside [${rule.min ?? '-∞'}, ${rule.max ?? '∞'}]`
            : `not matching ${rule.regex}`
      const limit =
        rule.maxInvalidPercent !== undefined
          ? atMost(percent, rule.maxInvalidPercent, '% invalid')
          : atMost(invalid, rule.maxInvalid ?? 0, ' invalid')
      return {
        ...limit,
        value: rule.maxInvalidPercent !== undefined ? percent : invalid,
        shown: `${invalid} invalid (${formatNumber(percent)}%)`,
        message: `${invalid} values of ${rule.column} ${what}`,
        metric
      }
    }
    case 'freshness': {
      const metric = metricIdOf(rule)!
      const newest = document.metrics[metric]?.value ?? null
      const bound = `age <= ${rule.maxAge}`
      const newestMs = typeof newest === 'string' ? Date.parse(newest) : Number.NaN
      if (Number.isNaN(newestMs)) {
        return {
          passed: false,
          value: newest,
          shown: 'no timestamps',
          bound,
          message: `${rule.column} has no values, so the data's age is unknown`,
          metric
        }
      }
      // The snapshot for a date holds changes up to the end of that (UTC) day.
      const endOfDay = Date.parse(`${options.logicalDate}T00:00:00Z`) + DAY_MS
      const age = endOfDay - newestMs
      return {
        passed: age <= rule.maxAgeSeconds * 1000,
        value: newest,
        shown: `${formatDuration(age)} (newest ${newest})`,
        bound,
        message: `newest ${rule.column} is ${newest}, ${formatDuration(age)} before the end of ${options.logicalDate}`,
        metric
      }
    }
    case 'schema': {
      const problems: string[] = []
      for (const [column, type] of Object.entries(rule.columns)) {
        const actual = document.columns[column]
        if (actual === undefined) problems.push(`missing column ${column}`)
        else if (actual.toLowerCase() !== type)
          problems.push(`${column} is ${actual}, expected ${type}`)
      }
      if (rule.exact) {
        for (const column of Object.keys(document.columns)) {
          if (!(column in rule.columns)) problems.push(`unexpected column ${column}`)
        }
      }
      const expected = Object.keys(rule.columns).length
      return {
        passed: problems.length === 0,
        value: problems,
        shown: problems.length ? problems.join('; ') : `${expected} columns match`,
        bound: `${expected} columns with types${rule.exact ? ', no others' : ''}`,
        message: problems.length ? problems.join('; ') : 'schema matches'
      }
    }
    case 'change':
      return checkChange(rule, document, history, options)
  }
}

function checkChange(
  rule: Extract<Rule, { family: 'change' }>,
  document: MetricsDocument,
  history: readonly HistoryPoint[],
  options: EvaluationOptions
): Check {
  const current = changeValue(document, rule.metric)
  if (current === undefined) {
    throw new MetricsDocumentError(
      `Metrics document: no metric for ${rule.metric} (${rule.label}); was the data-quality job run with this rules file?`
    )
  }
  const earlier = history
    .slice(0, rule.last)
    .map(point => ({ date: point.logicalDate, value: changeValue(point.document, rule.metric) }))
    .filter((point): point is { date: string; value: number } => point.value !== undefined)
  const values = earlier.map(point => point.value)
  const baseline = values.length === 0 ? undefined : aggregate(values, rule.compare)
  const sufficient = values.length >= rule.last
  const used: HistoryUsed = {
    wanted: rule.last,
    dates: earlier.map(point => point.date),
    ...(baseline === undefined ? {} : { baseline }),
    sufficient
  }
  const boundParts = [
    rule.minRatio === undefined ? '' : `ratio >= ${rule.minRatio}`,
    rule.maxRatio === undefined ? '' : `ratio <= ${rule.maxRatio}`,
    rule.minDelta === undefined ? '' : `change >= ${rule.minDelta}`,
    rule.maxDelta === undefined ? '' : `change <= ${rule.maxDelta}`
  ].filter(Boolean)
  const bound = `${boundParts.join(' and ')} vs ${rule.compare} of last ${rule.last}`
  const base = { value: current, bound, metric: rule.metric, history: used }

  if (!sufficient) {
    const note =
      `only ${values.length} of ${rule.last} earlier dates have ${rule.metric}` +
      (baseline === undefined ? '' : ` (${rule.compare} ${formatNumber(baseline)})`)
    return {
      ...base,
      passed: options.missingHistory === 'pass',
      status: options.missingHistory,
      shown: `${formatNumber(current)}; not enough history: ${values.length} of ${rule.last} dates`,
      message: `${note}: not compared (missing-history: ${options.missingHistory})`
    }
  }
  const ratio = baseline === 0 ? (current === 0 ? 1 : Infinity) : current / baseline!
  const delta = current - baseline!
  const passed =
    (rule.minRatio === undefined || ratio >= rule.minRatio) &&
    (rule.maxRatio === undefined || ratio <= rule.maxRatio) &&
    (rule.minDelta === undefined || delta >= rule.minDelta) &&
    (rule.maxDelta === undefined || delta <= rule.maxDelta)
  const shown =
    `${formatNumber(current)} vs ${rule.compare} ${formatNumber(baseline!)} ` +
    `(ratio ${formatNumber(ratio)}, change ${delta >= 0 ? '+' : ''}${formatNumber(delta)})`
  return { ...base, passed, shown, message: `${rule.metric} is ${shown}` }
}

function aggregate(values: number[], compare: 'avg' | 'min' | 'max'): number {
  if (compare === 'min') return Math.min(...values)
  if (compare === 'max') return Math.max(...values)
  return values.reduce((sum, value) => sum + value, 0) / values.length
}
