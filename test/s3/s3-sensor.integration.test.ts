import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { awsTestEnv, startMoto, type Moto } from '../support/moto.js'
import { runAction, type ActionRun } from '../support/run-action.js'
import { createBucket, emptyBucket, motoClient, putObjects } from './support/objects.js'
import { startCountingServer, startFaultProxy, type LocalServer } from './support/servers.js'
import { present } from '../support/present.js'

// dist/s3-sensor/index.js run as the runner runs it, against moto.
let moto: Moto
let counter: LocalServer

const PREFIX = 'bronze/customers/date=2024-01-01/'
/** A bucket seeded once for the whole file with the large listings; tests only read it. */
const BIG = 'big-lake'
const BIG_KEYS = Array.from(
  { length: 1003 },
  (_, index) => `${PREFIX}part-${String(index).padStart(4, '0')}`
)
const EVENT_KEYS = ['01', '02', '03'].flatMap(day =>
  Array.from({ length: 20 }, (_, index) => `bronze/events/date=2024-01-${day}/part-${index}.json`)
)

beforeAll(async () => {
  moto = await startMoto()
  counter = await startCountingServer()
  const client = motoClient(moto.endpoint)
  await createBucket(client, 'data-lake')
  await createBucket(client, BIG)
  await putObjects(
    client,
    BIG,
    [...BIG_KEYS, ...EVENT_KEYS].map(key => ({ key })),
    32
  )
})
afterAll(async () => {
  await counter?.close()
  await moto?.stop()
})
beforeEach(async () => {
  await emptyBucket(motoClient(moto.endpoint), 'data-lake')
})

const env = (): Record<string, string> => ({ ...awsTestEnv, AWS_ENDPOINT_URL_S3: moto.endpoint })
const sensor = (
  inputs: Record<string, string>,
  extraEnv: Record<string, string> = {}
): Promise<ActionRun> =>
  runAction('s3-sensor', {
    inputs: { bucket: 'data-lake', ...inputs },
    env: { ...env(), ...extraEnv },
    timeoutMs: 60_000
  })
const errorLines = (run: ActionRun): string[] =>
  run.stdout.split('\n').filter(line => line.startsWith('::error::'))
const delay = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/** Resolves once `condition` holds, checking every 20 ms (the test's own timeout bounds it). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await delay(20)
}

/** The stack-trace shape Node prints: `    at fn (file:line:col)`. */
const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m

