import {
  CreateApplicationCommand,
  EMRServerlessClient,
  ListJobRunsCommand
} from '@aws-sdk/client-emr-serverless'
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client
} from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDays } from '../../../src/core/calendar.js'
import { awsTestEnv, startMoto, type Moto } from '../../support/moto.js'
import { jobLines, runFixture } from './support.js'

// The real .github/workflows/daily-customer-etl.yml (and the per-date workflow it calls), as
// they are, through the runner, with the real action bundles (dist/) against moto (the real
// S3 / EMR Serverless API peer). moto's job runs are SUCCESS at once and run no Spark, so no
// metrics document is written and the quality gate fails for want of one: this checks the
// runner's side and the exactly-once rules (plan, claim, finish, report) without Spark;
// test/pipeline/daily-workflow-spark.test.ts runs the same files on real Spark.
let moto: Moto
let s3: S3Client
let emr: EMRServerlessClient
let applicationId: string

beforeAll(async () => {
  moto = await startMoto()
  s3 = new S3Client({ endpoint: moto.endpoint, forcePathStyle: true, region: 'us-east-1' })
  await s3.send(new CreateBucketCommand({ Bucket: 'lake' }))
  for (const date of ['2026-01-01', '2026-01-02']) {
    const marker = `bronze/customers/date=${date}/_SUCCESS`
    await s3.send(new PutObjectCommand({ Bucket: 'lake', Key: marker, Body: '' }))
  }
  emr = new EMRServerlessClient({ endpoint: moto.endpoint, region: 'us-east-1' })
  const created = await emr.send(
    new CreateApplicationCommand({ name: 'etl', releaseLabel: 'emr-7.1.0', type: 'SPARK' })
  )
  applicationId = created.applicationId ?? ''
})

afterAll(async () => {
  s3?.destroy()
  emr?.destroy()
  await moto?.stop()
})

const vars = (): Record<string, string> => ({
  AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/deploy',
  AWS_REGION: 'us-east-1',
  DATA_LAKE_BUCKET: 'lake',
  EMR_APPLICATION_ID: applicationId,
  EMR_EXECUTION_ROLE_ARN: 'arn:aws:iam::123456789012:role/emr',
  EMR_STAGING_URI: 's3://lake/_staging',
  EMR_LOG_URI: 's3://lake/_logs'
})

const hostEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  ...awsTestEnv,
  AWS_ENDPOINT_URL: moto.endpoint
})

/** Job runs started on the application so far (moto answers an unused one with an error). */
async function jobRunCount(): Promise<number> {
  try {
    const listed = await emr.send(new ListJobRunsCommand({ applicationId }))
    return listed.jobRuns?.length ?? 0
  } catch {
    return 0
  }
}

async function keys(prefix: string): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'lake', Prefix: prefix }))
  return (listed.Contents ?? []).map(object => object.Key ?? '')
}

async function clearLedger(): Promise<void> {
  for (const key of await keys('_pipeline/')) {
    await s3.send(new DeleteObjectCommand({ Bucket: 'lake', Key: key }))
  }
}

/** Ledger entries as a completed run writes them, for `days` dates from `start`. */
async function completeDates(start: string, days: number): Promise<void> {
  for (let index = 0; index < days; index++) {
    const date = addDays(start, index)
    const entry = {
      schema_version: 1,
      pipeline: 'daily-customer-etl',
      logical_date: date,
      state: 'completed',
      at: `${addDays(date, 1)}T02:40:00.000Z`,
      run: { id: '5150', attempt: 1, url: 'https://github.com/o/r/actions/runs/5150' }
    }
    await s3.send(
      new PutObjectCommand({
        Bucket: 'lake',
        Key: `_pipeline/dates/daily-customer-etl/${date}.json`,
        Body: JSON.stringify(entry)
      })
    )
  }
}

