import {
  CreateBucketCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client
} from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryLogger } from '../../src/core/log.js'
import { LakeBucket } from '../../src/records/lake.js'
import { RunRecorder, type RunRecord } from '../../src/records/index.js'
import type { RecordTarget } from '../../src/records/target.js'
import { awsTestEnv, startMoto, type Moto } from '../support/moto.js'
import { runAction } from '../support/run-action.js'

const target = (logicalDate: string): RecordTarget => ({
  root: { kind: 'local', dir: '' },
  pipeline: 'daily',
  task: 'ingest-cdc',
  logicalDate,
  run: { id: '77', attempt: 1 }
})

describe('run records in S3 (moto)', () => {
  let moto: Moto
  let s3: S3Client
  beforeAll(async () => {
    moto = await startMoto()
    s3 = new S3Client({
      region: 'us-east-1',
      endpoint: moto.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' }
    })
    await s3.send(new CreateBucketCommand({ Bucket: 'records-lake' }))
  })
  afterAll(async () => {
    s3?.destroy()
    await moto?.stop()
  })

  it('a lake that refuses the write costs one warning, never the task', async () => {
    const logger = new MemoryLogger()
    const recorder = new RunRecorder(
      target('2026-01-01'),
      new LakeBucket(s3, 'no-such-bucket', 'lake'),
      logger
    )
    await recorder.start()
    await recorder.finish('success')
    expect(logger.lines).toEqual([
      expect.stringMatching(
        /^warning: Run record not written to s3:\/\/no-such-bucket\/lake\/_pipeline\/runs\/daily\/date=2026-01-01\/ingest-cdc\.json: Cannot write .*NoSuchBucket/
      )
    ])
  })

  it('the sensor bundle writes its record (wait time, landing time), and a failed write is one warning', async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: 'records-lake',
        Key: 'bronze/date=2026-01-01/_SUCCESS',
        Body: ''
      })
    )
    const sensor = (runRecords: string) =>
      runAction('s3-sensor', {
        inputs: {
          bucket: 'records-lake',
          key: 'bronze/date=2026-01-01/',
          'min-objects': '0',
          'success-marker': '_SUCCESS',
          timeout: '30s',
          'poke-interval': '1s',
          'run-records': runRecords,
          pipeline: 'daily',
          task: 'wait-for-data',
          'logical-date': '2026-01-01'
        },
        env: {
          ...awsTestEnv,
          AWS_ENDPOINT_URL_S3: moto.endpoint,
          GITHUB_RUN_ID: '9',
          GITHUB_RUN_ATTEMPT: '1'
        },
        timeoutMs: 60_000
      })
    const run = await sensor('s3://records-lake')
    expect(run.code, run.stdout + run.stderr).toBe(0)
    const object = await s3.send(
      new GetObjectCommand({
        Bucket: 'records-lake',
        Key: '_pipeline/runs/daily/date=2026-01-01/wait-for-data.json'
      })
    )
    const record = JSON.parse(await object.Body!.transformToString()) as RunRecord
    expect(record).toMatchObject({
      schema_version: 1,
      pipeline: 'daily',
      task: 'wait-for-data',
      logical_date: '2026-01-01',
      run: {
        id: '9',
        attempt: 1,
        url: 'https://github.com/example/pipeline/actions/runs/9/attempts/1'
      },
      state: 'success',
      sensor: { found: true, objects: 0, bytes: 0 }
    })
    expect(record.sensor!.waited_seconds).toBeGreaterThanOrEqual(0)
    expect(Date.parse(record.sensor!.landed_at!)).not.toBeNaN()
    expect(record.duration_seconds).toBeGreaterThanOrEqual(0)

    const refused = await sensor('s3://no-such-bucket')
    expect(refused.code, refused.stdout + refused.stderr).toBe(0)
    const warnings = refused.stdout.split('\n').filter(line => line.startsWith('::warning::'))
    expect(warnings).toEqual([
      expect.stringContaining('Run record not written to s3://no-such-bucket/')
    ])
    expect(refused.outputs.found).toBe('true')
  })
})
