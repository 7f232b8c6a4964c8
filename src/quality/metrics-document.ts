import { UserError } from '../core/errors.js'

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

/** A metrics document that is missing, unreadable or not the one asked for. */
export class MetricsDocumentError extends UserError {
  override name = 'MetricsDocumentError'
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

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
  if (typeof document.row_count !== 'number' || !Number.isInteger(document.row_count)) {
    throw problem("'row_count' must be a whole number")
  }
  const columns = document.columns
  if (!isObject(columns) || !Object.values(columns).every(type => typeof type === 'string')) {
    throw problem("'columns' must map column names to type names")
  }
  const metrics = document.metrics
  if (!isObject(metrics)) throw problem("'metrics' must be an object keyed by metric id")
  for (const [id, entry] of Object.entries(metrics)) {
    const value = isObject(entry) ? entry.value : undefined
    if (!(typeof value === 'number' || typeof value === 'string' || value === null)) {
      throw problem(`metric '${id}' has no number, timestamp or null 'value'`)
    }
  }
  return document as unknown as MetricsDocument
}
