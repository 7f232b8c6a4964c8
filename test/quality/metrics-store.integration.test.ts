import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createS3Client } from '../../src/core/aws-clients.js'
import { UserError } from '../../src/core/errors.js'
import { S3MetricsStore } from '../../src/quality/metrics-store.js'
import { startMoto, type Moto } from '../support/moto.js'

let moto: Moto
let client: S3Client

beforeAll(async () => {
  moto = await startMoto()
  client = createS3Client({ region: 'us-east-1', endpoint: moto.endpoint, maxAttempts: 1 })
})
afterAll(async () => {
  await moto?.stop()
})

describe('S3MetricsStore (moto)', () => {
  beforeEach(async () => {
    await moto.reset()
    await client.send(new CreateBucketCommand({ Bucket: 'lake' }))
  })
  const put = (key: string, body = '{}') =>
    client.send(new PutObjectCommand({ Bucket: 'lake', Key: key, Body: body }))

  it('lists only dates that have a metrics.json under the dataset', async () => {
    await put('quality/metrics/customers/date=2024-03-01/metrics.json')
    await put('quality/metrics/customers/date=2024-03-02/results.json') // no metrics: skipped
    await put('quality/metrics/customers/date=2024-03-03/metrics.json')
    await put('quality/metrics/customers/date=2024-03-03/results.json')
    await put('quality/metrics/customers_eu/date=2024-03-04/metrics.json') // another dataset
    await put('quality/metrics/customers/date=2024-03-05/old/metrics.json') // not a partition file
    const store = new S3MetricsStore(client, 'lake', 'quality/metrics')
    expect((await store.listDates('customers')).sort()).toEqual(['2024-03-01', '2024-03-03'])
  })

  it('reads, writes and locates documents under the prefix (or the bucket root)', async () => {
    const store = new S3MetricsStore(client, 'lake', 'quality/metrics')
    expect(await store.read('customers', '2024-03-01', 'metrics.json')).toBeUndefined()
    await store.write('customers', '2024-03-01', 'results.json', '{"passed":true}')
    expect(await store.read('customers', '2024-03-01', 'results.json')).toBe('{"passed":true}')
    expect(store.locate('customers', '2024-03-01', 'results.json')).toBe(
      's3://lake/quality/metrics/customers/date=2024-03-01/results.json'
    )
    const atRoot = new S3MetricsStore(client, 'lake', '')
    expect(atRoot.locate('customers', '2024-03-01', 'metrics.json')).toBe(
      's3://lake/customers/date=2024-03-01/metrics.json'
    )
  })

  it('reports an S3 error other than a missing key as one line', async () => {
    const store = new S3MetricsStore(client, 'no-such-bucket', 'm')
    const error = await store.read('customers', '2024-03-01', 'metrics.json').catch(e => e)
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toMatch(
      /^Cannot read s3:\/\/no-such-bucket\/m\/customers\/date=2024-03-01\/metrics\.json: NoSuchBucket: /
    )
    await expect(store.listDates('customers')).rejects.toThrow(
      /^Cannot list s3:\/\/no-such-bucket\/m\/customers\/: NoSuchBucket/
    )
  })
})
