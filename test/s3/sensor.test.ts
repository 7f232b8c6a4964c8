import { describe, expect, it } from 'vitest'
import { UserError } from '../../src/core/errors.js'
import { Inputs } from '../../src/core/inputs.js'
import { MemoryLogger } from '../../src/core/log.js'
import { readSensorConfig } from '../../src/s3/config.js'
import type { ObjectLister } from '../../src/s3/lister.js'
import { runSensor, type SensorResult } from '../../src/s3/sensor.js'
import { FakeClock, MemoryBucket } from './support/fakes.js'

const PREFIX = 'bronze/customers/date=2024-01-01/'

/** Runs the sensor over a MemoryBucket with a fake clock: no test here really waits. */
async function sense(
  inputs: Record<string, string>,
  lister: ObjectLister & { requests?: number },
  clock = new FakeClock(),
  logger = new MemoryLogger()
): Promise<SensorResult> {
  const config = readSensorConfig(new Inputs(name => ({ bucket: 'data-lake', ...inputs })[name]), {
    AWS_REGION: 'us-east-1'
  })
  return runSensor({
    ...config,
    lister,
    clock,
    logger
  })
}

const seconds = (ms: number): number => ms / 1000

/** A lister for a prefix target, which never needs a folder listing. */
const onlyList = (list: ObjectLister['list']): ObjectLister => ({
  list,
  folders: async () => {
    throw new Error('a prefix target lists no folders')
  }
})