describe('s3-sensor bundle', () => {
  it('finds objects uploaded mid-wait, sets every output and writes the summary table', async () => {
    // A pass-through proxy counts the sensor's requests: the upload starts only once the
    // second poke has begun, so the first one certainly saw nothing.
    const proxy = await startFaultProxy(moto.endpoint, [])
    const running = sensor({
      key: `s3://data-lake/${PREFIX}*.json`,
      bucket: '',
      endpoint: proxy.endpoint,
      'min-objects': '2',
      'success-marker': '_SUCCESS',
      'poke-interval': '200ms',
      timeout: '30s'
    })
    await until(() => proxy.requests >= 2)
    await putObjects(motoClient(moto.endpoint), 'data-lake', [
      { key: `${PREFIX}part-0.json`, body: 'a'.repeat(100) },
      { key: `${PREFIX}part-1.json`, body: 'b'.repeat(50) },
      { key: `${PREFIX}notes.txt` },
      { key: `${PREFIX}_SUCCESS`, body: '' }
    ])
    const run = await running
    await proxy.close()
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.stdout).toMatch(
      /Poke 1 \([^)]+ in\): 0 objects, 0 B; still missing: 0 of min 2 objects matching s3:\/\/data-lake\/bronze\/customers\/date=2024-01-01\/\*\.json; marker bronze\/customers\/date=2024-01-01\/_SUCCESS not found/
    )
    expect(run.outputs).toMatchObject({ found: 'true', count: '2', 'total-bytes': '150' })
    expect(JSON.parse(present(run.outputs.keys, 'the keys output'))).toEqual([
      `${PREFIX}part-0.json`,
      `${PREFIX}part-1.json`
    ])
    expect(run.outputs['waited-seconds']).toMatch(/^\d+$/)
    expect(run.summary).toContain('### S3 sensor: found')
    expect(run.summary).toContain(
      `| waited for | \`s3://data-lake/${PREFIX}*.json\` (glob, listing only \`s3://data-lake/${PREFIX}\`) |  |`
    )
    expect(run.summary).toContain(
      '| objects | 2 (required: at least 1) | ✅ |'.replace('at least 1', 'at least 2')
    )
    expect(run.summary).toContain(
      // `_` escaped: a key is text, never the start of emphasis.
      `| success marker | found (required: s3://data-lake/${PREFIX}\\_SUCCESS) | ✅ |`
    )
    expect(run.summary).toContain('| found | true | ✅ |')
    expect(run.summary).toContain('| count | 2 |  |')
    expect(run.summary).toContain('| bytes | 150 (150 B) |  |')
    expect(run.summary).toMatch(
      /\| waited \| [^|]+ of 30s \(([2-9]|\d\d+) pokes, \d+ ListObjectsV2 requests\) \|/
    )
  })

  it('fails on timeout with one line saying what was missing', async () => {
    await putObjects(motoClient(moto.endpoint), 'data-lake', [
      { key: `${PREFIX}part-0.json`, body: '' }
    ])
    const run = await sensor({
      key: PREFIX,
      'min-objects': '2',
      'min-object-bytes': '1',
      'success-marker': '_SUCCESS',
      'poke-interval': '300ms',
      timeout: '1s'
    })
    expect(run.code).toBe(1)
    expect(errorLines(run)).toEqual([
      `::error::Timed out after 1s waiting for s3://data-lake/${PREFIX}: 1 of min 2 objects under s3://data-lake/${PREFIX}, 1 object smaller than 1 B: ${PREFIX}part-0.json (0 B), marker ${PREFIX}_SUCCESS not found`
    ])
    expect(run.outputs).toMatchObject({ found: 'false', count: '1', 'total-bytes': '0' })
    expect(run.summary).toContain('### S3 sensor: timed out')
    expect(run.summary).toContain('| found | false | ❌ |')
    expect(run.stdout + run.stderr).not.toMatch(STACK_LINE)
  })

  it('soft-fail: exits 0 with found=false and a warning', async () => {
    const run = await sensor({
      key: PREFIX,
      'soft-fail': 'true',
      'poke-interval': '200ms',
      timeout: '1s'
    })
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({
      found: 'false',
      count: '0',
      'total-bytes': '0',
      keys: '[]'
    })
    expect(run.stdout).toContain(
      `::warning::Timed out after 1s waiting for s3://data-lake/${PREFIX}: 0 of min 1 object under s3://data-lake/${PREFIX} (soft-fail: found=false)`
    )
    expect(errorLines(run)).toEqual([])
    expect(run.summary).toContain('### S3 sensor: not found (soft-fail: later jobs can skip)')
  })

  it('caps the keys output at 1000 keys while count gives them all (count-all)', async () => {
    const run = await sensor({
      bucket: BIG,
      key: PREFIX,
      'count-all': 'true',
      timeout: '20s',
      'poke-interval': '1s'
    })
    expect(run.code).toBe(0)
    expect(run.outputs.count).toBe('1003')
    const keys = JSON.parse(present(run.outputs.keys, 'the keys output')) as string[]
    expect(keys).toHaveLength(1000)
    expect(keys.at(-1)).toBe(`${PREFIX}part-0999`)
    expect(run.stdout).toContain(
      `Each poke lists every matching object under s3://${BIG}/${PREFIX}: count-all needs all of them`
    )
    expect(run.summary).toContain('| count | 1003 |  |')
  })

  it('without a condition on every object, stops after the first page and says count is a lower bound', async () => {
    const run = await sensor({ bucket: BIG, key: PREFIX, timeout: '20s', 'poke-interval': '1s' })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.outputs).toMatchObject({ found: 'true', count: '1000', 'total-bytes': '1000' })
    expect(JSON.parse(present(run.outputs.keys, 'the keys output'))).toEqual(
      BIG_KEYS.slice(0, 1000)
    )
    expect(run.stdout).toContain(
      `Found at least 1000 objects (the listing stopped once min-objects matched) for s3://${BIG}/${PREFIX}`
    )
    expect(run.summary).toContain(
      '| count | at least 1000 (the listing stopped once min-objects matched; count-all: true lists every object) |  |'
    )
    expect(run.summary).toMatch(/\(1 poke, 1 ListObjectsV2 request\)/)
  })

  it('walks the folders of a glob whose wildcard is in a middle segment', async () => {
    const run = await sensor({
      bucket: BIG,
      key: 'bronze/events/date=2024-01-*/part-7.json',
      'min-objects': '3',
      timeout: '20s',
      'poke-interval': '1s'
    })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(JSON.parse(present(run.outputs.keys, 'the keys output'))).toEqual(
      ['01', '02', '03'].map(day => `bronze/events/date=2024-01-${day}/part-7.json`)
    )
    expect(run.summary).toContain(
      `(glob, walking the folders under \`s3://${BIG}/bronze/events/date=2024-01-\`)`
    )
    // One folder listing, one lookup per date.
    expect(run.summary).toMatch(/\(1 poke, 4 ListObjectsV2 requests\)/)
  })

  it('survives throttling and dropped connections (fault injection: HTTP proxy in front of moto)', async () => {
    await putObjects(motoClient(moto.endpoint), 'data-lake', [{ key: `${PREFIX}part-0.json` }])
    // More faults in a row than the SDK's own 5 attempts: the sensor's retry has to carry on.
    const proxy = await startFaultProxy(moto.endpoint, [
      'drop',
      'slowdown',
      'drop',
      'slowdown',
      'drop',
      'slowdown',
      'drop'
    ])
    try {
      const run = await sensor({
        key: PREFIX,
        endpoint: proxy.endpoint,
        'poke-interval': '1s',
        timeout: '50s'
      })
      expect(run.code, run.stdout + run.stderr).toBe(0)
      expect(run.outputs).toMatchObject({ found: 'true', count: '1' })
      expect(proxy.faults.slice(0, 8)).toEqual([
        'drop',
        'slowdown',
        'drop',
        'slowdown',
        'drop',
        'slowdown',
        'drop',
        'pass'
      ])
      expect(run.stdout + run.stderr).not.toMatch(STACK_LINE)
    } finally {
      await proxy.close()
    }
  })

  it('a request that hangs does not carry the sensor far past its timeout (fault injection: HTTP proxy)', async () => {
    // The proxy never answers. Without the sensor abandoning the request at its timeout, the
    // SDK's own 60 s request timeout would hold the step past this test's limit; the error
    // line below only comes from that abandonment, so no clock is read here.
    const proxy = await startFaultProxy(moto.endpoint, [], 'hang')
    try {
      const run = await sensor({
        key: PREFIX,
        endpoint: proxy.endpoint,
        'poke-interval': '200ms',
        timeout: '1s'
      })
      expect(run.code).toBe(1)
      expect(errorLines(run)).toEqual([
        `::error::Timed out after 1s waiting for s3://data-lake/${PREFIX}: S3 never answered a poke; last poke failed: the sensor timeout passed while S3 had not answered`
      ])
      expect(proxy.requests).toBeGreaterThanOrEqual(1)
    } finally {
      await proxy.close()
    }
  })

  it('reports a missing bucket in one line saying what to check', async () => {
    const run = await sensor({
      bucket: 'no-such-lake',
      key: PREFIX,
      'poke-interval': '200ms',
      timeout: '5s'
    })
    expect(run.code).toBe(1)
    expect(errorLines(run)).toEqual([
      "::error::Bucket 'no-such-lake' does not exist (NoSuchBucket): check the 'bucket' input (or the bucket in the s3:// URI) and that the credentials are for the right AWS account"
    ])
    expect(run.outputs).toEqual({ found: 'false' })
    expect(run.summary).toContain('### S3 sensor: failed')
    expect(run.summary).toContain("| error | Bucket 'no-such-lake' does not exist (NoSuchBucket)")
  })
})

