import { UserError } from '../core/errors.js'
import { printable } from '../core/printable.js'

/** The metrics document schema version this gate reads (jobs/data_quality.py writes it). */
export const METRICS_SCHEMA_VERSION = 1

export interface MetricEntry {
  kind: string
  /** A count, an ISO-8601 UTC timestamp (max_timestamp), or null (no timestamp at all). */
  value: number | string | null
  columns?: string[]
  check?: string
  duplicate_keys?: number
}

export interface MetricsDocument {
  schema_version: number
  dataset: string
  logical_date: string
  generated_at: string
  input?: string
  rules_file?: string
  row_count: number
  /** Column name → Spark type (simpleString: string, bigint, double, timestamp, ...). */
  columns: Record<string, string>
  metrics: Record<string, MetricEntry>
}

/** A metrics document that is missing, unreadable, malformed or not the one asked for. */
export class MetricsDocumentError extends UserError {
  override name = 'MetricsDocumentError'
  constructor(message: string) {
    super(printable(message))
  }
}

/** The kinds of metric the data-quality job writes; each is a count but max_timestamp. */
const COUNT_KINDS = ['row_count', 'missing_count', 'duplicate_count', 'invalid_count']
const TIMESTAMP_KIND = 'max_timestamp'
/** What jobs/data_quality.py writes: UTC, milliseconds optional, `Z` or an offset. */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
const isTimestamp = (value: unknown): value is string =>
  typeof value === 'string' && ISO_TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value))

/** A value as an error line shows it: JSON (which escapes control characters), cut short. */
function shown(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value)
  return text.length <= 60 ? text : `${text.slice(0, 59)}…`
}

/**
 * Parses and checks a metrics document: valid JSON, the schema version this gate reads, and
 * the dataset and logical date expected (a document copied to the wrong folder must not
 * pass for another day's data).
 */
export function parseMetricsDocument(
  text: string,
  location: string,
  expected: { dataset: string; logicalDate: string }
): MetricsDocument {
  const problem = (message: string): MetricsDocumentError =>
    new MetricsDocumentError(`Metrics document ${location}: ${message}`)
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error)
    throw problem(`not valid JSON (${reason})`)
  }
  if (!isObject(document)) throw problem('expected a JSON object')
  if (document.schema_version !== METRICS_SCHEMA_VERSION) {
    throw problem(
      `schema_version is ${JSON.stringify(document.schema_version ?? null)}; this gate reads ` +
        `version ${METRICS_SCHEMA_VERSION} (update the action or the data-quality job)`
    )
  }
  if (document.dataset !== expected.dataset) {
    throw problem(
      `it is for dataset ${JSON.stringify(document.dataset ?? null)}, expected ` +
        `'${expected.dataset}' (the rules file's dataset)`
    )
  }
  if (document.logical_date !== expected.logicalDate) {
    throw problem(
      `it is for logical date ${JSON.stringify(document.logical_date ?? null)}, expected ` +
        `${expected.logicalDate}`
    )
  }
  if (!isCount(document.row_count)) {
    throw problem(
      `'row_count' must be a whole number of 0 or more, got ${shown(document.row_count)}`
    )
  }
  if (!isTimestamp(document.generated_at)) {
    throw problem(
      `'generated_at' must be an ISO-8601 timestamp, got ${shown(document.generated_at)}`
    )
  }
  const columns = document.columns
  if (!isObject(columns) || !Object.values(columns).every(type => typeof type === 'string')) {
    throw problem("'columns' must map column names to type names")
  }
  const metrics = document.metrics
  if (!isObject(metrics)) throw problem("'metrics' must be an object keyed by metric id")
  for (const [id, entry] of Object.entries(metrics)) {
    checkMetric(id, entry, document.row_count, problem)
  }
  return document as unknown as MetricsDocument
}

/**
 * A metric entry must hold a value its kind can have: a count of 0 or more (row_count equal
 * to the top-level one), or a timestamp or null for max_timestamp.
 * A document that breaks this was not written by the job, and a verdict on it means nothing.
 */
function checkMetric(
  id: string,
  entry: unknown,
  rowCount: number,
  problem: (message: string) => MetricsDocumentError
): void {
  const field = `metrics[${JSON.stringify(id)}]`
  const value = isObject(entry) ? entry.value : undefined
  if (!(typeof value === 'number' || typeof value === 'string' || value === null)) {
    throw problem(`metric '${id}' has no number, timestamp or null 'value'`)
  }
  const kind = (entry as Record<string, unknown>).kind
  if (kind === TIMESTAMP_KIND) {
    if (value !== null && !isTimestamp(value)) {
      throw problem(`'${field}.value' must be an ISO-8601 timestamp or null, got ${shown(value)}`)
    }
    return
  }
  if (typeof kind !== 'string' || !COUNT_KINDS.includes(kind)) {
    throw problem(
      `'${field}.kind' must be one of ${[...COUNT_KINDS, TIMESTAMP_KIND].join(', ')}, got ${shown(kind)}`
    )
  }
  if (!isCount(value)) {
    throw problem(`'${field}.value' must be a whole number of 0 or more, got ${shown(value)}`)
  }
  if (kind === 'row_count' && value !== rowCount) {
    throw problem(`'${field}.value' is ${value} but 'row_count' is ${rowCount}`)
  }
  const keys = (entry as Record<string, unknown>).duplicate_keys
  if (kind === 'duplicate_count' && keys !== undefined) {
    // Each repeated key accounts for at least one extra row.
    if (!isCount(keys) || keys > value) {
      throw problem(
        `'${field}.duplicate_keys' must be a whole number from 0 to the value ${value}, got ${shown(keys)}`
      )
    }
  }
}