describe('runSensor', () => {
  it('finds objects already there at the first poke, without sleeping', async () => {
    const bucket = new MemoryBucket()
      .put(`${PREFIX}part-0.json`, 100)
      .put(`${PREFIX}part-1.json`, 50)
    const clock = new FakeClock()
    const result = await sense({ key: PREFIX }, bucket, clock)
    expect(result.found).toBe(true)
    expect(result.objects.map(object => object.key)).toEqual([
      `${PREFIX}part-0.json`,
      `${PREFIX}part-1.json`
    ])
    expect(result.totalBytes).toBe(150)
    expect(result.pokes).toBe(1)
    expect(clock.sleeps).toEqual([])
    expect(result.message).toMatch(/^Found 2 objects \(150 B\) for s3:\/\/data-lake\/bronze/)
  })

  it('finds objects that arrive while it waits, at the next poke', async () => {
    const bucket = new MemoryBucket()
    const clock = new FakeClock().at(150_000, () => bucket.put(`${PREFIX}part-0.json`))
    const result = await sense({ key: PREFIX, 'poke-interval': '60s' }, bucket, clock)
    expect(result.found).toBe(true)
    expect(result.pokes).toBe(4)
    expect(seconds(result.waitedMs)).toBe(180)
    expect(clock.sleeps).toEqual([60_000, 60_000, 60_000])
  })

  it('times out saying what was missing, with a last poke at the deadline', async () => {
    const bucket = new MemoryBucket()
    const clock = new FakeClock()
    const result = await sense(
      { key: PREFIX, timeout: '5m', 'poke-interval': '2m', 'success-marker': '_SUCCESS' },
      bucket,
      clock
    )
    expect(result.found).toBe(false)
    expect(clock.sleeps).toEqual([120_000, 120_000, 60_000])
    expect(seconds(result.waitedMs)).toBe(300)
    expect(result.message).toBe(
      `Timed out after 5m waiting for s3://data-lake/${PREFIX}: 0 of min 1 object under s3://data-lake/${PREFIX}, marker ${PREFIX}_SUCCESS not found`
    )
  })

  it('backs off exponentially up to the cap, and never sleeps past the timeout', async () => {
    const clock = new FakeClock()
    await sense(
      {
        key: PREFIX,
        timeout: '10m',
        'poke-interval': '10s',
        backoff: 'true',
        'max-poke-interval': '2m'
      },
      new MemoryBucket(),
      clock
    )
    expect(clock.sleeps.map(seconds)).toEqual([10, 20, 40, 80, 120, 120, 120, 90])
  })

  it('without backoff, keeps the poke interval', async () => {
    const clock = new FakeClock()
    await sense({ key: PREFIX, timeout: '3m', 'poke-interval': '1m' }, new MemoryBucket(), clock)
    expect(clock.sleeps.map(seconds)).toEqual([60, 60, 60])
  })

  it('waits for the settle period once everything is there', async () => {
    const bucket = new MemoryBucket().put(`${PREFIX}part-0.json`)
    const clock = new FakeClock()
    const result = await sense(
      { key: PREFIX, 'settle-time': '5m', 'poke-interval': '1m' },
      bucket,
      clock
    )
    expect(result.found).toBe(true)
    expect(seconds(result.waitedMs)).toBe(300)
    expect(result.conditions.find(condition => condition.id === 'settle')?.met).toBe(true)
  })

  it('looks again as soon as the settle period can have passed, not a whole interval later', async () => {
    const bucket = new MemoryBucket().put(`${PREFIX}part-0.json`)
    const clock = new FakeClock()
    const result = await sense(
      { key: PREFIX, 'settle-time': '90s', 'poke-interval': '1m' },
      bucket,
      clock
    )
    expect(result.found).toBe(true)
    expect(clock.sleeps).toEqual([60_000, 30_000])
    expect(seconds(result.waitedMs)).toBe(90)
  })

  it('restarts the settle period when a new object lands', async () => {
    const bucket = new MemoryBucket().put(`${PREFIX}part-0.json`)
    const clock = new FakeClock().at(210_000, () => bucket.put(`${PREFIX}part-1.json`))
    const result = await sense(
      { key: PREFIX, 'settle-time': '5m', 'poke-interval': '1m' },
      bucket,
      clock
    )
    expect(result.found).toBe(true)
    // The new object is first seen by the poke at 4m; five quiet minutes after that.
    expect(seconds(result.waitedMs)).toBe(540)
    expect(result.objects).toHaveLength(2)
  })

  it('restarts the settle period when an object is rewritten with the same key', async () => {
    const bucket = new MemoryBucket().put(`${PREFIX}part-0.json`, 10)
    const clock = new FakeClock().at(90_000, () => bucket.put(`${PREFIX}part-0.json`, 10))
    const result = await sense(
      { key: PREFIX, 'settle-time': '3m', 'poke-interval': '1m' },
      bucket,
      clock
    )
    expect(seconds(result.waitedMs)).toBe(120 + 180)
  })

  it('honours the success marker, and does not count it as data', async () => {
    const bucket = new MemoryBucket().put(`${PREFIX}part-0.json`, 100)
    const clock = new FakeClock().at(120_000, () => bucket.put(`${PREFIX}_SUCCESS`, 0))
    const result = await sense(
      { key: PREFIX, 'success-marker': '_SUCCESS', 'poke-interval': '1m', 'min-object-bytes': '1' },
      bucket,
      clock
    )
    expect(result.found).toBe(true)
    expect(seconds(result.waitedMs)).toBe(120)
    expect(result.objects.map(object => object.key)).toEqual([`${PREFIX}part-0.json`])
  })

  it('looks the marker up by itself when it is outside the listed prefix', async () => {
    const bucket = new MemoryBucket().put(`${PREFIX}part-0.json`).put(`${PREFIX}_SUCCESS`, 0)
    const result = await sense(
      { key: `${PREFIX}part-*.json`, 'success-marker': '_SUCCESS' },
      bucket
    )
    expect(result.found).toBe(true)
    expect(bucket.listedPrefixes).toEqual([`${PREFIX}part-`, `${PREFIX}_SUCCESS`])
  })

  it('lists only the literal prefix of a glob and counts only matching keys', async () => {
    const bucket = new MemoryBucket()
      .put(`${PREFIX}part-0.json`)
      .put(`${PREFIX}part-1.csv`)
      .put(`${PREFIX}nested/part-2.json`)
      .put('bronze/customers/date=2024-01-02/part-0.json')
    const result = await sense({ key: `${PREFIX}*.json` }, bucket)
    expect(result.objects.map(object => object.key)).toEqual([`${PREFIX}part-0.json`])
    expect(bucket.listedPrefixes).toEqual([PREFIX])
  })

  it('leaves out empty folder placeholder objects', async () => {
    const bucket = new MemoryBucket().put(PREFIX, 0)
    const result = await sense({ key: PREFIX, timeout: '1m', 'poke-interval': '1m' }, bucket)
    expect(result.found).toBe(false)
    expect(result.objects).toEqual([])
  })

  it('requires a minimum count', async () => {
    const bucket = new MemoryBucket().put(`${PREFIX}a`).put(`${PREFIX}b`)
    const clock = new FakeClock().at(60_000, () => bucket.put(`${PREFIX}c`))
    const result = await sense(
      { key: PREFIX, 'min-objects': '3', 'poke-interval': '1m' },
      bucket,
      clock
    )
    expect(result.found).toBe(true)
    expect(result.pokes).toBe(2)
  })

  it('requires every object to reach the minimum size, naming the small ones', async () => {
    const bucket = new MemoryBucket().put(`${PREFIX}a`, 0).put(`${PREFIX}b`, 500)
    const result = await sense(
      { key: PREFIX, 'min-object-bytes': '100', timeout: '1m', 'poke-interval': '1m' },
      bucket
    )
    expect(result.found).toBe(false)
    expect(result.message).toContain(`1 object smaller than 100 B: ${PREFIX}a (0 B)`)
  })

  it('requires the minimum total size', async () => {
    const bucket = new MemoryBucket().put(`${PREFIX}a`, 600)
    const clock = new FakeClock().at(60_000, () => bucket.put(`${PREFIX}b`, 600))
    const result = await sense(
      { key: PREFIX, 'min-total-bytes': '1024', timeout: '5m', 'poke-interval': '1m' },
      bucket,
      clock
    )
    expect(result.found).toBe(true)
    expect(result.totalBytes).toBe(1200)
    expect(result.pokes).toBe(2)
  })

  it('waits for every key of a list, naming the missing ones', async () => {
    const bucket = new MemoryBucket().put('exports/a.csv')
    const result = await sense(
      {
        bucket: '',
        keys: 's3://data-lake/exports/a.csv\ns3://data-lake/exports/b.csv',
        timeout: '1m',
        'poke-interval': '1m'
      },
      bucket
    )
    expect(result.found).toBe(false)
    expect(result.message).toContain('keys not found: exports/b.csv')
    bucket.put('exports/b.csv')
    expect((await sense({ keys: 'exports/a.csv, exports/b.csv' }, bucket)).found).toBe(true)
  })

  it('an exact key does not match a longer key it prefixes', async () => {
    const bucket = new MemoryBucket().put('exports/a.csv.tmp')
    const result = await sense(
      { key: 'exports/a.csv', timeout: '1m', 'poke-interval': '1m' },
      bucket
    )
    expect(result.found).toBe(false)
    bucket.put('exports/a.csv')
    expect(
      (await sense({ key: 'exports/a.csv' }, bucket)).objects.map(object => object.key)
    ).toEqual(['exports/a.csv'])
  })

  it('a key whose only wildcards are escaped is looked up as that literal key', async () => {
    const bucket = new MemoryBucket().put('exports/file*.csv').put('exports/file1.csv')
    const result = await sense({ key: 'exports/file\\*.csv' }, bucket)
    expect(result.found).toBe(true)
    expect(result.objects.map(object => object.key)).toEqual(['exports/file*.csv'])
    expect(bucket.listedPrefixes).toEqual(['exports/file*.csv'])
  })

  it('logs at most one line per poke, saying what is still missing', async () => {
    const bucket = new MemoryBucket()
    const logger = new MemoryLogger()
    const clock = new FakeClock().at(200_000, () => bucket.put(`${PREFIX}part-0.json`))
    const result = await sense(
      { key: PREFIX, 'success-marker': '_SUCCESS', timeout: '5m', 'poke-interval': '1m' },
      bucket,
      clock,
      logger
    )
    const said = logger.lines.filter(line => !line.startsWith('debug:'))
    expect(said.length).toBeLessThanOrEqual(result.pokes)
    expect(said[0]).toMatch(
      /^info: Poke 1 \(0s in\): 0 objects, 0 B; still missing: 0 of min 1 object under .*; marker .*_SUCCESS not found; next poke in 1m$/
    )
    expect(said.at(-1)).toMatch(
      /still missing: marker bronze\/customers\/date=2024-01-01\/_SUCCESS not found/
    )
  })

  // Fault injection: the lister throws the errors a real S3 client gives, once its own
  // retries are spent, when throttled or when a connection drops; moto cannot be made to do
  // that on demand.
  it('tries again at the next poke after throttling and dropped connections, never inside a poke (fault injection)', async () => {
    const bucket = new MemoryBucket().put(`${PREFIX}part-0.json`)
    const faults = [
      Object.assign(new Error('Please reduce your request rate.'), {
        name: 'SlowDown',
        $metadata: { httpStatusCode: 503, attempts: 5 }
      }),
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
    ]
    let lists = 0
    const flaky = onlyList(async (prefix, request) => {
      lists++
      const fault = faults.shift()
      if (fault) throw fault
      return bucket.list(prefix, request)
    })
    const clock = new FakeClock()
    const logger = new MemoryLogger()
    const result = await sense({ key: PREFIX, 'poke-interval': '1m' }, flaky, clock, logger)
    expect(result.found).toBe(true)
    expect(result.pokes).toBe(3)
    expect(lists).toBe(3)
    expect(clock.sleeps).toEqual([60_000, 60_000])
    expect(logger.lines).toContain(
      'warning: Poke 1: S3 did not answer after 5 tries (SlowDown: Please reduce your request rate.); trying again at the next poke'
    )
    expect(logger.lines).toContain(
      'warning: Poke 2: S3 did not answer after 1 try (ECONNRESET: socket hang up); trying again at the next poke'
    )
  })

  it('a poke that keeps failing is logged and the next poke tries again (fault injection)', async () => {
    const bucket = new MemoryBucket().put(`${PREFIX}part-0.json`)
    let failures = 3
    const flaky = onlyList(async (prefix, request) => {
      if (failures-- > 0)
        throw Object.assign(new Error('Service Unavailable'), {
          name: 'ServiceUnavailable',
          $metadata: { httpStatusCode: 503, attempts: 5 }
        })
      return bucket.list(prefix, request)
    })
    const logger = new MemoryLogger()
    const result = await sense(
      { key: PREFIX, 'poke-interval': '1m' },
      flaky,
      new FakeClock(),
      logger
    )
    expect(result.found).toBe(true)
    expect(result.pokes).toBe(4)
    expect(logger.lines).toContain(
      'warning: Poke 1: S3 did not answer after 5 tries (ServiceUnavailable: Service Unavailable); trying again at the next poke'
    )
  })

  it('times out with the last error when S3 never answers (fault injection)', async () => {
    const down = onlyList(async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })
    })
    const result = await sense({ key: PREFIX, timeout: '2m', 'poke-interval': '1m' }, down)
    expect(result.found).toBe(false)
    expect(result.message).toBe(
      `Timed out after 2m waiting for s3://data-lake/${PREFIX}: S3 never answered a poke; last poke failed: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9`
    )
  })

  it('ends at once with what to check when access is denied', async () => {
    let calls = 0
    const denied = onlyList(async () => {
      calls++
      throw Object.assign(new Error('Access Denied'), {
        name: 'AccessDenied',
        $metadata: { httpStatusCode: 403 }
      })
    })
    const error = await sense({ key: PREFIX }, denied).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(UserError)
    expect((error as Error).message).toBe(
      `Access denied listing s3://data-lake/${PREFIX} (AccessDenied): check that the role has s3:ListBucket on arn:aws:s3:::data-lake for the prefix '${PREFIX}' and that no bucket policy, SCP or VPC endpoint policy denies it`
    )
    expect(calls).toBe(1)
  })

  it('passes on an unexpected error instead of waiting on it', async () => {
    const broken = onlyList(async () => {
      throw new TypeError('Cannot read properties of undefined')
    })
    await expect(sense({ key: PREFIX }, broken)).rejects.toThrow(TypeError)
  })
})

