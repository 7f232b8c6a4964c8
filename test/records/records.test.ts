import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { Inputs } from '../../src/core/inputs.js'
import { MemoryLogger } from '../../src/core/log.js'
import type { SparkJobOutcome } from '../../src/emr/spark-job.js'
import type { ResultsDocument } from '../../src/quality/gate.js'
import { qualityRecord, sensorRecord, sparkJobRecord } from '../../src/records/details.js'
import { LakeFolder } from '../../src/records/lake.js'
import { RunRecorder, US_EAST_1_PRICES, type RunRecord } from '../../src/records/index.js'
import { readPrices, readRecordTarget, type RecordTarget } from '../../src/records/target.js'
import type { SensorResult } from '../../src/s3/sensor.js'
import { tempDir } from '../support/temp.js'

const inputsOf = (values: Record<string, string>): Inputs => new Inputs(name => values[name])
const githubEnv = {
  GITHUB_RUN_ID: '4242',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_REPOSITORY: 'example/pipeline',
  GITHUB_JOB: 'ingest-cdc'
}

/** A clock the test moves by hand. */
function manualClock(start: string): { now: () => Date; advance: (seconds: number) => void } {
  let at = Date.parse(start)
  return { now: () => new Date(at), advance: seconds => (at += seconds * 1000) }
}

const target = (logicalDate: string, attempt = 1): RecordTarget => ({
  root: { kind: 'local', dir: '' },
  pipeline: 'daily',
  task: 'ingest-cdc',
  logicalDate,
  run: { id: '77', attempt }
})

describe('run record inputs', () => {
  it('are off when run-records is empty', () => {
    expect(readRecordTarget(inputsOf({}), {}, '/w', { defaultTask: 'x' })).toBeUndefined()
  })

  it('name the workflow run, its attempt and link, and default the task to the job ID', () => {
    const parsed = readRecordTarget(
      inputsOf({
        'run-records': 's3://lake/root/',
        pipeline: 'daily',
        'logical-date': '2026-01-01'
      }),
      githubEnv,
      '/w',
      { defaultTask: 'spark-job' }
    )
    expect(parsed).toEqual({
      root: { kind: 's3', bucket: 'lake', prefix: 'root' },
      pipeline: 'daily',
      task: 'ingest-cdc',
      logicalDate: '2026-01-01',
      run: {
        id: '4242',
        attempt: 2,
        url: 'https://github.com/example/pipeline/actions/runs/4242/attempts/2',
        job: 'ingest-cdc'
      }
    })
  })

  it.each([
    [
      { pipeline: 'daily' },
      "Input 'logical-date': expected a date as YYYY-MM-DD, for the run record (it is required)"
    ],
    [
      { pipeline: 'daily', 'logical-date': '2026-13-01' },
      "Input 'logical-date': expected a date as YYYY-MM-DD, got '2026-13-01'"
    ],
    [
      { 'logical-date': '2026-01-01' },
      "Input 'pipeline': expected the pipeline name, for the run record (it is required)"
    ],
    [
      { pipeline: '../x', 'logical-date': '2026-01-01' },
      "Input 'pipeline': expected letters, digits, _ . - (at most 100), got '../x'"
    ],
    [
      { pipeline: 'p', task: 'a/b', 'logical-date': '2026-01-01' },
      "Input 'task': expected letters, digits, _ . - (at most 100), got 'a/b'"
    ],
    [
      { pipeline: 'p', 'logical-date': '2026-01-01', 'run-records': 'gs://x' },
      "Input 'run-records': expected an s3://bucket/prefix URI or a local folder"
    ]
  ])('refuse %j with one line naming the input', (values, message) => {
    expect(() =>
      readRecordTarget(inputsOf({ 'run-records': 'lake', ...values }), {}, '/w', {
        defaultTask: 't'
      })
    ).toThrow(message)
  })

  it('read prices as key=value lines over the us-east-1 defaults, refusing unknown keys', () => {
    expect(readPrices(inputsOf({ prices: 'vcpu-hour=0.1' }), US_EAST_1_PRICES)).toEqual({
      ...US_EAST_1_PRICES,
      vcpu_hour: 0.1
    })
    expect(() => readPrices(inputsOf({ prices: 'gpu-hour=1' }), US_EAST_1_PRICES)).toThrow(
      "Input 'prices': expected vcpu-hour=, memory-gb-hour=, storage-gb-hour= lines with prices in US dollars, got 'gpu-hour'"
    )
    expect(() => readPrices(inputsOf({ prices: 'vcpu-hour=-1' }), US_EAST_1_PRICES)).toThrow(
      "Input 'prices': expected vcpu-hour as a number of 0 or more, got '-1'"
    )
  })
})

