import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { addDays } from '../../src/core/calendar.js'
import type { CellState } from '../../src/report/model.js'
import { US_EAST_1_PRICES, type RunRecord } from '../../src/records/record.js'

/**
 * A lake folder with run records and quality results for `days` dates × 5 tasks, written
 * the way the actions write them, with every situation the dashboard must show: failures
 * (and the tasks after them skipped), retries inside the action and re-runs of the workflow,
 * a soft-failed sensor, dates with no record, a task still running, and bad files (truncated
 * JSON, another schema version, a negative duration, a date in the future). `expected` says
 * what each cell must show, from the scenario itself, not from the report's code.
 */
export const FIXTURE_TASKS = [
  'wait-for-data',
  'ingest-cdc',
  'data-quality-metrics',
  'quality-gate',
  'compute-aggregates'
] as const
type FixtureTask = (typeof FIXTURE_TASKS)[number]
/** One value per task (every task is mapped, so the record is complete). */
const perTask = <T>(value: (task: FixtureTask) => T): Record<FixtureTask, T> =>
  Object.fromEntries(FIXTURE_TASKS.map(task => [task, value(task)])) as Record<FixtureTask, T>
export const FIXTURE_PIPELINE = 'daily-customer-etl'

export interface FixtureLake {
  dates: string[]
  /** expected[task][dateIndex]. */
  expected: Record<FixtureTask, CellState[]>
  /** How many bad files it holds (each must be listed as not used). */
  badFiles: number
  /** The total estimated cost of the Spark records in range. */
  costUsd: number
}

type Plan =
  | 'pass'
  | 'retry'
  | 'rerun'
  | 'fail'
  | 'skip'
  | 'running'
  | 'none'
  | 'truncated'
  | 'schema'
  | 'negative'

/** What happens to each task on date number `index`; the scenario, in one place. */
function planFor(index: number, last: number): Record<FixtureTask, Plan> {
  const plan = perTask<Plan>(() => 'pass')
  const rerun = index % 17 === 8
  if (index === 20 || index === 21) return perTask<Plan>(() => 'none')
  if (rerun) for (const task of FIXTURE_TASKS) plan[task] = 'rerun'
  if (index % 11 === 3) plan['ingest-cdc'] = 'retry'
  if (index % 13 === 5)
    Object.assign(plan, {
      'ingest-cdc': 'fail',
      'data-quality-metrics': 'none',
      'quality-gate': 'none',
      'compute-aggregates': 'none'
    })
  if (index % 19 === 7)
    Object.assign(plan, { 'quality-gate': 'fail', 'compute-aggregates': 'none' })
  if (index === 40)
    Object.assign(plan, {
      'wait-for-data': 'skip',
      'ingest-cdc': 'none',
      'data-quality-metrics': 'none',
      'quality-gate': 'none',
      'compute-aggregates': 'none'
    })
  if (index === 30) plan['quality-gate'] = 'truncated'
  if (index === 31) plan['compute-aggregates'] = 'schema'
  if (index === 32) plan['data-quality-metrics'] = 'negative'
  if (index === last) plan['compute-aggregates'] = 'running'
  return plan
}

function expectedState(plan: Plan, upstreamStopped: boolean): CellState {
  switch (plan) {
    case 'pass':
      return 'passed'
    case 'retry':
    case 'rerun':
      return 'retried'
    case 'fail':
      return 'failed'
    case 'skip':
      return 'skipped'
    case 'running':
      return 'running'
    case 'none':
      return upstreamStopped ? 'skipped' : 'missing'
    default:
      return 'invalid'
  }
}

const SPARK = new Set(['ingest-cdc', 'data-quality-metrics', 'compute-aggregates'])
/** Offsets of each task's start after 02:00 of the run day, in minutes. */
const START_MINUTES: Record<FixtureTask, number> = {
  'wait-for-data': 0,
  'ingest-cdc': 20,
  'data-quality-metrics': 45,
  'quality-gate': 60,
  'compute-aggregates': 65
}