/** `count` keys under `folder`, named part-0000 … in key order. */
function fill(bucket: MemoryBucket, folder: string, count: number, size = 10): MemoryBucket {
  for (let index = 0; index < count; index++) {
    bucket.put(`${folder}part-${String(index).padStart(4, '0')}.json`, size)
  }
  return bucket
}

describe('runSensor lists no more than it must', () => {
  it('stops after the first page once min-objects match, and says the count is a lower bound', async () => {
    const bucket = fill(new MemoryBucket(), PREFIX, 3002)
    const logger = new MemoryLogger()
    const result = await sense({ key: PREFIX }, bucket, new FakeClock(), logger)
    expect(result.found).toBe(true)
    expect(bucket.requests).toBe(1)
    expect(result.complete).toBe(false)
    expect(result.objects).toHaveLength(1000)
    expect(result.objects.at(-1)?.key).toBe(`${PREFIX}part-0999.json`)
    expect(result.message).toMatch(
      /^Found at least 1000 objects \(the listing stopped once min-objects matched\) for /
    )
    expect(logger.lines.filter(line => line.includes('lists every matching object'))).toEqual([])
  })

  it('lists as many pages as min-objects needs, and all of them when fewer match', async () => {
    const bucket = fill(new MemoryBucket(), PREFIX, 3002)
    const enough = await sense({ key: PREFIX, 'min-objects': '1500' }, bucket)
    expect(enough.found).toBe(true)
    expect(bucket.requests).toBe(2)
    expect(enough.objects).toHaveLength(2000)

    const short = new MemoryBucket()
    fill(short, PREFIX, 3002)
    const result = await sense(
      { key: PREFIX, 'min-objects': '5000', timeout: '1m', 'poke-interval': '1m' },
      short
    )
    expect(result.found).toBe(false)
    expect(result.complete).toBe(true)
    expect(result.objects).toHaveLength(3002)
    expect(short.requests).toBe(2 * 4)
    expect(result.message).toContain('3002 of min 5000 objects under')
  })

  it.each([
    [
      'settle-time',
      { 'settle-time': '1s', 'poke-interval': '1s' },
      'settle-time needs all of them'
    ],
    ['min-object-bytes', { 'min-object-bytes': '1' }, 'min-object-bytes needs all of them'],
    ['min-total-bytes', { 'min-total-bytes': '1' }, 'min-total-bytes needs all of them'],
    ['count-all', { 'count-all': 'true' }, 'count-all needs all of them'],
    [
      'settle-time and min-object-bytes',
      { 'settle-time': '1s', 'poke-interval': '1s', 'min-object-bytes': '1' },
      'settle-time, min-object-bytes need all of them'
    ]
  ])(
    '%s lists every object, exact count and bytes, and says so once',
    async (_case, inputs, said) => {
      const bucket = fill(new MemoryBucket(), PREFIX, 3002)
      const logger = new MemoryLogger()
      const result = await sense({ key: PREFIX, ...inputs }, bucket, new FakeClock(), logger)
      expect(result.found).toBe(true)
      expect(result.complete).toBe(true)
      expect(result.objects).toHaveLength(3002)
      expect(result.totalBytes).toBe(30_020)
      expect(bucket.requests).toBe(4 * result.pokes)
      const notes = logger.lines.filter(line => line.includes('lists every matching object'))
      expect(notes).toEqual([
        `info: Each poke lists every matching object under s3://data-lake/${PREFIX}: ${said}`
      ])
    }
  )

  it('a marker beyond the stopping point is looked up by itself; one before it is seen in the listing', async () => {
    const after = fill(new MemoryBucket(), PREFIX, 3002).put(`${PREFIX}zz-done`, 0)
    expect((await sense({ key: PREFIX, 'success-marker': 'zz-done' }, after)).found).toBe(true)
    expect(after.listedPrefixes).toEqual([PREFIX, `${PREFIX}zz-done`])
    expect(after.requests).toBe(2)

    const before = fill(new MemoryBucket(), PREFIX, 3002).put(`${PREFIX}_SUCCESS`, 0)
    const result = await sense({ key: PREFIX, 'success-marker': '_SUCCESS' }, before)
    expect(result.found).toBe(true)
    expect(result.objects.map(object => object.key)).not.toContain(`${PREFIX}_SUCCESS`)
    expect(before.requests).toBe(1)
  })

  it('a marker absent from a complete listing is not looked up again', async () => {
    const bucket = fill(new MemoryBucket(), PREFIX, 10)
    const result = await sense(
      {
        key: PREFIX,
        'success-marker': '_SUCCESS',
        'min-objects': '11',
        timeout: '1m',
        'poke-interval': '1m'
      },
      bucket
    )
    expect(result.found).toBe(false)
    expect(bucket.listedPrefixes).toEqual([PREFIX, PREFIX])
  })
})

