import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { UserError } from '../../src/core/errors.js'
import { Inputs } from '../../src/core/inputs.js'
import { MemoryLogger } from '../../src/core/log.js'
import { systemClock } from '../../src/core/sleep.js'
import { createS3Client } from '../../src/core/aws-clients.js'
import { readSensorConfig } from '../../src/s3/config.js'
import { S3Lister } from '../../src/s3/lister.js'
import { runSensor } from '../../src/s3/sensor.js'
import { startMoto, type Moto } from '../support/moto.js'
import { FakeClock } from './support/fakes.js'
import { createBucket, emptyBucket, motoClient, putObjects } from './support/objects.js'
import { withStalledServer } from '../support/stalled-server.js'

// The sensor's domain code against moto over real HTTP, with short real waits.
let moto: Moto

const PREFIX = 'bronze/customers/date=2024-01-01/'
/** A bucket seeded once for the whole file with the large listings; tests only read it. */
const BIG = 'big-lake'
const EXTENSIONS = ['json', 'csv', 'txt']
/** 1,205 keys under PREFIX (a third each .json, .csv, .txt), and a few beside them. */
const PAGED_KEYS = Array.from(
  { length: 1205 },
  (_, index) => `${PREFIX}part-${String(index).padStart(5, '0')}.${EXTENSIONS[index % 3]}`
)
const EVENTS = 'bronze/events/'
const EVENT_DATES = ['01', '02', '03', '04', '05'].map(day => `date=2024-01-${day}/`)
/** 5 dates of 250 keys each, and a date the glob below does not match. */
const EVENT_KEYS = [
  ...EVENT_DATES.flatMap(date =>
    Array.from(
      { length: 250 },
      (_, index) => `${EVENTS}${date}part-${String(index).padStart(4, '0')}.json`
    )
  ),
  `${EVENTS}date=2024-02-01/part-0001.json`
]

