import { createServer, type Socket } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { UserError } from '../../src/core/errors.js'
import { Inputs } from '../../src/core/inputs.js'
import { MemoryLogger } from '../../src/core/log.js'
import { systemClock } from '../../src/core/sleep.js'
import { createS3Client } from '../../src/s3/client.js'
import { readSensorConfig } from '../../src/s3/config.js'
import { S3Lister } from '../../src/s3/lister.js'
import { runSensor } from '../../src/s3/sensor.js'
import { startMoto, type Moto } from '../support/moto.js'
import { createBucket, motoClient, putObjects } from './support/objects.js'

// The sensor's domain code against moto over real HTTP, with short real waits.
let moto: Moto
beforeAll(async () => {
  moto = await startMoto()
})
afterAll(async () => {
  await moto?.stop()
})
beforeEach(async () => {
  await moto.reset()
  await createBucket(motoClient(moto.endpoint), 'data-lake')
})

const PREFIX = 'bronze/customers/date=2024-01-01/'
const delay = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/** Resolves once the sensor has logged its first poke (so it has seen the bucket as it was). */
async function firstPoke(logger: MemoryLogger): Promise<void> {
  while (!logger.lines.some(line => line.startsWith('info: Poke 1 '))) await delay(20)
}

function sensorFor(values: Record<string, string>) {
  const config = readSensorConfig(
    new Inputs(name => ({ bucket: 'data-lake', endpoint: moto.endpoint, ...values })[name]),
    { AWS_REGION: 'us-east-1' }
  )
  const lister = new S3Lister(createS3Client(config.aws, {}), config.target.bucket)
  const logger = new MemoryLogger()
  return {
    lister,
    logger,
    run: () =>
      runSensor({
        ...config,
        lister,
        clock: systemClock,
        logger
      })
  }
}

describe('S3 sensor against moto', () => {
  it('paginates a prefix of more than 1,000 objects and a glob under it matches exactly the right keys', async () => {
    const extensions = ['json', 'csv', 'txt']
    const keys = Array.from(
      { length: 1205 },
      (_, index) => `${PREFIX}part-${String(index).padStart(5, '0')}.${extensions[index % 3]}`
    )
    await putObjects(motoClient(moto.endpoint), 'data-lake', [
      ...keys.map(key => ({ key })),
      // Under the listed prefix, but `*` does not cross `/`.
      { key: `${PREFIX}part-sub/x.json` },
      // Outside the listed prefix altogether.
      { key: `${PREFIX}chunk-00001.json` },
      { key: 'bronze/customers/date=2024-01-02/part-00001.json' }
    ])
    const expected = keys.filter(key => !key.endsWith('.txt')).sort()
    const { run, lister } = sensorFor({
      key: `${PREFIX}part-*.{json,csv}`,
      'poke-interval': '1s',
      timeout: '10s'
    })
    const result = await run()
    expect(result.found).toBe(true)
    expect(expected).toHaveLength(804)
    expect(result.objects.map(object => object.key)).toEqual(expected)
    // 1,206 keys under the literal prefix `${PREFIX}part-`: two pages of ListObjectsV2.
    expect(lister.requests).toBe(2)

    const all = sensorFor({ key: `${PREFIX}**`, 'poke-interval': '1s', timeout: '10s' })
    const everything = await all.run()
    expect(everything.objects).toHaveLength(1207)
    expect(all.lister.requests).toBe(2)
  })

  it('finds objects uploaded while it waits', async () => {
    const { run, logger } = sensorFor({
      key: `${PREFIX}*.json`,
      'poke-interval': '200ms',
      timeout: '20s',
      'min-objects': '2'
    })
    const waiting = run()
    await firstPoke(logger)
    await putObjects(motoClient(moto.endpoint), 'data-lake', [
      { key: `${PREFIX}part-0.json` },
      { key: `${PREFIX}part-1.json` }
    ])
    const result = await waiting
    expect(result.found).toBe(true)
    expect(result.pokes).toBeGreaterThanOrEqual(2)
    expect(result.objects).toHaveLength(2)
    expect(logger.lines[0]).toMatch(/^info: Poke 1 .*still missing: 0 of min 2 objects matching/)
  })

  it('restarts the settle period when a new object lands', async () => {
    const client = motoClient(moto.endpoint)
    await putObjects(client, 'data-lake', [{ key: `${PREFIX}part-0.json` }])
    const { run, logger } = sensorFor({
      key: PREFIX,
      'poke-interval': '200ms',
      'settle-time': '2s',
      timeout: '20s'
    })
    const started = Date.now()
    const waiting = run()
    await firstPoke(logger)
    await delay(500)
    await putObjects(client, 'data-lake', [{ key: `${PREFIX}part-1.json` }])
    const landed = Date.now() - started
    const result = await waiting
    expect(result.found).toBe(true)
    expect(result.objects).toHaveLength(2)
    // Without the new object it would have settled 2 s after the first poke; it had to
    // stay quiet for 2 s after the new object instead.
    expect(result.waitedMs).toBeGreaterThanOrEqual(landed + 2000)
  })

  it('honours the success marker', async () => {
    const client = motoClient(moto.endpoint)
    await putObjects(client, 'data-lake', [{ key: `${PREFIX}part-0.json` }])
    const { run, logger } = sensorFor({
      key: PREFIX,
      'success-marker': '_SUCCESS',
      'poke-interval': '200ms',
      timeout: '20s'
    })
    const waiting = run()
    await firstPoke(logger)
    await putObjects(client, 'data-lake', [{ key: `${PREFIX}_SUCCESS`, body: '' }])
    const result = await waiting
    expect(result.found).toBe(true)
    expect(result.pokes).toBeGreaterThanOrEqual(2)
    expect(logger.lines[0]).toMatch(/still missing: marker .*_SUCCESS not found/)
    expect(result.objects.map(object => object.key)).toEqual([`${PREFIX}part-0.json`])
  })

  it('times out saying what was missing', async () => {
    const { run } = sensorFor({
      key: PREFIX,
      'success-marker': '_SUCCESS',
      'poke-interval': '300ms',
      timeout: '1s'
    })
    const result = await run()
    expect(result.found).toBe(false)
    expect(result.message).toBe(
      `Timed out after 1s waiting for s3://data-lake/${PREFIX}: 0 of min 1 object under s3://data-lake/${PREFIX}, marker ${PREFIX}_SUCCESS not found`
    )
  })

  it('reports a missing bucket in one line saying what to check', async () => {
    const { run } = sensorFor({
      bucket: 'no-such-lake',
      key: PREFIX,
      'poke-interval': '200ms',
      timeout: '5s'
    })
    const error = await run().catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(UserError)
    expect((error as Error).message).toMatch(
      /^Bucket 'no-such-lake' does not exist \(NoSuchBucket\): check the 'bucket' input/
    )
  })

  it('fault injection (a server that accepts and never answers): a stalled listing fails after the request timeout', async () => {
    const sockets: Socket[] = []
    const stalled = createServer(socket => sockets.push(socket))
    await new Promise<void>(resolve => stalled.listen(0, '127.0.0.1', resolve))
    const { port } = stalled.address() as { port: number }
    try {
      const client = createS3Client(
        { region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 },
        {},
        { connectionMs: 1000, requestMs: 300 }
      )
      const began = Date.now()
      const error = await new S3Lister(client, 'data-lake').list(PREFIX).catch(caught => caught)
      expect((error as Error).name).toBe('TimeoutError')
      expect(Date.now() - began).toBeLessThan(3000)
    } finally {
      for (const socket of sockets) socket.destroy()
      stalled.close()
    }
  }, 10_000)
})