describe('RunRecorder on a lake folder', () => {
  it('writes running at the start, then the end state with its duration; a re-run overwrites only its own date', async () => {
    const dir = tempDir('records')
    const lake = new LakeFolder(dir)
    const file = (date: string): string =>
      path.join(dir, '_pipeline', 'runs', 'daily', `date=${date}`, 'ingest-cdc.json')
    const read = (date: string): RunRecord =>
      JSON.parse(readFileSync(file(date), 'utf8')) as RunRecord
    const logger = new MemoryLogger()

    const clock = manualClock('2026-01-02T02:00:00Z')
    const first = new RunRecorder(target('2026-01-01'), lake, logger, clock.now)
    await first.start()
    expect(read('2026-01-01')).toEqual({
      schema_version: 1,
      pipeline: 'daily',
      task: 'ingest-cdc',
      logical_date: '2026-01-01',
      run: { id: '77', attempt: 1 },
      state: 'running',
      started_at: '2026-01-02T02:00:00.000Z'
    })
    clock.advance(95)
    await first.finish('failure', { message: 'Job run x ended FAILED' })
    expect(read('2026-01-01')).toMatchObject({
      state: 'failure',
      ended_at: '2026-01-02T02:01:35.000Z',
      duration_seconds: 95,
      message: 'Job run x ended FAILED'
    })
    await new RunRecorder(target('2026-01-02'), lake, logger, clock.now).finish('success')

    const rerun = new RunRecorder(target('2026-01-01', 2), lake, logger, clock.now)
    await rerun.finish('success')
    expect(read('2026-01-01')).toMatchObject({ state: 'success', run: { attempt: 2 } })
    expect(read('2026-01-01').message).toBeUndefined()
    expect(read('2026-01-02')).toMatchObject({ state: 'success', run: { attempt: 1 } })
    expect(logger.lines).toEqual([])
  })

  it('does nothing when records are off', async () => {
    const recorder = new RunRecorder(undefined, undefined, new MemoryLogger())
    expect(recorder.enabled).toBe(false)
    await recorder.start()
    await recorder.finish('success')
  })
})

describe('record details', () => {
  it('sum the Spark usage of every attempt and price it', () => {
    const outcome = {
      applicationId: 'app',
      runName: 'daily/ingest-cdc/2026-01-01',
      jobRunId: 'run-2',
      state: 'SUCCESS',
      attempts: [{ jobRunId: 'run-1' }, { jobRunId: 'run-2' }],
      durationSeconds: 60,
      usage: { vcpuHours: 2, memoryGbHours: 8, storageGbHours: 40 },
      dashboardUrl: '',
      waited: true
    } as unknown as SparkJobOutcome
    const { state, details } = sparkJobRecord(outcome, US_EAST_1_PRICES)
    expect(state).toBe('success')
    // 2 × 0.052624 + 8 × 0.0057785 + 40 × 0.000111 = 0.155916
    expect(details.spark).toEqual({
      job_run_ids: ['run-1', 'run-2'],
      attempts: 2,
      vcpu_hours: 2,
      memory_gb_hours: 8,
      storage_gb_hours: 40,
      estimated_cost_usd: 0.155916,
      prices: US_EAST_1_PRICES
    })
    const cancelled = sparkJobRecord(
      {
        ...outcome,
        state: 'CANCELLING',
        failure: 'The workflow was cancelled; job run run-2 was cancelled'
      },
      US_EAST_1_PRICES
    )
    expect(cancelled.state).toBe('cancelled')
    expect(
      sparkJobRecord(
        { ...outcome, state: 'FAILED', failure: 'Job run run-2 ended FAILED' },
        US_EAST_1_PRICES
      ).state
    ).toBe('failure')
  })

  it('take the landing time from the newest object S3 listed', () => {
    const result = {
      found: true,
      objects: [
        { key: 'a', size: 1, etag: '', lastModified: Date.parse('2026-01-02T01:10:00Z') },
        { key: 'b', size: 2, etag: '', lastModified: Date.parse('2026-01-02T01:40:00Z') }
      ],
      totalBytes: 3,
      waitedMs: 125_400,
      message: 'found'
    } as unknown as SensorResult
    expect(sensorRecord(result, new Date('2026-01-02T02:05:00Z'), false)).toEqual({
      state: 'success',
      details: {
        sensor: {
          found: true,
          waited_seconds: 125,
          landed_at: '2026-01-02T01:40:00.000Z',
          objects: 2,
          bytes: 3
        }
      }
    })
    expect(sensorRecord({ ...result, found: false, objects: [] }, new Date(), true).state).toBe(
      'skipped'
    )
    expect(sensorRecord({ ...result, found: false, objects: [] }, new Date(), false).state).toBe(
      'failure'
    )
  })

  it('count the gate rules by verdict and keep the row count', () => {
    const results = {
      dataset: 'customers',
      passed: false,
      results: [
        { status: 'pass', metric: 'row_count', value: 208 },
        { status: 'warn', metric: 'row_count', value: 208 },
        { status: 'fail', metric: 'missing_count(email)', value: 3 },
        { status: 'pass' }
      ]
    } as unknown as ResultsDocument
    expect(qualityRecord(results)).toEqual({
      state: 'failure',
      details: {
        quality: {
          dataset: 'customers',
          passed: false,
          rules_passed: 2,
          rules_warned: 1,
          rules_failed: 1
        },
        rows: { out: 208 }
      }
    })
  })
})