beforeAll(async () => {
  moto = await startMoto()
  const client = motoClient(moto.endpoint)
  await createBucket(client, 'data-lake')
  await createBucket(client, BIG)
  await putObjects(
    client,
    BIG,
    [
      ...PAGED_KEYS,
      // Under the listed prefix, but `*` does not cross `/`.
      `${PREFIX}part-sub/x.json`,
      // Outside the listed prefix altogether.
      `${PREFIX}chunk-00001.json`,
      'bronze/customers/date=2024-01-02/part-00001.json',
      ...EVENT_KEYS
    ].map(key => ({ key })),
    32
  )
})
afterAll(async () => {
  await moto?.stop()
})
beforeEach(async () => {
  await emptyBucket(motoClient(moto.endpoint), 'data-lake')
})

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
    const expected = PAGED_KEYS.filter(key => !key.endsWith('.txt')).sort()
    const { run, lister } = sensorFor({
      bucket: BIG,
      key: `${PREFIX}part-*.{json,csv}`,
      'count-all': 'true',
      'poke-interval': '1s',
      timeout: '1m'
    })
    const result = await run()
    expect(result.found).toBe(true)
    expect(expected).toHaveLength(804)
    expect(result.objects.map(object => object.key)).toEqual(expected)
    // 1,206 keys under the literal prefix `${PREFIX}part-`: two pages of ListObjectsV2.
    expect(lister.requests).toBe(2)

    const all = sensorFor({
      bucket: BIG,
      key: `${PREFIX}**`,
      'count-all': 'true',
      'poke-interval': '1s',
      timeout: '1m'
    })
    const everything = await all.run()
    expect(everything.objects).toHaveLength(1207)
    expect(all.lister.requests).toBe(2)
  })

  it('stops listing once min-objects match: one page instead of two', async () => {
    const { run, lister } = sensorFor({
      bucket: BIG,
      key: PREFIX,
      'poke-interval': '1s',
      timeout: '1m'
    })
    const result = await run()
    expect(result.found).toBe(true)
    expect(lister.requests).toBe(1)
    expect(result.complete).toBe(false)
    // The first page, in key order: `chunk-…` sorts before `part-…`.
    expect(result.objects.map(object => object.key)).toEqual([
      `${PREFIX}chunk-00001.json`,
      ...PAGED_KEYS.slice(0, 999)
    ])

    const settling = sensorFor({
      bucket: BIG,
      key: PREFIX,
      'settle-time': '200ms',
      'poke-interval': '200ms',
      timeout: '1m'
    })
    const settled = await settling.run()
    expect(settled.found).toBe(true)
    expect(settled.complete).toBe(true)
    expect(settled.objects).toHaveLength(1207)
    expect(settling.lister.requests).toBe(2 * settled.pokes)
    expect(settling.logger.lines[0]).toBe(
      `info: Each poke lists every matching object under s3://${BIG}/${PREFIX}: settle-time needs all of them`
    )
  })

  it('walks the date folders of a middle-segment glob: a folder listing and one lookup per date', async () => {
    const glob = `${EVENTS}date=2024-01-*/part-0001.json`
    const expected = EVENT_DATES.map(date => `${EVENTS}${date}part-0001.json`)
    const all = sensorFor({
      bucket: BIG,
      key: glob,
      'min-objects': '5',
      'poke-interval': '1s',
      timeout: '1m'
    })
    const result = await all.run()
    expect(result.found).toBe(true)
    expect(result.objects.map(object => object.key)).toEqual(expected)
    expect(all.lister.requests).toBe(1 + 5)

    const one = sensorFor({ bucket: BIG, key: glob, 'poke-interval': '1s', timeout: '1m' })
    expect((await one.run()).objects.map(object => object.key)).toEqual([expected[0]])
    expect(one.lister.requests).toBe(2)

    const listed = sensorFor({
      bucket: BIG,
      key: `${EVENTS}date=2024-01-*/part-00[0-4]*.json`,
      'count-all': 'true',
      'poke-interval': '1s',
      timeout: '1m'
    })
    const parts = await listed.run()
    expect(parts.objects).toHaveLength(5 * 50)
    // One folder listing, then one page under each date's `part-00`.
    expect(listed.lister.requests).toBe(1 + 5)
  })

  it('a key whose wildcard is escaped is found as that literal key', async () => {
    await putObjects(motoClient(moto.endpoint), 'data-lake', [
      { key: 'exports/file*.csv' },
      { key: 'exports/file1.csv' }
    ])
    const { run } = sensorFor({ key: 'exports/file\\*.csv', 'poke-interval': '1s', timeout: '1m' })
    const result = await run()
    expect(result.found).toBe(true)
    expect(result.objects.map(object => object.key)).toEqual(['exports/file*.csv'])
  })

  it('a listing that outlasts the timeout says so, not that S3 never answered', async () => {
    // A fake clock that each ListObjectsV2 request moves 11 min on: the listing of 1,207 keys
    // under PREFIX outlasts a 10 min timeout (and its 1 min grace) after its first page.
    const clock = new FakeClock()
    const config = readSensorConfig(
      new Inputs(
        name =>
          ({
            bucket: BIG,
            key: PREFIX,
            endpoint: moto.endpoint,
            'min-objects': '2000',
            timeout: '10m',
            'poke-interval': '5m'
          })[name]
      ),
      { AWS_REGION: 'us-east-1' }
    )
    const client = createS3Client(config.aws, {})
    client.middlewareStack.add(
      next => async args => {
        clock.time += 660_000
        return next(args)
      },
      { step: 'build', name: 'slowListing' }
    )
    const logger = new MemoryLogger()
    const result = await runSensor({ ...config, lister: new S3Lister(client, BIG), clock, logger })
    expect(result.found).toBe(false)
    expect(result.message).toBe(
      `Timed out after 10m waiting for s3://${BIG}/${PREFIX}: listing had not finished when the 10m timeout passed (1,000 objects listed)`
    )
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
    await withStalledServer(async endpoint => {
      const client = createS3Client(
        { region: 'us-east-1', endpoint: endpoint, maxAttempts: 1 },
        {},
        { connectionMs: 1000, requestMs: 300 }
      )
      // The server never answers: without the request timeout this would hang until the
      // test's own limit, so reaching the assertion at all is the proof (no clock involved).
      const error = await new S3Lister(client, 'data-lake').list(PREFIX).catch(caught => caught)
      expect((error as Error).name).toBe('TimeoutError')
    })
  }, 60_000)
})