describe('runSensor walks the folders of a glob whose wildcard is in a middle segment', () => {
  const DATES = 'bronze/customers/'
  const days = Array.from(
    { length: 31 },
    (_, day) => `date=2026-01-${String(day + 1).padStart(2, '0')}/`
  )
  /** 31 dates of 2,000 keys, plus a month beside them that the glob does not match. */
  function month(): MemoryBucket {
    const bucket = new MemoryBucket()
    for (const day of days) fill(bucket, `${DATES}${day}`, 2000)
    fill(bucket, `${DATES}date=2026-02-01/`, 5)
    return bucket
  }
  const bucket = month()
  const GLOB = `${DATES}date=2026-01-*/part-0001.json`

  const sensed = async (
    inputs: Record<string, string>,
    options: { walkFolders?: boolean } = {}
  ) => {
    const before = bucket.requests
    const folders = bucket.folderPrefixes.length
    const lists = bucket.listedPrefixes.length
    const config = readSensorConfig(
      new Inputs(name => ({ bucket: 'data-lake', ...inputs })[name]),
      { AWS_REGION: 'us-east-1' }
    )
    const result = await runSensor({
      ...config,
      ...options,
      lister: bucket,
      clock: new FakeClock(),
      logger: new MemoryLogger()
    })
    return {
      result,
      requests: bucket.requests - before,
      folderPrefixes: bucket.folderPrefixes.slice(folders),
      listedPrefixes: bucket.listedPrefixes.slice(lists)
    }
  }

  it('one folder listing and one lookup per date when every date is needed: 32 requests, not 62 pages', async () => {
    const walked = await sensed({ key: GLOB, 'min-objects': '31' })
    expect(walked.result.found).toBe(true)
    expect(walked.requests).toBe(1 + 31)
    expect(walked.folderPrefixes).toEqual([`${DATES}date=2026-01-`])
    expect(walked.listedPrefixes).toEqual(days.map(day => `${DATES}${day}part-0001.json`))
    expect(walked.result.objects.map(object => object.key)).toEqual(
      days.map(day => `${DATES}${day}part-0001.json`)
    )

    const old = await sensed(
      { key: GLOB, 'min-objects': '31', 'count-all': 'true' },
      { walkFolders: false }
    )
    expect(old.requests).toBe(62)
    expect(old.result.objects).toEqual(walked.result.objects)
  })

  it('min-objects 1: the folder listing and a single lookup', async () => {
    const walked = await sensed({ key: GLOB })
    expect(walked.result.found).toBe(true)
    expect(walked.requests).toBe(2)
    expect(walked.result.complete).toBe(false)
    expect(walked.result.objects.map(object => object.key)).toEqual([
      `${DATES}${days[0]}part-0001.json`
    ])
  })

  it('settle-time: every date is looked up, still 32 requests a poke', async () => {
    const walked = await sensed({ key: GLOB, 'settle-time': '1s', 'poke-interval': '1s' })
    expect(walked.result.found).toBe(true)
    expect(walked.result.complete).toBe(true)
    expect(walked.requests).toBe(32 * walked.result.pokes)
    expect(walked.result.objects).toHaveLength(31)
  })

  it('a wildcard in the last segment too: each matching folder is listed, a page per 1,000 keys', async () => {
    const walked = await sensed({
      key: `${DATES}date=2026-01-*/part-*.json`,
      'settle-time': '1s',
      'poke-interval': '1s'
    })
    expect(walked.result.objects).toHaveLength(62_000)
    expect(walked.requests).toBe((1 + 31 * 2) * walked.result.pokes)
    expect(walked.folderPrefixes[0]).toBe(`${DATES}date=2026-01-`)
    expect(walked.listedPrefixes.slice(0, 31)).toEqual(days.map(day => `${DATES}${day}part-`))
  })

  it('** falls back to listing the literal prefix', async () => {
    const walked = await sensed({ key: `${DATES}**/part-0001.json`, 'min-objects': '32' })
    expect(walked.folderPrefixes).toEqual([])
    expect(walked.listedPrefixes).toEqual([DATES])
    expect(walked.requests).toBe(63)
    expect(walked.result.objects).toHaveLength(32)
  })
})