const daily = (overrides: Parameters<typeof runFixture>[1]) =>
  runFixture('.github/workflows/daily-customer-etl.yml', {
    vars: vars(),
    hostEnv: hostEnv(),
    strict: true,
    ...overrides
  })

// Many Node processes per run: generous limits for a loaded machine.
describe('runner: the daily workflow as it is, against moto', { timeout: 600_000 }, () => {
  it('workflow_dispatch: plan, the date chain in order, the gate fails, aggregates skipped, nothing recorded', async () => {
    await clearLedger()
    const run = await daily({ inputs: { date: '2026-01-01', notify: 'false' } })
    expect(run.outcome?.jobs).toMatchObject({
      plan: { result: 'success', outputs: { dates: '["2026-01-01"]', count: '1' } },
      'day-1': { result: 'failure' },
      'day-2': { result: 'skipped' },
      report: { result: 'failure' }
    })
    expect(run.exitCode).toBe(1)
    const chain = (job: string): string => `day-1 / ${job}`
    expect(run.output).toMatch(/● day-1 \/ claim \(claim the date\): passed/)
    expect(jobLines(run.output, chain('claim'))).toContain('2026-01-01: processing')
    expect(jobLines(run.output, chain('ingest-cdc'))).toContain(
      'Application etl (' + applicationId + '); run name daily-customer-etl/ingest-cdc/2026-01-01'
    )
    // The Spark job action's post step ran at the end of its job.
    expect(run.output).toMatch(/day-1 \/ ingest-cdc ▸ Post Run \.\/\n/)
    expect(jobLines(run.output, chain('validate-data-quality'))).toContain(
      'error: Metrics document s3://lake/quality/metrics/customers/date=2026-01-01/metrics.json not found (did the data-quality job run for 2026-01-01?)'
    )
    expect(run.output).toMatch(/● day-1 \/ compute-aggregates.*: skipped/)
    // The gate's failure is not one a re-run repeats for sure: nothing is written.
    expect(jobLines(run.output, chain('finish'))).toEqual(
      expect.arrayContaining([
        expect.stringContaining('may pass on a re-run, so nothing is recorded')
      ])
    )
    expect(await keys('_pipeline/dates/')).toEqual([])
    expect(run.output).toContain(
      '── Job summary: day-1 / wait-for-data › Run ./s3-sensor ──\nS3 SENSOR: FOUND'
    )
    expect(jobLines(run.output, 'report')).toContain(
      'error: 2026-01-01 failed: validate-data-quality (failure): may pass on a re-run, so nothing is recorded'
    )
  })

  it('schedule: a completed logical date ends in seconds, no job run, no sensor wait, notify skipped', async () => {
    await clearLedger()
    await completeDates('2026-01-01', 6)
    const before = await jobRunCount()
    const run = await daily({ event: 'schedule', eventTime: new Date('2026-01-07T02:07:00Z') })
    expect(run.exitCode).toBe(0)
    expect(await jobRunCount()).toBe(before)
    expect(jobLines(run.output, 'plan')).toEqual(
      expect.arrayContaining([
        'Target 2026-01-06: 2026-01-06: the UTC day before this scheduled run was created (2026-01-07T02:07:00.000Z)',
        '2026-01-06 was completed by run 5150 (https://github.com/o/r/actions/runs/5150) at 2026-01-07T02:40:00.000Z; nothing to do'
      ])
    )
    expect(run.outcome?.jobs['day-1']?.result).toBe('skipped')
    expect(run.outcome?.jobs.report?.outputs.status).toBe('skipped')
    // notify ran (on schedule) and changed no issue.
    expect(jobLines(run.output, 'report')).toEqual(
      expect.arrayContaining([
        'Nothing was done (the dates were completed, or the run was superseded): no issue changes'
      ])
    )
  })

  it('schedule: more owed dates than max-catch-up fail before any job run, naming the backfill', async () => {
    await clearLedger()
    await completeDates('2026-01-01', 6)
    const before = await jobRunCount()
    const run = await daily({ event: 'schedule', eventTime: new Date('2026-01-17T02:07:00Z') })
    expect(run.exitCode).toBe(1)
    expect(await jobRunCount()).toBe(before)
    expect(run.outcome?.jobs.plan?.result).toBe('failure')
    expect(run.output).toContain(
      'Certain failure (not retried): 10 dates are owed (2026-01-07 … 2026-01-16), more than max-catch-up 7: start a backfill for them: gh workflow run backfill.yml -f start=2026-01-07 -f end=2026-01-16'
    )
    for (const day of ['day-1', 'day-7']) expect(run.outcome?.jobs[day]?.result).toBe('skipped')
  })

  it('a lake from before the ledger: its last date with gold and a successful last task counts as completed', async () => {
    await clearLedger()
    for (let index = 0; index < 6; index++) {
      const date = addDays('2026-01-01', index)
      const record = {
        schema_version: 1,
        pipeline: 'daily-customer-etl',
        task: 'compute-aggregates',
        logical_date: date,
        state: 'success',
        started_at: `${addDays(date, 1)}T02:30:00Z`,
        ended_at: `${addDays(date, 1)}T02:35:00Z`
      }
      const body = JSON.stringify(record)
      await s3.send(
        new PutObjectCommand({
          Bucket: 'lake',
          Key: `_pipeline/runs/daily-customer-etl/date=${date}/compute-aggregates.json`,
          Body: body
        })
      )
      await s3.send(
        new PutObjectCommand({
          Bucket: 'lake',
          Key: `gold/customer_summary/date=${date}/_SUCCESS`,
          Body: ''
        })
      )
    }
    const run = await daily({ event: 'schedule', eventTime: new Date('2026-01-07T02:07:00Z') })
    expect(run.exitCode).toBe(0)
    expect(jobLines(run.output, 'plan')).toContain(
      "2026-01-06 was completed before this pipeline kept its ledger (its last task's run record and output say so); nothing to do"
    )
    for (let index = 0; index < 6; index++) {
      await s3.send(
        new DeleteObjectCommand({
          Bucket: 'lake',
          Key: `gold/customer_summary/date=${addDays('2026-01-01', index)}/_SUCCESS`
        })
      )
    }
  })

  it('a date dispatched past one that has not completed is refused before any job run', async () => {
    await clearLedger()
    await completeDates('2026-01-01', 3)
    const before = await jobRunCount()
    const run = await daily({ inputs: { date: '2026-01-05', notify: 'false' } })
    expect(run.exitCode).toBe(1)
    expect(await jobRunCount()).toBe(before)
    expect(run.output).toContain(
      'Certain failure (not retried): 2026-01-05: the day before, 2026-01-04, has not completed; a date is processed only after the one before it: process 2026-01-04 first, or dispatch 2026-01-05 with allow-gaps to skip it'
    )
  })

  it('backfill.yml: the daily workflow called once per date, oldest first; completed dates end in seconds', async () => {
    await clearLedger()
    await completeDates('2026-01-01', 2)
    const before = await jobRunCount()
    const run = await runFixture('.github/workflows/backfill.yml', {
      inputs: { start: '2026-01-01', end: '2026-01-02' },
      vars: vars(),
      hostEnv: hostEnv(),
      strict: true,
      maxParallel: 2
    })
    expect(run.exitCode).toBe(0)
    const firstDayDone = run.output.indexOf('● run (2026-01-01) / report')
    const secondDayStarts = run.output.indexOf(
      '● run (2026-01-02) / plan (plan the dates): running'
    )
    expect(firstDayDone).toBeGreaterThan(0)
    expect(secondDayStarts).toBeGreaterThan(firstDayDone)
    for (const date of ['2026-01-01', '2026-01-02']) {
      expect(jobLines(run.output, `run (${date}) / plan`)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(new RegExp(`^${date} was completed by run 5150 .*; nothing to do`))
        ])
      )
    }
    expect(await jobRunCount()).toBe(before)
  })
})
