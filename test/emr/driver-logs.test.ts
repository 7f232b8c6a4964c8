import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException
} from '@aws-sdk/client-s3'
import { mockClient } from 'aws-sdk-client-mock'
import { beforeEach, describe, expect, it } from 'vitest'
import { MemoryLogger } from '../../src/core/log.js'
import { driverLogUris, readDriverLogTail } from '../../src/emr/driver-logs.js'
import { stageJobFile } from '../../src/emr/staging.js'
import { tempDir } from '../support/temp.js'

// aws-sdk-client-mock: the clients answer what each test scripts, including throttling and
// network errors that no local peer produces on demand.
const s3 = mockClient(S3Client)
beforeEach(() => s3.reset())

describe('driver logs', () => {
  const body = (bytes: Buffer) => Readable.from([bytes])

  it('looks in the attempt folder first for a run its retry policy re-ran', () => {
    expect(driverLogUris('s3://logs/emr/', 'app', 'run', 'stderr', 2)).toEqual([
      's3://logs/emr/applications/app/jobs/run/attempts/2/SPARK_DRIVER/stderr.gz',
      's3://logs/emr/applications/app/jobs/run/SPARK_DRIVER/stderr.gz'
    ])
    expect(driverLogUris('s3://logs', 'app', 'run', 'stdout')).toEqual([
      's3://logs/applications/app/jobs/run/SPARK_DRIVER/stdout.gz'
    ])
  })

  it('gunzips and keeps the last lines; falls back from the attempt folder', async () => {
    const text = Array.from({ length: 200 }, (_, index) => `line ${index}`).join('\n')
    s3.on(GetObjectCommand, {
      Key: 'emr/applications/app/jobs/run/attempts/3/SPARK_DRIVER/stderr.gz'
    }).rejects(Object.assign(new Error('no key'), { name: 'NoSuchKey' }))
    s3.on(GetObjectCommand, {
      Key: 'emr/applications/app/jobs/run/SPARK_DRIVER/stderr.gz'
    }).resolves({
      Body: body(gzipSync(text))
    } as never)
    const tail = await readDriverLogTail(
      new S3Client({ region: 'us-east-1' }),
      's3://logs/emr',
      'app',
      'run',
      'stderr',
      {
        attempt: 3,
        maxLines: 5
      }
    )
    expect(tail.lines).toEqual(['line 195', 'line 196', 'line 197', 'line 198', 'line 199'])
    expect(tail.uri).toBe('s3://logs/emr/applications/app/jobs/run/SPARK_DRIVER/stderr.gz')
  })

  it('says plainly when the log is missing or unreadable', async () => {
    s3.on(GetObjectCommand).rejectsOnce(Object.assign(new Error('no key'), { name: 'NoSuchKey' }))
    const missing = await readDriverLogTail(
      new S3Client({ region: 'us-east-1' }),
      's3://logs',
      'a',
      'r',
      'stdout'
    )
    expect(missing.lines).toBeUndefined()
    expect(missing.problem).toBe(
      'no stdout log at s3://logs/applications/a/jobs/r/SPARK_DRIVER/stdout.gz (the driver may not have started, or it logs elsewhere)'
    )
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }))
    const denied = await readDriverLogTail(
      new S3Client({ region: 'us-east-1' }),
      's3://logs',
      'a',
      'r',
      'stderr'
    )
    expect(denied.problem).toContain(
      'access denied (the action needs s3:GetObject on the log location)'
    )
  })
})

describe('staging', () => {
  it('fault injection (client mock): uploads a new file when HeadObject answers 403 for lack of s3:ListBucket', async () => {
    const dir = tempDir('staging')
    const file = path.join(dir, 'cdc_ingest.py')
    writeFileSync(file, 'print(1)\n')
    // S3 answers a HEAD of a missing key with a bodiless 403 when the caller may not list.
    s3.on(HeadObjectCommand).rejects(
      new S3ServiceException({
        name: 'Forbidden',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: 'UnknownError'
      })
    )
    s3.on(PutObjectCommand).resolves({})
    const uri = await stageJobFile(
      new S3Client({ region: 'us-east-1' }),
      { kind: 'local', path: file, shown: 'jobs/cdc_ingest.py' },
      's3://artifacts/spark',
      new MemoryLogger()
    )
    expect(uri).toMatch(/^s3:\/\/artifacts\/spark\/[0-9a-f]{64}\/cdc_ingest\.py$/)
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1)
  })
})