describe('the folder walk finds exactly what listing the whole literal prefix finds', () => {
  const keys = [
    'lake/a/x/c.json',
    'lake/a/x/c.csv',
    'lake/a/y/c.json',
    'lake/a/y/z/c.json',
    'lake/a/y/',
    'lake/b/x/c.json',
    'lake/ab/x/c.json',
    'lake/a*b/x/c.json',
    'lake/a+b/x/c.json',
    'lake/a/b/c.json',
    'lake/a/b/d/e.json',
    'lake/a/b/x/c.json',
    'lake/a.b/x/c.json',
    'lake/a/_SUCCESS',
    'lake/a/x/_SUCCESS',
    'lake/c.json'
  ]
  const bucket = new MemoryBucket()
  for (const key of keys) bucket.put(key)

  // Each glob with what it matches: a bracket or brace that can match `/` (`[[:punct:]]`,
  // `[+-0]`, `{a/x,b/x}`) and `**` must not be walked past.
  it.each<[string, string[]]>([
    [
      'lake/*/x/c.json',
      [
        'lake/a*b/x/c.json',
        'lake/a+b/x/c.json',
        'lake/a.b/x/c.json',
        'lake/a/x/c.json',
        'lake/ab/x/c.json',
        'lake/b/x/c.json'
      ]
    ],
    [
      'lake/a*/x/c.json',
      [
        'lake/a*b/x/c.json',
        'lake/a+b/x/c.json',
        'lake/a.b/x/c.json',
        'lake/a/x/c.json',
        'lake/ab/x/c.json'
      ]
    ],
    ['lake/a/*/c.json', ['lake/a/b/c.json', 'lake/a/x/c.json', 'lake/a/y/c.json']],
    ['lake/a/*/*.json', ['lake/a/b/c.json', 'lake/a/x/c.json', 'lake/a/y/c.json']],
    ['lake/a/*/z/c.json', ['lake/a/y/z/c.json']],
    ['lake/a/*/*/c.json', ['lake/a/b/x/c.json', 'lake/a/y/z/c.json']],
    [
      'lake/*/*/c.*',
      [
        'lake/a*b/x/c.json',
        'lake/a+b/x/c.json',
        'lake/a.b/x/c.json',
        'lake/a/b/c.json',
        'lake/a/x/c.csv',
        'lake/a/x/c.json',
        'lake/a/y/c.json',
        'lake/ab/x/c.json',
        'lake/b/x/c.json'
      ]
    ],
    ['lake/{a,b}/x/c.json', ['lake/a/x/c.json', 'lake/b/x/c.json']],
    ['lake/{a/b,b}/x/c.json', ['lake/a/b/x/c.json', 'lake/b/x/c.json']],
    [
      'lake/a[[:punct:]]b/x/c.json',
      ['lake/a*b/x/c.json', 'lake/a+b/x/c.json', 'lake/a.b/x/c.json', 'lake/a/b/x/c.json']
    ],
    ['lake/a[+-0]b/x/c.json', ['lake/a+b/x/c.json', 'lake/a.b/x/c.json', 'lake/a/b/x/c.json']],
    ['lake/a[!x]b/x/c.json', ['lake/a*b/x/c.json', 'lake/a+b/x/c.json', 'lake/a.b/x/c.json']],
    ['lake/a\\*b/*/c.json', ['lake/a*b/x/c.json']],
    ['lake/a?b/x/c.json', ['lake/a*b/x/c.json', 'lake/a+b/x/c.json', 'lake/a.b/x/c.json']],
    [
      'lake/a/**/c.json',
      [
        'lake/a/b/c.json',
        'lake/a/b/x/c.json',
        'lake/a/x/c.json',
        'lake/a/y/c.json',
        'lake/a/y/z/c.json'
      ]
    ],
    ['lake/a/*/', []],
    ['lake/a/*/_SUCCESS', ['lake/a/x/_SUCCESS']]
  ])('%s', async (glob, expected) => {
    const run = (walkFolders: boolean) => {
      const config = readSensorConfig(
        new Inputs(
          name =>
            ({ bucket: 'data-lake', key: glob, 'count-all': 'true', 'min-objects': '0' })[name]
        ),
        { AWS_REGION: 'us-east-1' }
      )
      return runSensor({
        ...config,
        walkFolders,
        lister: bucket,
        clock: new FakeClock(),
        logger: new MemoryLogger()
      })
    }
    const keysOf = (result: SensorResult) => result.objects.map(object => object.key)
    expect(keysOf(await run(true))).toEqual(expected)
    expect(keysOf(await run(false))).toEqual(expected)
  })
})

