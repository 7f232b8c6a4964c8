import { ListObjectsV2Command, S3Client, S3ServiceException } from '@aws-sdk/client-s3'
import { mockClient } from 'aws-sdk-client-mock'
import { beforeEach, describe, expect, it } from 'vitest'
import { UserError } from '../../src/core/errors.js'
import { MemoryLogger } from '../../src/core/log.js'
import { explainS3Error } from '../../src/s3/errors.js'
import { S3Lister } from '../../src/s3/lister.js'
import { runSensor } from '../../src/s3/sensor.js'
import { parseTarget } from '../../src/s3/target.js'
import { FakeClock } from './support/fakes.js'

// Fault injection with aws-sdk-client-mock: the S3 client answers what a test scripts,
// including throttling and errors that moto cannot produce on demand.
const s3 = mockClient(S3Client)
beforeEach(() => s3.reset())

const serviceError = (name: string, status: number, message = name): S3ServiceException =>
  new S3ServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message
  })

const target = parseTarget({ bucket: 'data-lake', key: 'bronze/d=1/', keys: [] })

function sensor(lister: S3Lister, clock = new FakeClock()) {
  return runSensor({
    target,
    conditions: { minObjects: 1, minObjectBytes: 0, minTotalBytes: 0, settleMs: 0 },
    timing: {
      pokeIntervalMs: 60_000,
      backoff: false,
      maxPokeIntervalMs: 60_000,
      timeoutMs: 600_000,
      softFail: false
    },
    lister,
    clock,
    logger: new MemoryLogger()
  })
}

describe('S3Lister (fault injection: aws-sdk-client-mock)', () => {
  it('follows continuation tokens page after page, under the prefix only', async () => {
    s3.on(ListObjectsV2Command)
      .resolvesOnce({
        Contents: [{ Key: 'bronze/d=1/a', Size: 1, ETag: '"1"' }],
        IsTruncated: true,
        NextContinuationToken: 't1'
      })
      .resolvesOnce({
        Contents: [{ Key: 'bronze/d=1/b', Size: 2, ETag: '"2"', LastModified: new Date(5000) }],
        IsTruncated: false
      })
    const lister = new S3Lister(new S3Client({ region: 'us-east-1' }), 'data-lake')
    const objects = await lister.list('bronze/d=1/')
    expect(objects).toEqual([
      { key: 'bronze/d=1/a', size: 1, etag: '"1"', lastModified: 0 },
      { key: 'bronze/d=1/b', size: 2, etag: '"2"', lastModified: 5000 }
    ])
    expect(lister.requests).toBe(2)
    const calls = s3.commandCalls(ListObjectsV2Command).map(call => call.args[0].input)
    expect(calls).toEqual([
      { Bucket: 'data-lake', Prefix: 'bronze/d=1/', ContinuationToken: undefined, MaxKeys: 1000 },
      { Bucket: 'data-lake', Prefix: 'bronze/d=1/', ContinuationToken: 't1', MaxKeys: 1000 }
    ])
  })

  it('asks for one key only when looking up an exact key', async () => {
    s3.on(ListObjectsV2Command).resolves({
      Contents: [{ Key: 'a.csv', Size: 3 }],
      IsTruncated: true,
      NextContinuationToken: 'more'
    })
    const lister = new S3Lister(new S3Client({ region: 'us-east-1' }), 'data-lake')
    expect(await lister.list('a.csv', { limit: 1 })).toHaveLength(1)
    expect(s3.commandCalls(ListObjectsV2Command)).toHaveLength(1)
    expect(s3.commandCalls(ListObjectsV2Command)[0]?.args[0].input.MaxKeys).toBe(1)
  })

  // The S3 client is the one layer that retries a request (docs/operations.md, "Retries and
  // alerts"); the mock replaces the client's transport, so here every failure reaches the
  // sensor, which tries again at the next poke rather than at once.
  it('the sensor survives throttling (SlowDown, 503) and a 500 and finds the data', async () => {
    s3.on(ListObjectsV2Command)
      .rejectsOnce(serviceError('SlowDown', 503, 'Please reduce your request rate.'))
      .rejectsOnce(serviceError('ThrottlingException', 400))
      .rejectsOnce(serviceError('InternalError', 500))
      .resolves({ Contents: [{ Key: 'bronze/d=1/part-0', Size: 7 }], IsTruncated: false })
    const clock = new FakeClock()
    const result = await sensor(
      new S3Lister(new S3Client({ region: 'us-east-1', maxAttempts: 1 }), 'data-lake'),
      clock
    )
    expect(result.found).toBe(true)
    expect(result.pokes).toBe(4)
    expect(result.listRequests).toBe(4)
    // One poke interval after each failed poke, no pause of its own inside a poke.
    expect(clock.sleeps).toEqual([60_000, 60_000, 60_000])
  })

  it.each([
    [
      'AccessDenied',
      403,
      /^Access denied listing s3:\/\/data-lake\/bronze\/d=1\/ \(AccessDenied\): check that the role has s3:ListBucket/
    ],
    [
      'NoSuchBucket',
      404,
      /^Bucket 'data-lake' does not exist \(NoSuchBucket\): check the 'bucket' input/
    ],
    [
      'InvalidAccessKeyId',
      403,
      /^AWS rejected the credentials \(InvalidAccessKeyId\): check that aws-actions\/configure-aws-credentials ran/
    ],
    ['ExpiredToken', 400, /^AWS rejected the credentials \(ExpiredToken\)/],
    ['SignatureDoesNotMatch', 403, /^AWS rejected the credentials/],
    ['PermanentRedirect', 301, /set the 'region' input/]
  ])(
    '%s ends the sensor at once with one line saying what to check',
    async (name, status, expected) => {
      s3.on(ListObjectsV2Command).rejects(serviceError(name, status))
      const error = await sensor(
        new S3Lister(new S3Client({ region: 'us-east-1', maxAttempts: 1 }), 'data-lake')
      ).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(UserError)
      expect((error as Error).message).toMatch(expected)
      expect((error as Error).message).not.toContain('\n')
      expect(s3.commandCalls(ListObjectsV2Command)).toHaveLength(1)
    }
  )
})

describe('explainS3Error', () => {
  it('explains missing credentials', () => {
    const error = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError'
    })
    expect(explainS3Error(error, 'data-lake', 'a/')?.message).toMatch(
      /^No AWS credentials found: run aws-actions\/configure-aws-credentials/
    )
  })
  it('leaves throttling and unknown errors alone', () => {
    expect(explainS3Error(serviceError('SlowDown', 503), 'data-lake', 'a/')).toBeUndefined()
    expect(explainS3Error(new TypeError('x'), 'data-lake', 'a/')).toBeUndefined()
  })
})
