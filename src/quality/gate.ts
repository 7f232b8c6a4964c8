import { QualityGateInput } from '../constants/quality-gate.js'
import { InputError } from '../core/errors.js'
import type { Logger } from '../core/log.js'
import { code, safeMd, table, type Markdown } from '../core/markdown.js'
import {
  checkMetricsPresent,
  evaluateRules,
  type HistoryPoint,
  type MissingHistory,
  type RuleResult
} from './evaluate.js'
import { MetricsDocumentError, parseMetricsDocument } from './metrics-document.js'
import type { MetricsStore } from './metrics-store.js'
import { printable } from '../core/printable.js'
import type { RuleSet } from './rules.js'

export type FailOn = 'error' | 'warn'

export interface GateOptions {
  ruleSet: RuleSet
  logicalDate: string
  /** The most earlier dates the gate reads; a change rule asking for more is an input error. */
  historyDepth: number
  missingHistory: MissingHistory
  failOn: FailOn
  writeResults: boolean
  store: MetricsStore
  /** Where results.json is written; default: beside metrics.json in `store`. */
  resultsStore?: MetricsStore
  logger: Logger
  now?: () => Date
}

export const RESULTS_SCHEMA_VERSION = 1
const HISTORY_READS_AT_ONCE = 8

export interface ResultsDocument {
  schema_version: number
  dataset: string
  logical_date: string
  evaluated_at: string
  rules_file: string
  metrics: string
  fail_on: FailOn
  missing_history: MissingHistory
  passed: boolean
  failed: number
  warnings: number
  history_dates: string[]
  results: RuleResult[]
}

export interface GateOutcome {
  results: ResultsDocument
  /** Where results.json was written, when it was. */
  resultsLocation?: string | undefined
  summary: Markdown
}

/** The deepest history any change rule asks for; checked against `history-depth` up front. */
export function historyNeeded(ruleSet: RuleSet, historyDepth: number): number {
  let needed = 0
  for (const rule of ruleSet.rules) {
    if (rule.family !== 'change') continue
    if (rule.last > historyDepth) {
      throw new InputError(
        QualityGateInput.HistoryDepth,
        `at least ${rule.last} (${rule.label} of ${ruleSet.file} compares with the last ${rule.last} dates)`,
        String(historyDepth)
      )
    }
    needed = Math.max(needed, rule.last)
  }
  return needed
}

/**
 * Reads the date's metrics document and as many earlier ones as the change rules need,
 * evaluates every rule, and (when asked) writes results.json beside the metrics.
 */
