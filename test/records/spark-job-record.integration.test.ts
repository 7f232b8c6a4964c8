import { CreateApplicationCommand, EMRServerlessClient } from '@aws-sdk/client-emr-serverless'
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunRecord } from '../../src/records/record.js'
import { awsTestEnv, startMoto, type Moto } from '../support/moto.js'
import { runAction } from '../support/run-action.js'
import { tempDir } from '../support/temp.js'

// The Spark job bundle (dist/spark-job) against moto's EMR Serverless and S3, its runs'
// states and billed usage scripted by test/support/harness_emr.py (moto's own runs are
// SUCCESS at once and bill nothing): the run record it writes into the lake.
let moto: Moto
let s3: S3Client
let workspace: string

beforeAll(async () => {
  moto = await startMoto()
  s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true })
  for (const bucket of ['lake', 'staging'])
    await s3.send(new CreateBucketCommand({ Bucket: bucket }))
  workspace = tempDir('spark-record-repo')
  mkdirSync(path.join(workspace, 'jobs'))
  writeFileSync(path.join(workspace, 'jobs', 'cdc_ingest.py'), 'print("cdc ingest")\n')
})
afterAll(async () => {
  s3?.destroy()
  await moto?.stop()
})

async function readRecord(key: string): Promise<RunRecord> {
  const object = await s3.send(new GetObjectCommand({ Bucket: 'lake', Key: key }))
  return JSON.parse(await object.Body!.transformToString()) as RunRecord
}

describe("the Spark job action's run record", () => {
  it("holds every attempt's job run, the usage summed over them and its cost at the given prices", async () => {
    const emr = new EMRServerlessClient({ region: 'us-east-1', endpoint: moto.endpoint })
    const { applicationId } = await emr.send(
      new CreateApplicationCommand({
        name: 'etl-records',
        releaseLabel: 'emr-7.1.0',
        type: 'SPARK'
      })
    )
    emr.destroy()
    await moto.control('emr/script-next-runs', {
      runs: [
        {
          steps: [['FAILED', null]],
          stateDetails: 'ExitCode: 1',
          billed: { vCPUHour: 1, memoryGBHour: 4, storageGBHour: 10 }
        },
        { steps: [['SUCCESS', null]], billed: { vCPUHour: 2, memoryGBHour: 8, storageGBHour: 20 } }
      ]
    })
    const result = await runAction('spark-job', {
      inputs: {
        application: applicationId!,
        'execution-role-arn': 'arn:aws:iam::123456789012:role/emr-serverless-job',
        'entry-point': 'jobs/cdc_ingest.py',
        'staging-uri': 's3://staging/spark',
        pipeline: 'daily-customer-etl',
        task: 'ingest-cdc',
        'logical-date': '2026-01-01',
        retries: '1',
        'retry-delay': '100ms',
        'poll-interval-min': '100ms',
        'poll-interval-max': '300ms',
        'wait-timeout': '60s',
        'run-records': 's3://lake/root',
        prices: 'vcpu-hour=0.1\nmemory-gb-hour=0.01',
        endpoint: moto.endpoint
      },
      env: { ...awsTestEnv, GITHUB_RUN_ID: '31', GITHUB_RUN_ATTEMPT: '1' },
      cwd: workspace,
      timeoutMs: 60_000
    })
    expect(result.code, result.stdout + result.stderr).toBe(0)
    const record = await readRecord(
      'root/_pipeline/runs/daily-customer-etl/date=2026-01-01/ingest-cdc.json'
    )
    expect(record).toMatchObject({
      schema_version: 1,
      pipeline: 'daily-customer-etl',
      task: 'ingest-cdc',
      logical_date: '2026-01-01',
      run: { id: '31', attempt: 1 },
      state: 'success',
      spark: {
        attempts: 2,
        vcpu_hours: 3,
        memory_gb_hours: 12,
        storage_gb_hours: 30,
        // 3 × 0.1 + 12 × 0.01 + 30 × 0.000111 (the us-east-1 default, not overridden)
        estimated_cost_usd: 0.42333,
        prices: { vcpu_hour: 0.1, memory_gb_hour: 0.01, storage_gb_hour: 0.000111 }
      }
    })
    expect(record.spark!.job_run_ids).toHaveLength(2)
    expect(record.spark!.job_run_ids).toContain(result.outputs['job-run-id'])
    expect(record.duration_seconds).toBeGreaterThanOrEqual(0)
  })

  it('a bad prices input fails before any request, naming the input', async () => {
    const result = await runAction('spark-job', {
      inputs: {
        application: 'app',
        'execution-role-arn': 'arn:aws:iam::123456789012:role/emr-serverless-job',
        'entry-point': 's3://lake/job.py',
        prices: 'vcpu-hour=cheap',
        'run-records': 's3://lake',
        pipeline: 'p',
        'logical-date': '2026-01-01',
        endpoint: 'http://127.0.0.1:9'
      },
      env: { ...awsTestEnv },
      cwd: workspace,
      timeoutMs: 60_000
    })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(
      "::error::Input 'prices': expected vcpu-hour as a number of 0 or more, got 'cheap'"
    )
  })
})
