import { CreateApplicationCommand, EMRServerlessClient } from '@aws-sdk/client-emr-serverless'
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsTestEnv, startMoto, type Moto } from '../support/moto.js'
import { jobLines, runFixture } from './support.js'

// The real .github/workflows/daily-customer-etl.yml, as it is, through the runner, with the
// real action bundles (dist/) against moto (the real S3 / EMR Serverless API peer). moto's job
// runs are SUCCESS at once and run no Spark, so no metrics document is written and the quality
// gate fails for want of one: this checks the runner's side (order, stand-ins, outputs across
// jobs, post steps, skips, summaries), not the pipeline's data.
let moto: Moto
let applicationId: string

beforeAll(async () => {
  moto = await startMoto()
  const s3 = new S3Client({ endpoint: moto.endpoint, forcePathStyle: true, region: 'us-east-1' })
  await s3.send(new CreateBucketCommand({ Bucket: 'lake' }))
  for (const date of ['2026-01-01', '2026-01-02']) {
    const marker = `bronze/customers/date=${date}/_SUCCESS`
    await s3.send(new PutObjectCommand({ Bucket: 'lake', Key: marker, Body: '' }))
  }
  const emr = new EMRServerlessClient({ endpoint: moto.endpoint, region: 'us-east-1' })
  const created = await emr.send(
    new CreateApplicationCommand({ name: 'etl', releaseLabel: 'emr-7.1.0', type: 'SPARK' })
  )
  applicationId = created.applicationId ?? ''
})

afterAll(async () => {
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

// Many Node processes per run: generous limits for a loaded machine.
describe('runner: the daily workflow as it is, against moto', { timeout: 600_000 }, () => {
  it('workflow_dispatch: jobs in order, the date passed on, the gate fails, aggregates and notify skipped', async () => {
    const run = await runFixture('.github/workflows/daily-customer-etl.yml', {
      inputs: { date: '2026-01-01', notify: 'false' },
      vars: vars(),
      hostEnv: hostEnv(),
      strict: true
    })
    expect(run.outcome?.jobs).toMatchObject({
      'resolve-date': { result: 'success', outputs: { date: '2026-01-01' } },
      'wait-for-data': { result: 'success' },
      'ingest-cdc': { result: 'success', outputs: { state: 'SUCCESS' } },
      'validate-data-quality': { result: 'failure' },
      'compute-aggregates': { result: 'skipped' },
      notify: { result: 'skipped' }
    })
    expect(run.exitCode).toBe(1)
    const ingest = jobLines(run.output, 'ingest-cdc')
    expect(ingest).toContain(
      'Application etl (' + applicationId + '); run name daily-customer-etl/ingest-cdc/2026-01-01'
    )
    // The Spark job action's post step ran at the end of its job.
    expect(run.output).toMatch(/ingest-cdc ▸ Post Run \.\/\n/)
    expect(jobLines(run.output, 'validate-data-quality')).toContain(
      'error: Metrics document s3://lake/quality/metrics/customers/date=2026-01-01/metrics.json not found (did the data-quality job run for 2026-01-01?)'
    )
    expect(run.output).toContain(
      '── Job summary: wait-for-data › Run ./s3-sensor ──\nS3 SENSOR: FOUND'
    )
  })

  it('schedule: the logical date is the day before --event-time, read through the GitHub API stand-in', async () => {
    const run = await runFixture('.github/workflows/daily-customer-etl.yml', {
      event: 'schedule',
      eventTime: new Date('2026-01-02T02:03:00Z'),
      vars: vars(),
      hostEnv: hostEnv(),
      strict: true
    })
    expect(run.outcome?.jobs['resolve-date']).toEqual({
      result: 'success',
      outputs: { date: '2026-01-01' }
    })
    expect(jobLines(run.output, 'resolve-date')).toContain(
      'Logical date 2026-01-01: the UTC day before this scheduled run was created (2026-01-02T02:03:00.000Z)'
    )
    // On schedule notify runs after the failed gate (its if: is always() && schedule).
    expect(run.outcome?.jobs.notify.result).not.toBe('skipped')
  })

  it('backfill.yml: the daily workflow called once per date, oldest first (max-parallel 1)', async () => {
    const run = await runFixture('.github/workflows/backfill.yml', {
      inputs: { start: '2026-01-01', end: '2026-01-02' },
      vars: vars(),
      hostEnv: hostEnv(),
      strict: true,
      maxParallel: 2
    })
    const firstDayDone = run.output.indexOf('● run (2026-01-01) / notify: skipped')
    const secondDayStarts = run.output.indexOf(
      '● run (2026-01-02) / resolve-date (resolve the logical date): running'
    )
    expect(firstDayDone).toBeGreaterThan(0)
    expect(secondDayStarts).toBeGreaterThan(firstDayDone)
    for (const date of ['2026-01-01', '2026-01-02']) {
      expect(jobLines(run.output, `run (${date}) / ingest-cdc`)).toContain(
        `Application etl (${applicationId}); run name daily-customer-etl/ingest-cdc/${date}`
      )
    }
    // fail-fast: false in backfill.yml: the second date ran although the first one failed.
    expect(run.output).toMatch(/run \(2026-01-02\) \/ validate-data-quality +failed/)
    expect(run.outcome?.jobs.run.result).toBe('failure')
  })
})
