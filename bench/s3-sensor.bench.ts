// Benchmark: one poke of the S3 sensor over a prefix of 50,000 objects in moto.
// Prints the ListObjectsV2 requests made and the wall time of the poke; asserts nothing.
// `npm run bench -- s3` (OBJECTS=<n> to try another size).
import { performance } from 'node:perf_hooks'
import { silentLogger } from '../src/core/log.js'
import { systemClock } from '../src/core/sleep.js'
import { createS3Client } from '../src/s3/client.js'
import { S3Lister } from '../src/s3/lister.js'
import { runSensor } from '../src/s3/sensor.js'
import { parseTarget } from '../src/s3/target.js'
import { startMoto } from '../test/support/moto.js'
import { createBucket, motoClient, putObjects } from '../test/s3/support/objects.js'

const OBJECTS = Number(process.env.OBJECTS ?? 50_000)
const CONCURRENCY = 32
const BUCKET = 'data-lake'
const PREFIX = 'bronze/customers/date=2024-01-01/'

const moto = await startMoto()
try {
  const client = motoClient(moto.endpoint)
  await createBucket(client, BUCKET)

  const loadStart = performance.now()
  const extensions = ['json', 'csv']
  const objects = Array.from({ length: OBJECTS }, (_, index) => ({
    key: `${PREFIX}part-${String(index).padStart(6, '0')}.${extensions[index % 2]}`,
    body: 'x'
  }))
  // Beside the prefix, so a sensor listing too much would show in the figures.
  objects.push({ key: 'bronze/customers/date=2024-01-02/part-000000.json', body: 'x' })
  for (let start = 0; start < objects.length; start += 10_000) {
    await putObjects(client, BUCKET, objects.slice(start, start + 10_000), CONCURRENCY)
    console.log(`  loaded ${Math.min(start + 10_000, objects.length)} of ${objects.length}`)
  }
  const loadSeconds = (performance.now() - loadStart) / 1000
  console.log(
    `loaded ${objects.length} objects with ${CONCURRENCY} concurrent PutObject in ${loadSeconds.toFixed(1)} s (${Math.round(objects.length / loadSeconds)}/s)`
  )

  const s3 = createS3Client({ region: 'us-east-1', endpoint: moto.endpoint, maxAttempts: 5 })
  const rows: string[][] = []
  for (const key of [PREFIX, `${PREFIX}*.json`, `${PREFIX}part-00012*.csv`]) {
    const target = parseTarget({ bucket: BUCKET, key, keys: [] })
    const lister = new S3Lister(s3, BUCKET)
    // Time inside ListObjectsV2 (moto's share) apart from the sensor's own work.
    let listingMs = 0
    const list = lister.list.bind(lister)
    lister.list = async (prefix, limit) => {
      const listStart = performance.now()
      try {
        return await list(prefix, limit)
      } finally {
        listingMs += performance.now() - listStart
      }
    }
    const started = performance.now()
    const result = await runSensor({
      target,
      conditions: { minObjects: 1, minObjectBytes: 0, minTotalBytes: 0, settleMs: 0 },
      timing: {
        pokeIntervalMs: 1000,
        backoff: false,
        maxPokeIntervalMs: 1000,
        timeoutMs: 600_000,
        softFail: false
      },
      lister,
      clock: systemClock,
      logger: silentLogger
    })
    const ms = performance.now() - started
    rows.push([
      key,
      String(result.pokes),
      String(lister.requests),
      String(result.objects.length),
      `${ms.toFixed(0)} ms`,
      `${(ms - listingMs).toFixed(0)} ms`
    ])
  }
  const header = [
    'key',
    'pokes',
    'ListObjectsV2 calls',
    'matched',
    'wall time of the poke',
    'of which outside ListObjectsV2'
  ]
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map(row => row[column].length))
  )
  const line = (cells: string[]) =>
    cells.map((text, column) => text.padEnd(widths[column])).join('  ')
  console.log(line(header))
  for (const row of rows) console.log(line(row))
} finally {
  await moto.stop()
}
