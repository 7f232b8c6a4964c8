import { isIsoDate } from '../core/calendar.js'
import {
  NAME,
  RUN_RECORD_SCHEMA_VERSION,
  TASK_STATES,
  type RunRecord,
  type TaskState
} from '../records/record.js'

/** A record the report could not use, and why: shown in the page and the summary, then skipped. */
export interface RecordProblem {
  /** Where it is (a key or path). */
  location: string
  logicalDate?: string
  task?: string
  reason: string
}

export type ParsedRecord = { record: RunRecord } | { problem: RecordProblem }

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Checks one record file against schema version 1. `expected` is what its key says (date and
 * task); `today` is the last date a record may be for (a later one is a clock or a typo).
 */
export function parseRunRecord(
  text: string,
  location: string,
  expected: { logicalDate: string; task: string },
  today: string
): ParsedRecord {
  const problem = (reason: string): ParsedRecord => ({
    problem: { location, logicalDate: expected.logicalDate, task: expected.task, reason }
  })
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return problem(text.trim() ? 'not valid JSON (truncated?)' : 'empty file')
  }
  if (!isObject(value)) return problem('not a JSON object')
  if (value.schema_version !== RUN_RECORD_SCHEMA_VERSION) {
    return problem(
      `schema_version ${JSON.stringify(value.schema_version)}, this report reads version ${RUN_RECORD_SCHEMA_VERSION}`
    )
  }
  for (const field of ['pipeline', 'task', 'logical_date', 'state', 'started_at']) {
    if (typeof value[field] !== 'string') return problem(`${field} missing or not a string`)
  }
  const record = value as unknown as RunRecord
  if (!NAME.test(record.task)) return problem(`task '${record.task}' is not a valid name`)
  if (!isIsoDate(record.logical_date))
    return problem(`logical_date '${record.logical_date}' is not a date`)
  if (record.logical_date !== expected.logicalDate || record.task !== expected.task) {
    return problem(
      `says ${record.logical_date}/${record.task}, but its key says ${expected.logicalDate}/${expected.task}`
    )
  }
  if (record.logical_date > today)
    return problem(`logical_date ${record.logical_date} is in the future`)
  if (!TASK_STATES.includes(record.state as TaskState))
    return problem(`unknown state '${record.state}'`)
  if (Number.isNaN(Date.parse(record.started_at))) return problem('started_at is not a time')
  if (record.ended_at !== undefined && Number.isNaN(Date.parse(record.ended_at))) {
    return problem('ended_at is not a time')
  }
  const duration = record.duration_seconds
  if (duration !== undefined && (typeof duration !== 'number' || !Number.isFinite(duration))) {
    return problem('duration_seconds is not a number')
  }
  if (typeof duration === 'number' && duration < 0)
    return problem(`negative duration (${duration} s)`)
  return { record }
}
