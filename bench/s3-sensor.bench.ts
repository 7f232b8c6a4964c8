// Benchmark: one poke of the S3 sensor against moto, case by case, beside the same poke the
// old way (every poke lists the whole literal prefix). Prints the ListObjectsV2 and
// HeadObject requests and the wall time of one poke, and the ratios; asserts nothing.
// `npm run bench -- s3` (OBJECTS=<n>, DATES=<n> and PER_DATE=<n> to try other sizes).
import { performance } from 'node:perf_hooks'
import { Inputs } from '../src/core/inputs.js'
import { silentLogger } from '../src/core/log.js'
import { systemClock, type Clock } from '../src/core/sleep.js'
import { createS3Client } from '../src/core/aws-clients.js'
import { readSensorConfig } from '../src/s3/config.js'
import { S3Lister } from '../src/s3/lister.js'
import { runSensor } from '../src/s3/sensor.js'
import { startMoto } from '../local/src/moto.js'
import { countRequests, createBucket, motoClient, putObjects } from '../test/s3/support/objects.js'

const OBJECTS = Number(process.env.OBJECTS ?? 50_000)
const PER_DATE = Number(process.env.PER_DATE ?? 2_000)
const DATES = Number(process.env.DATES ?? 31)
const CONCURRENCY = 32
const BUCKET = 'data-lake'
const PREFIX = 'bronze/customers/date=2024-01-01/'
const MONTH = 'bronze/orders/'

interface Case {
  name: string
  inputs: Record<string, string>
}

const CASES: Case[] = [
  { name: `prefix, ${OBJECTS} keys, min-objects 1`, inputs: { key: PREFIX } },
  { name: 'glob *.json under it, min-objects 1', inputs: { key: `${PREFIX}*.json` } },
  {
    name: 'glob part-00012*.csv (long literal prefix)',
    inputs: { key: `${PREFIX}part-00012*.csv` }
  },
  {
    name: `prefix, ${OBJECTS} keys, settle-time (needs every object)`,
    inputs: { key: PREFIX, 'settle-time': '100ms', 'poke-interval': '100ms' }
  },
  {
    name: `middle-segment glob, ${DATES} dates, min-objects ${DATES}`,
    inputs: { key: `${MONTH}date=2026-01-*/part-0001.json`, 'min-objects': String(DATES) }
  },
  {
    name: 'middle-segment glob, min-objects 1',
    inputs: { key: `${MONTH}date=2026-01-*/part-0001.json` }
  },
  {
    name: 'middle-segment glob, wildcard in the last segment too, settle-time',
    inputs: {
      key: `${MONTH}date=2026-01-*/part-*.json`,
      'settle-time': '100ms',
      'poke-interval': '100ms'
    }
  }
]

const moto = await startMoto()
try {
  const loader = motoClient(moto.endpoint)
  await createBucket(loader, BUCKET)

  const loadStart = performance.now()
  const extensions = ['json', 'csv']
  const objects = Array.from({ length: OBJECTS }, (_, index) => ({
    key: `${PREFIX}part-${String(index).padStart(6, '0')}.${extensions[index % 2]}`
  }))
  // Beside the prefix, so a sensor listing too much would show in the figures.
  objects.push({ key: 'bronze/customers/date=2024-01-02/part-000000.json' })
  for (let day = 1; day <= DATES; day++) {
    const date = `${MONTH}date=2026-01-${String(day).padStart(2, '0')}/`
    for (let index = 0; index < PER_DATE; index++) {
      objects.push({ key: `${date}part-${String(index).padStart(4, '0')}.json` })
    }
  }
  objects.push({ key: `${MONTH}date=2026-02-01/part-0001.json` })
  for (let start = 0; start < objects.length; start += 10_000) {
    await putObjects(loader, BUCKET, objects.slice(start, start + 10_000), CONCURRENCY)
    console.log(`  loaded ${Math.min(start + 10_000, objects.length)} of ${objects.length}`)
  }
  const loadSeconds = (performance.now() - loadStart) / 1000
  console.log(
    `loaded ${objects.length} objects with ${CONCURRENCY} concurrent PutObject in ${loadSeconds.toFixed(1)} s (${Math.round(objects.length / loadSeconds)}/s)`
  )

  /** One run of the sensor; requests and time are per poke (a settle period takes two). */
  async function measure(inputs: Record<string, string>, oldWay: boolean) {
    const config = readSensorConfig(
      new Inputs(name => ({ bucket: BUCKET, endpoint: moto.endpoint, ...inputs })[name]),
      { AWS_REGION: 'us-east-1' }
    )
    const client = createS3Client(config.aws, {})
    const counts = countRequests(client)
    // Time between pokes is not poke time: count the sleeps out.
    let sleptMs = 0
    const clock: Clock = {
      now: systemClock.now,
      sleep: async (ms, signal) => {
        const sleepStart = performance.now()
        try {
          await systemClock.sleep(ms, signal)
        } finally {
          sleptMs += performance.now() - sleepStart
        }
      }
    }
    const started = performance.now()
    const result = await runSensor({
      ...config,
      lister: new S3Lister(client, BUCKET),
      clock,
      logger: silentLogger,
      // The old way: no early stop, no folder walk.
      ...(oldWay ? { countAll: true, walkFolders: false } : {})
    })
    const ms = performance.now() - started - sleptMs
    return {
      list: (counts.ListObjectsV2Command ?? 0) / result.pokes,
      head: (counts.HeadObjectCommand ?? 0) / result.pokes,
      ms: ms / result.pokes,
      matched: result.objects.length,
      complete: result.complete
    }
  }

  const ratio = (old: number, now: number): string =>
    now === 0 ? '-' : `${(old / now).toFixed(old / now >= 10 ? 0 : 1)}x`
  const rows: string[][] = []
  for (const { name, inputs } of CASES) {
    const now = await measure(inputs, false)
    const old = await measure(inputs, true)
    rows.push([
      name,
      String(now.list),
      String(now.head),
      `${now.ms.toFixed(0)} ms`,
      `${now.matched}${now.complete ? '' : '+'}`,
      String(old.list),
      `${old.ms.toFixed(0)} ms`,
      ratio(old.list, now.list),
      ratio(old.ms, now.ms)
    ])
  }
  const header = [
    'case',
    'ListObjectsV2',
    'HeadObject',
    'poke',
    'matched',
    'old ListObjectsV2',
    'old poke',
    'calls old/new',
    'time old/new'
  ]
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map(row => row[column]?.length ?? 0))
  )
  const line = (cells: string[]) =>
    cells.map((text, column) => text.padEnd(widths[column] ?? 0)).join('  ')
  console.log('\nper poke; matched N+ = the listing stopped once min-objects matched')
  console.log(line(header))
  for (const row of rows) console.log(line(row))
} finally {
  await moto.stop()
}