export async function runQualityGate(options: GateOptions): Promise<GateOutcome> {
  const { ruleSet, logicalDate, store, logger } = options
  const dataset = ruleSet.dataset
  const needed = historyNeeded(ruleSet, options.historyDepth)
  const location = store.locate(dataset, logicalDate, 'metrics.json')

  const text = await store.read(dataset, logicalDate, 'metrics.json')
  if (text === undefined) {
    throw new MetricsDocumentError(
      `Metrics document ${location} not found (did the data-quality job run for ${logicalDate}?)`
    )
  }
  const document = parseMetricsDocument(text, location, { dataset, logicalDate })
  checkMetricsPresent(ruleSet, document, location)
  logger.info(`Read ${location}: ${document.row_count} rows, generated ${document.generated_at}`)

  const history: HistoryPoint[] = []
  if (needed > 0) {
    const earlier = (await store.listDates(dataset))
      .filter(date => date < logicalDate)
      .sort()
      .reverse()
      .slice(0, needed)
    // A few reads at a time: a month of history is one round trip's worth, not thirty.
    for (let start = 0; start < earlier.length; start += HISTORY_READS_AT_ONCE) {
      const batch = earlier.slice(start, start + HISTORY_READS_AT_ONCE)
      const texts = await Promise.all(batch.map(date => store.read(dataset, date, 'metrics.json')))
      batch.forEach((date, index) => {
        const historyText = texts[index]
        if (historyText === undefined) return // removed since the listing
        history.push({
          logicalDate: date,
          document: parseMetricsDocument(historyText, store.locate(dataset, date, 'metrics.json'), {
            dataset,
            logicalDate: date
          })
        })
      })
    }
    const [newest] = history
    const oldest = history.at(-1)
    logger.info(
      `History: ${history.length} earlier date(s) of the ${needed} asked for` +
        (newest && oldest ? ` (${oldest.logicalDate} … ${newest.logicalDate})` : '')
    )
  }

  const results = evaluateRules(ruleSet, document, history, {
    logicalDate,
    missingHistory: options.missingHistory
  })
  const failed = results.filter(result => result.status === 'fail').length
  const warnings = results.filter(result => result.status === 'warn').length
  const passed = failed === 0 && (options.failOn === 'error' || warnings === 0)
  const resultsDocument: ResultsDocument = {
    schema_version: RESULTS_SCHEMA_VERSION,
    dataset,
    logical_date: logicalDate,
    evaluated_at: (options.now?.() ?? new Date()).toISOString(),
    rules_file: ruleSet.file,
    metrics: location,
    fail_on: options.failOn,
    missing_history: options.missingHistory,
    passed,
    failed,
    warnings,
    history_dates: history.map(point => point.logicalDate),
    results
  }

  for (const result of results) {
    // Column names and values come from the metrics document: no control bytes in a log line.
    const line = printable(`${result.rule}: ${result.message} (expected ${result.bound})`)
    if (result.status === 'fail') logger.error(line)
    else if (result.status === 'warn') logger.warning(line)
    else if (result.history && !result.history.sufficient) logger.info(line)
  }

  let resultsLocation: string | undefined
  if (options.writeResults) {
    const resultsStore = options.resultsStore ?? store
    await resultsStore.write(
      dataset,
      logicalDate,
      'results.json',
      `${JSON.stringify(resultsDocument, null, 2)}\n`
    )
    resultsLocation = resultsStore.locate(dataset, logicalDate, 'results.json')
    logger.info(`Wrote ${resultsLocation}`)
  }
  return {
    results: resultsDocument,
    resultsLocation,
    summary: gateSummary(resultsDocument, resultsLocation)
  }
}

const STATUS_ICON: Record<RuleResult['status'], string> = {
  pass: '✅ pass',
  warn: '⚠️ warn',
  fail: '❌ fail'
}

export function gateSummary(results: ResultsDocument, resultsLocation?: string): Markdown {
  const verdict = results.passed ? '✅ passed' : '❌ failed'
  const rows = results.results.map(result => [
    result.rule,
    result.shown,
    result.bound,
    STATUS_ICON[result.status] +
      (result.history && !result.history.sufficient ? ' (not enough history)' : '') +
      (result.severity === 'warn' ? ' · warn rule' : '')
  ])
  const written = resultsLocation ? safeMd`; results: ${code(resultsLocation)}` : ''
  return safeMd`### Data quality: ${results.dataset} ${results.logical_date} ${verdict}

${results.results.length} rules: ${results.failed} failed, ${results.warnings} warnings (fail-on: ${results.fail_on}). Metrics: ${code(results.metrics)}${written}

${table(['rule', 'value', 'bound', 'status'], rows)}`
}

/** The step's failure line: which rules failed. */
export function failureMessage(results: ResultsDocument): string {
  const blocking = results.results.filter(
    result => result.status === 'fail' || (results.fail_on === 'warn' && result.status === 'warn')
  )
  const names = blocking.map(result => result.rule)
  const shown = names.slice(0, 5).join(', ') + (names.length > 5 ? `, … (${names.length})` : '')
  return (
    `Data quality gate failed for ${results.dataset} ${results.logical_date}: ` +
    `${results.failed} failed, ${results.warnings} warnings (fail-on: ${results.fail_on}): ${shown}`
  )
}
