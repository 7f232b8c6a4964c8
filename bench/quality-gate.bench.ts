// Benchmark: the quality gate against a year of metrics documents in moto S3 — how long it
// takes to list the partitions, read the date's document and the 30 earlier ones its change
// rules ask for, and evaluate 200 rules. Prints figures; asserts nothing.
// `npm run bench -- quality` (DATES=<n> RULES=<n> LAST=<k> to try other sizes).
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { performance } from 'node:perf_hooks'
import { createS3Client } from '../src/core/aws-clients.js'
import { silentLogger } from '../src/core/log.js'
import { runQualityGate } from '../src/quality/gate.js'
import { S3MetricsStore } from '../src/quality/metrics-store.js'
import { parseRules } from '../src/quality/rules.js'
import { startMoto } from '../local/src/moto.js'

const DATES = Number(process.env.DATES ?? 365)
const RULES = Number(process.env.RULES ?? 200)
const LAST = Number(process.env.LAST ?? 30)

const dayOf = (offset: number): string =>
  new Date(Date.UTC(2024, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10)

const columns = Array.from({ length: RULES / 2 }, (_, index) => `column_${index}`)
const rulesText = [
  'dataset: events',
  'rules:',
  ...columns.map(column => `  - missing_count: { column: ${column}, max: 100 }`),
  ...columns.map(
    column =>
      `  - change: { metric: missing_count(${column}), last: ${LAST}, min_delta: -50, max_delta: 50 }`
  )
].join('\n')
const ruleSet = parseRules(rulesText, 'events.yml')

function metricsDocument(logicalDate: string, offset: number): string {
  const metrics: Record<string, { kind: string; value: number }> = {
    row_count: { kind: 'row_count', value: 1_000_000 }
  }
  for (const column of columns) {
    metrics[`missing_count(${column})`] = { kind: 'missing_count', value: offset % 40 }
  }
  return JSON.stringify({
    schema_version: 1,
    dataset: 'events',
    logical_date: logicalDate,
    generated_at: `${logicalDate}T03:00:00.000Z`,
    row_count: 1_000_000,
    columns: Object.fromEntries(columns.map(column => [column, 'string'])),
    metrics
  })
}

const moto = await startMoto()
try {
  const client = createS3Client({
    region: 'us-east-1',
    endpoint: moto.endpoint,
    maxAttempts: 3
  })
  await client.send(new CreateBucketCommand({ Bucket: 'lake' }))
  const loadStart = performance.now()
  for (let offset = 0; offset < DATES; offset += 16) {
    await Promise.all(
      Array.from({ length: Math.min(16, DATES - offset) }, (_, index) => {
        const day = dayOf(offset + index)
        return client.send(
          new PutObjectCommand({
            Bucket: 'lake',
            Key: `quality/metrics/events/date=${day}/metrics.json`,
            Body: metricsDocument(day, offset + index)
          })
        )
      })
    )
  }
  console.log(
    `loaded ${DATES} metrics documents (${RULES / 2} metrics each) in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`
  )

  const store = new S3MetricsStore(client, 'lake', 'quality/metrics')
  for (const round of [1, 2, 3]) {
    const start = performance.now()
    const outcome = await runQualityGate({
      ruleSet,
      logicalDate: dayOf(DATES - 1),
      historyDepth: Math.max(LAST, 1),
      missingHistory: 'warn',
      failOn: 'error',
      writeResults: false,
      store,
      logger: silentLogger
    })
    const ms = performance.now() - start
    console.log(
      `round ${round}: ${RULES} rules, ${outcome.results.history_dates.length} earlier dates read, ` +
        `${outcome.results.failed} failed, ${outcome.results.warnings} warnings: ${ms.toFixed(0)} ms`
    )
  }
} finally {
  await moto.stop()
}
