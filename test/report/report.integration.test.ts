import { PutObjectCommand, S3Client, CreateBucketCommand } from '@aws-sdk/client-s3'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsTestEnv, startMoto, type Moto } from '../support/moto.js'
import { runAction } from '../support/run-action.js'
import { tempDir } from '../support/temp.js'

describe('the report bundle, reading an s3:// lake (moto)', () => {
  let moto: Moto
  beforeAll(async () => {
    moto = await startMoto()
  })
  afterAll(async () => {
    await moto?.stop()
  })

  it('sets its outputs and writes the summary', async () => {
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint: moto.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' }
    })
    await s3.send(new CreateBucketCommand({ Bucket: 'report-lake' }))
    const record = (date: string, task: string, state: string) =>
      s3.send(
        new PutObjectCommand({
          Bucket: 'report-lake',
          Key: `lake/_pipeline/runs/daily/date=${date}/${task}.json`,
          Body: JSON.stringify({
            schema_version: 1,
            pipeline: 'daily',
            task,
            logical_date: date,
            state,
            started_at: `${date}T02:00:00Z`,
            duration_seconds: 60,
            spark: {
              job_run_ids: ['a'],
              attempts: 1,
              vcpu_hours: 1,
              memory_gb_hours: 4,
              storage_gb_hours: 0,
              estimated_cost_usd: 0.5,
              prices: { vcpu_hour: 0, memory_gb_hour: 0, storage_gb_hour: 0 }
            }
          })
        })
      )
    await record('2026-02-28', 'ingest', 'success')
    await record('2026-03-01', 'ingest', 'failure')
    await s3.send(
      new PutObjectCommand({
        Bucket: 'report-lake',
        Key: 'lake/_pipeline/runs/daily/date=2026-03-01/aggregate.json',
        Body: '{"schema_'
      })
    )
    s3.destroy()
    const workspace = tempDir('report-workspace')
    writeFileSync(path.join(workspace, '.keep'), '')
    const result = await runAction('report', {
      inputs: {
        lake: 's3://report-lake/lake',
        pipeline: 'daily',
        end: '2026-03-01',
        days: '2',
        output: 'site'
      },
      env: { ...awsTestEnv, AWS_ENDPOINT_URL_S3: moto.endpoint, GITHUB_WORKSPACE: workspace },
      timeoutMs: 60_000
    })
    expect(result.code, result.stdout + result.stderr).toBe(0)
    expect(result.outputs).toMatchObject({
      html: path.join(workspace, 'site', 'index.html'),
      dir: path.join(workspace, 'site'),
      failed: '1',
      'cost-usd': '1.0000',
      'records-not-used': '1'
    })
    expect(result.summary).toContain('| ingest | ✅ | ❌ |')
    expect(result.summary).toContain('| aggregate | ⬜ | ⚠️ |')
    const page = readFileSync(path.join(workspace, 'site', 'index.html'), 'utf8')
    // Chart.js inlined from the bundle's own copy: the page works offline.
    expect(page).toContain('Chart.js v4.6.1')
    expect(page).not.toMatch(/<script[^>]+src=/)
  })
})