describe('runSensor: a listing that outlasts the timeout', () => {
  it('says the listing had not finished, not that S3 never answered', async () => {
    const bucket = fill(new MemoryBucket(), PREFIX, 5002)
    const clock = new FakeClock()
    // Each page takes five minutes of the (fake) clock: a slow store, or a very large prefix.
    const slow: ObjectLister = {
      list: (prefix, request = {}) =>
        bucket.list(prefix, {
          ...request,
          onPage: (page, more) => {
            clock.time += 300_000
            return request.onPage?.(page, more)
          }
        }),
      folders: prefix => bucket.folders(prefix)
    }
    const logger = new MemoryLogger()
    const result = await sense(
      { key: PREFIX, 'min-objects': '6000', timeout: '10m', 'poke-interval': '5m' },
      slow,
      clock,
      logger
    )
    expect(result.found).toBe(false)
    // The timeout is 10 min and the grace for a poke in flight 1 min: no page starts after
    // 11 min, so the page that ends at 15 min is the last.
    expect(result.message).toBe(
      `Timed out after 10m waiting for s3://data-lake/${PREFIX}: listing had not finished when the 10m timeout passed (3,000 objects listed)`
    )
    expect(logger.lines).toContain(
      'warning: Poke 1: listing had not finished when the 10m timeout passed (3,000 objects listed)'
    )
  })
})