export function writeFixtureLake(dir: string, start: string, days: number): FixtureLake {
  const dates = Array.from({ length: days }, (_, index) => addDays(start, index))
  const expected = perTask<CellState[]>(() => [])
  let badFiles = 0
  let costUsd = 0
  const write = (relative: string, text: string): void => {
    const file = path.join(dir, ...relative.split('/'))
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, text)
  }
  dates.forEach((date, index) => {
    const plan = planFor(index, days - 1)
    let upstreamStopped = false
    const runDay = Date.parse(`${addDays(date, 1)}T02:00:00Z`)
    for (const task of FIXTURE_TASKS) {
      const step = plan[task]
      expected[task].push(expectedState(step, upstreamStopped))
      if (step === 'fail' || step === 'skip' || (step === 'none' && upstreamStopped))
        upstreamStopped = true
      if (step === 'none') continue
      const key = `_pipeline/runs/${FIXTURE_PIPELINE}/date=${date}/${task}.json`
      if (step === 'truncated') {
        write(key, '{"schema_version": 1, "pipeline": "daily-customer-etl", "task": "qual')
        badFiles++
        continue
      }
      const started = runDay + START_MINUTES[task] * 60_000 + (index % 5) * 60_000
      const seconds = 60 + ((index * 37 + task.length * 13) % 600)
      const record: RunRecord = {
        schema_version: 1,
        pipeline: FIXTURE_PIPELINE,
        task,
        logical_date: date,
        run: {
          id: String(9000 + index),
          attempt: step === 'rerun' ? 2 : 1,
          url: `https://github.com/example/pipeline/actions/runs/${9000 + index}/attempts/${step === 'rerun' ? 2 : 1}`
        },
        state:
          step === 'fail'
            ? 'failure'
            : step === 'skip'
              ? 'skipped'
              : step === 'running'
                ? 'running'
                : 'success',
        started_at: new Date(started).toISOString(),
        ...(step === 'running'
          ? {}
          : {
              ended_at: new Date(started + seconds * 1000).toISOString(),
              duration_seconds: step === 'negative' ? -5 : seconds
            }),
        ...(step === 'fail' ? { message: `${task} ended FAILED: exit code 1` } : {})
      }
      if (SPARK.has(task) && step !== 'running') {
        const vcpu = Math.round((0.5 + (index % 7) * 0.1 + task.length * 0.01) * 1000) / 1000
        const usage = { vcpu_hours: vcpu, memory_gb_hours: vcpu * 4, storage_gb_hours: vcpu * 20 }
        const cost =
          Math.round(
            (usage.vcpu_hours * US_EAST_1_PRICES.vcpu_hour +
              usage.memory_gb_hours * US_EAST_1_PRICES.memory_gb_hour +
              usage.storage_gb_hours * US_EAST_1_PRICES.storage_gb_hour) *
              1_000_000
          ) / 1_000_000
        record.spark = {
          job_run_ids: step === 'retry' ? [`jr-${index}-1`, `jr-${index}-2`] : [`jr-${index}`],
          attempts: step === 'retry' ? 2 : 1,
          ...usage,
          estimated_cost_usd: cost,
          prices: US_EAST_1_PRICES
        }
        if (step === 'pass' || step === 'retry' || step === 'rerun' || step === 'fail')
          costUsd += cost
      }
      if (task === 'wait-for-data') {
        const landed = runDay - 3_600_000 + ((index * 53) % 240) * 60_000
        record.sensor = {
          found: step !== 'skip',
          waited_seconds: Math.max(0, Math.round((landed - runDay) / 1000)),
          ...(step === 'skip' ? {} : { landed_at: new Date(landed).toISOString() }),
          objects: 3,
          bytes: 4096
        }
      }
      if (task === 'ingest-cdc') record.rows = { in: 200 + index, out: 1000 + index * 10 }
      if (task === 'quality-gate') {
        const failed = step === 'fail'
        record.quality = {
          dataset: 'customers',
          passed: !failed,
          rules_passed: failed ? 2 : 3,
          rules_warned: 1,
          rules_failed: failed ? 1 : 0
        }
        write(
          `_pipeline/quality/customers/date=${date}/results.json`,
          JSON.stringify(resultsDocument(date, index, failed))
        )
      }
      let text = JSON.stringify(record, null, 2)
      if (step === 'schema') {
        text = JSON.stringify({ ...record, schema_version: 2 })
        badFiles++
      }
      if (step === 'negative') badFiles++
      write(key, text)
    }
  })
  // A record dated after "now" (a wrong clock or a typo in a backfill).
  write(
    `_pipeline/runs/${FIXTURE_PIPELINE}/date=2099-01-01/ingest-cdc.json`,
    JSON.stringify({
      schema_version: 1,
      pipeline: FIXTURE_PIPELINE,
      task: 'ingest-cdc',
      logical_date: '2099-01-01',
      state: 'success',
      started_at: '2099-01-02T02:00:00Z'
    })
  )
  badFiles++
  return { dates, expected, badFiles, costUsd: Math.round(costUsd * 10_000) / 10_000 }
}

function resultsDocument(date: string, index: number, failed: boolean): unknown {
  const rows = 1000 + index * 10
  return {
    schema_version: 1,
    dataset: 'customers',
    logical_date: date,
    evaluated_at: `${date}T03:00:00.000Z`,
    rules_file: 'quality/customers.yml',
    metrics: `s3://lake/quality/metrics/customers/date=${date}/metrics.json`,
    fail_on: 'error',
    missing_history: 'warn',
    passed: !failed,
    failed: failed ? 1 : 0,
    warnings: 1,
    history_dates: [],
    results: [
      {
        index: 1,
        rule: 'snapshot is not empty',
        family: 'row_count',
        severity: 'error',
        status: 'pass',
        metric: 'row_count',
        value: rows,
        shown: String(rows),
        bound: '>= 1',
        message: `${rows} rows`
      },
      {
        index: 2,
        rule: 'emails mostly present',
        family: 'missing_percent',
        severity: 'error',
        status: failed ? 'fail' : 'pass',
        metric: 'missing_count(email)',
        value: failed ? 3.5 : 1 + (index % 5) * 0.2,
        shown: '',
        bound: '<= 2',
        message: ''
      },
      {
        index: 3,
        rule: 'volume in line with the last week',
        family: 'change',
        severity: 'warn',
        status: 'warn',
        metric: 'row_count',
        value: rows,
        shown: '',
        bound: 'ratio >= 0.8 and ratio <= 1.5 vs avg of last 7',
        message: ''
      },
      {
        index: 4,
        rule: 'silver schema',
        family: 'schema',
        severity: 'error',
        status: 'pass',
        value: [],
        shown: '',
        bound: '',
        message: ''
      }
    ]
  }
}
