/**
 * The run record: one small JSON document per pipeline, logical date and task, written by
 * each action of the pipeline into the lake beside the quality documents, and read by the
 * report. Layout and fields: report/README.md, "Run records".
 */

export const RUN_RECORD_SCHEMA_VERSION = 1
export const RUNS_FOLDER = '_pipeline/runs'

/** How a task ended (or that it is still going). */
export type TaskState = 'success' | 'failure' | 'cancelled' | 'skipped' | 'running'
export const TASK_STATES: readonly TaskState[] = [
  'success',
  'failure',
  'cancelled',
  'skipped',
  'running'
]

export interface SparkUsageRecord {
  /** Every job run the action started or attached to, the first first. */
  job_run_ids: string[]
  attempts: number
  vcpu_hours: number
  memory_gb_hours: number
  storage_gb_hours: number
  /** vCPU-, memory- and storage-hours at the prices below, in US dollars. */
  estimated_cost_usd: number
  prices: Prices
}

/** US dollars per hour of each resource. */
export interface Prices {
  vcpu_hour: number
  memory_gb_hour: number
  storage_gb_hour: number
}

/**
 * EMR Serverless on-demand prices in us-east-1 (x86): $0.052624 per vCPU-hour, $0.0057785
 * per memory GB-hour, $0.000111 per storage GB-hour (the first 20 GB of a worker are free;
 * the service bills only the rest, and its billed figure already leaves them out).
 */
export const US_EAST_1_PRICES: Prices = {
  vcpu_hour: 0.052624,
  memory_gb_hour: 0.0057785,
  storage_gb_hour: 0.000111
}

export interface SensorRecord {
  found: boolean
  waited_seconds: number
  /** When the data was found complete (the end of the wait), if it was. */
  landed_at?: string
  objects: number
  bytes: number
}

export interface QualityRecord {
  dataset: string
  passed: boolean
  rules_passed: number
  rules_warned: number
  rules_failed: number
}

export interface RunRecord {
  schema_version: typeof RUN_RECORD_SCHEMA_VERSION
  pipeline: string
  task: string
  logical_date: string
  /**
   * The GitHub workflow run and attempt that wrote the record (absent outside Actions);
   * `local` for a run of the local runner, which has no page to link.
   */
  run?: { id: string; attempt: number; url?: string; local?: boolean; job?: string }
  state: TaskState
  started_at: string
  /** Absent while running. */
  ended_at?: string
  duration_seconds?: number
  /** Why it failed, in one line. */
  message?: string
  spark?: SparkUsageRecord
  sensor?: SensorRecord
  quality?: QualityRecord
  rows?: { in?: number; out?: number }
}

/** `_pipeline/runs/<pipeline>/date=<ds>/<task>.json`, relative to the lake root. */
export const recordKey = (pipeline: string, logicalDate: string, task: string): string =>
  `${RUNS_FOLDER}/${pipeline}/date=${logicalDate}/${task}.json`

/** A name that is safe as one path segment: the pipeline and task end up in keys. */
export const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/

export function estimatedCost(
  usage: { vcpu_hours: number; memory_gb_hours: number; storage_gb_hours: number },
  prices: Prices
): number {
  const dollars =
    usage.vcpu_hours * prices.vcpu_hour +
    usage.memory_gb_hours * prices.memory_gb_hour +
    usage.storage_gb_hours * prices.storage_gb_hour
  return Math.round(dollars * 1_000_000) / 1_000_000
}