// Every bad input fails in one line naming the input, exit 1, no stack trace, and before any
// request: the endpoint is a local server that counts what reaches it.
describe('s3-sensor bundle: bad input', () => {
  it.each<[string, Record<string, string>, string]>([
    ['empty bucket', { bucket: '', key: PREFIX }, "Input 'bucket': expected a bucket name"],
    ['empty key', { key: '' }, "Input 'key': expected a key, a prefix ending in /"],
    [
      'invalid bucket name',
      { bucket: 'Data_Lake', key: PREFIX },
      "Input 'bucket': expected a valid S3 bucket name"
    ],
    [
      'malformed s3:// URI',
      { bucket: '', key: 's3://data-lake' },
      "Input 'key': expected an s3://bucket/key URI with a key"
    ],
    [
      'malformed s3: URI',
      { bucket: '', key: 's3:/data-lake/x' },
      "Input 'key': expected an s3://bucket/key URI"
    ],
    [
      'unparsable duration',
      { key: PREFIX, timeout: 'one hour' },
      "Input 'timeout': expected a duration such as 90s, 5m or 1h, got 'one hour'"
    ],
    [
      'negative count',
      { key: PREFIX, 'min-objects': '-2' },
      "Input 'min-objects': expected a whole number of 0 or more, got '-2'"
    ],
    [
      'non-integer count',
      { key: PREFIX, 'min-objects': '1.5' },
      "Input 'min-objects': expected a whole number"
    ],
    [
      'negative size',
      { key: PREFIX, 'min-object-bytes': '-1' },
      "Input 'min-object-bytes': expected a whole number of 0 or more"
    ],
    [
      'non-integer size',
      { key: PREFIX, 'min-total-bytes': '2.5' },
      "Input 'min-total-bytes': expected a whole number"
    ],
    [
      'poke interval larger than timeout',
      { key: PREFIX, timeout: '1m', 'poke-interval': '2m' },
      "Input 'poke-interval': expected a duration no longer than timeout (1m), got '2m'"
    ],
    [
      'unclosed glob bracket',
      { key: `${PREFIX}part-[0-9.json` },
      "Input 'key': expected a glob whose '[' at character"
    ],
    [
      'newline inside key',
      { key: `${PREFIX}a.json\n::warning::x` },
      "Input 'key': expected a key or s3:// URI without control characters (a newline at character 40), got 'bronze/customers/date=2024-01-01/a.json\\n::warning::x'"
    ],
    [
      'carriage return inside a keys entry',
      { keys: `${PREFIX}a.json\r\n${PREFIX}b\tc.json` },
      "Input 'keys': expected a key or s3:// URI without control characters (a tab at character 35)"
    ],
    [
      'count beyond the largest safe integer',
      { key: PREFIX, 'min-objects': '99999999999999999999' },
      "Input 'min-objects': expected a whole number of 0 or more (at most 9007199254740991), got '99999999999999999999'"
    ]
  ])('%s', async (_case, inputs, message) => {
    const before = counter.requests
    const run = await runAction('s3-sensor', {
      inputs: { bucket: 'data-lake', endpoint: counter.endpoint, ...inputs },
      env: { ...awsTestEnv, AWS_ENDPOINT_URL_S3: counter.endpoint },
      timeoutMs: 30_000
    })
    expect(run.code).toBe(1)
    const lines = errorLines(run)
    expect(lines).toHaveLength(1)
    expect(lines[0]?.startsWith(`::error::${message}`), lines[0]).toBe(true)
    expect(run.stdout + run.stderr).not.toMatch(STACK_LINE)
    expect(run.outputs).toEqual({})
    expect(counter.requests - before).toBe(0)
  })
})
