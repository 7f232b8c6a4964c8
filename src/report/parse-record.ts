import { isIsoDate } from '../core/calendar.js'
import { NAME, RUN_RECORD_SCHEMA_VERSION, TASK_STATES, type RunRecord } from '../records/record.js'
import { fields, flag, isObject, listOf, number, oneOf, optional, text, time } from './schema.js'

/** A record the report could not use, and why: shown in the page and the summary, then skipped. */
export interface RecordProblem {
  /** Where it is (a key or path). */
  location: string
  logicalDate?: string
  task?: string
  reason: string
}

export type ParsedRecord = { record: RunRecord } | { problem: RecordProblem }

const cost = number({ min: 0 })
const count = number({ min: 0, whole: true })

/** Run record schema version 1 (report/README.md, "Run records"), field by field. */
const RUN_RECORD = fields({
  pipeline: text(100),
  task: text(100),
  logical_date: text(10),
  state: oneOf(TASK_STATES),
  started_at: time,
  ended_at: optional(time),
  duration_seconds: optional(number({ min: 0 })),
  message: optional(text(2000)),
  run: optional(
    fields({
      id: text(40),
      attempt: number({ min: 1, whole: true }),
      url: optional(text(500)),
      local: optional(flag),
      job: optional(text(200))
    })
  ),
  spark: optional(
    fields({
      job_run_ids: listOf(text(100), 1000),
      attempts: number({ min: 1, whole: true }),
      vcpu_hours: cost,
      memory_gb_hours: cost,
      storage_gb_hours: cost,
      estimated_cost_usd: cost,
      prices: fields({ vcpu_hour: cost, memory_gb_hour: cost, storage_gb_hour: cost })
    })
  ),
  sensor: optional(
    fields({
      found: flag,
      waited_seconds: cost,
      landed_at: optional(time),
      objects: count,
      bytes: cost
    })
  ),
  quality: optional(
    fields({
      dataset: text(100),
      passed: flag,
      rules_passed: count,
      rules_warned: count,
      rules_failed: count
    })
  ),
  rows: optional(fields({ in: optional(cost), out: optional(cost) }))
})

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
  const duration = value.duration_seconds
  if (typeof duration === 'number' && duration < 0)
    return problem(`negative duration (${duration} s)`)
  const wrong = RUN_RECORD(value, '')
  if (wrong) return problem(wrong)
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
  return { record }
}
