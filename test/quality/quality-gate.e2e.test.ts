import {
  CreateBucketCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client
} from '@aws-sdk/client-s3'
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, realpathSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsTestEnv, projectRoot, startMoto, venvPython, type Moto } from '../support/moto.js'
import { runAction } from '../support/run-action.js'
import { tempDir } from '../support/temp.js'
import { present } from '../support/present.js'
import { prepareCustomersRules } from './rules-repo.js'

/**
 * The whole path as the pipeline runs it: the gate's prepare mode writes the normalised rules
 * JSON of quality/customers.yml, the data-quality Spark job (local PySpark) computes from it
 * the metrics documents for five days of silver customers data (the last day has known
 * problems), the documents go to S3 (moto), and the bundled gate runs as the runner runs it.
 */

const BUCKET = 'lake'
const METRICS_ROOT = `s3://${BUCKET}/quality/metrics`
const GOOD_DAY = '2024-03-04'
const BAD_DAY = '2024-03-05'

let moto: Moto
let s3: S3Client
let lake: string
let rulesJson: string

function javaEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  if (!env.JAVA_HOME) {
    const java = execFileSync('sh', ['-c', 'command -v java'], { encoding: 'utf8' }).trim()
    env.JAVA_HOME = path.dirname(path.dirname(realpathSync(java)))
  }
  return env
}

function runJob(day: string): void {
  // spark-submit would pass these with --conf; plain python takes them from the environment.
  execFileSync(
    venvPython,
    [
      'jobs/data_quality.py',
      '--input',
      path.join(lake, 'silver', 'customers'),
      '--rules',
      rulesJson,
      '--date',
      day,
      '--metrics-root',
      path.join(lake, 'quality', 'metrics')
    ],
    {
      cwd: projectRoot,
      env: {
        ...javaEnv(),
        PYSPARK_SUBMIT_ARGS:
          '--master local[2] --conf spark.sql.shuffle.partitions=2 --conf spark.ui.enabled=false pyspark-shell'
      },
      stdio: 'pipe'
    }
  )
}

async function gate(day: string, inputs: Record<string, string> = {}) {
  return runAction('quality-gate', {
    inputs: {
      rules: 'quality/customers.yml',
      'metrics-root': METRICS_ROOT,
      'logical-date': day,
      ...inputs
    },
    env: { ...awsTestEnv, AWS_ENDPOINT_URL_S3: moto.endpoint }
  })
}

async function readS3(key: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))
  return object.Body!.transformToString()
}

beforeAll(async () => {
  moto = await startMoto()
  s3 = new S3Client({ endpoint: moto.endpoint, forcePathStyle: true, region: 'us-east-1' })
  lake = tempDir('quality-lake')
  rulesJson = prepareCustomersRules(lake)
  // Silver data for 2024-03-01..05 and the job for the three history days (one JVM) ...
  execFileSync(
    venvPython,
    [
      'test/quality/make_lake.py',
      lake,
      rulesJson,
      '2024-03-01',
      '5',
      BAD_DAY,
      '2024-03-01',
      '2024-03-02',
      '2024-03-03'
    ],
    { cwd: projectRoot, env: javaEnv(), stdio: 'pipe' }
  )
  // ... and the job as its own process, as the Spark step runs it, for the two checked days.
  runJob(GOOD_DAY)
  runJob(BAD_DAY)
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }))
  const metrics = path.join(lake, 'quality', 'metrics', 'customers')
  for (const folder of readdirSync(metrics)) {
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: `quality/metrics/customers/${folder}/metrics.json`,
        Body: readFileSync(path.join(metrics, folder, 'metrics.json'))
      })
    )
  }
}, 600_000)

afterAll(async () => {
  await moto?.stop()
})

const annotations = (stdout: string, kind: 'error' | 'warning'): string[] =>
  stdout.split('\n').filter(line => line.startsWith(`::${kind}::`))

describe('quality gate on metrics from the Spark job, in S3', () => {
  it('passes a good day, with the change rule lacking history as a warning', async () => {
    const run = await gate(GOOD_DAY, { 'write-results': 'true' })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.outputs).toMatchObject({ passed: 'true', failed: '0', warnings: '1' })
    const results = JSON.parse(present(run.outputs.results, 'the results output'))
    expect(results).toMatchObject({ dataset: 'customers', logical_date: GOOD_DAY, passed: true })
    expect(results.history_dates).toEqual(['2024-03-03', '2024-03-02', '2024-03-01'])
    expect(results.results).toHaveLength(19)
    expect(annotations(run.stdout, 'error')).toEqual([])
    expect(annotations(run.stdout, 'warning')).toEqual([
      '::warning::volume in line with the last week: only 3 of 7 earlier dates have row_count (avg 41): not compared (missing-history: warn) (expected ratio >= 0.8 and ratio <= 1.5 vs avg of last 7)'
    ])
    expect(run.summary).toContain('### Data quality: customers 2024-03-04 ✅ passed')
    expect(run.summary).toContain('| rule | value | bound | status |')
    expect(run.summary).toContain('| snapshot is not empty | 43 | >= 1 | ✅ pass |')
    expect(run.summary).toContain(
      '| customers never shrink much | 43 vs max 42 (ratio 1.024, change +1) | ratio >= 0.5 vs max of last 3 | ✅ pass |'
    )
    expect(run.summary).toContain(
      '| silver schema | 14 columns match | 14 columns with types | ✅ pass |'
    )
    const written = JSON.parse(
      await readS3(`quality/metrics/customers/date=${GOOD_DAY}/results.json`)
    )
    expect(written).toEqual(results)
  })

  it('fails a bad day, one annotation per failing rule', async () => {
    const run = await gate(BAD_DAY)
    expect(run.code).toBe(1)
    expect(run.outputs).toMatchObject({ passed: 'false', failed: '6', warnings: '1' })
    const failing = annotations(run.stdout, 'error')
    expect(failing).toEqual([
      '::error::emails mostly present: 11.364%25 of rows (5 of 44) without email (expected <= 2%25)',
      '::error::one row per customer: 3 duplicate rows of customer_id (3 keys repeat) (expected <= 0)',
      '::error::known statuses: 1 values of status not in active, inactive, churned (expected <= 0 invalid)',
      '::error::lifetime value not negative: 2 values of lifetime_value outside [0, ∞] (expected <= 0 invalid)',
      '::error::country is ISO 3166-1 alpha-2: 1 values of country not matching ^[A-Z]{2}$ (expected <= 0 invalid)',
      '::error::changes are recent: newest updated_at is 2024-02-29T04:40:00.000Z, 5d 19h 20m before the end of 2024-03-05 (expected age <= 2d)',
      '::error::Data quality gate failed for customers 2024-03-05: 6 failed, 1 warnings (fail-on: error): emails mostly present, one row per customer, known statuses, lifetime value not negative, country is ISO 3166-1 alpha-2, … (6)'
    ])
    expect(run.summary).toContain('### Data quality: customers 2024-03-05 ❌ failed')
    // `<` as an entity: a bound is text, never the start of an HTML tag.
    expect(run.summary).toContain('| one row per customer | 3 | &lt;= 0 | ❌ fail |')
    expect(run.summary).toContain(
      '| emails mostly present | 11.364% (5 of 44) | &lt;= 2% | ❌ fail |'
    )
    expect(run.summary).toContain(
      '| email shared by few customers | 3 | &lt;= 5 | ✅ pass · warn rule |'
    )
    // results.json is written only when asked
    await expect(readS3(`quality/metrics/customers/date=${BAD_DAY}/results.json`)).rejects.toThrow()
  })

  it('fails the good day on its warning with fail-on: warn', async () => {
    const run = await gate(GOOD_DAY, { 'fail-on': 'warn' })
    expect(run.code).toBe(1)
    expect(run.outputs).toMatchObject({ passed: 'false', failed: '0', warnings: '1' })
  })

  it('fails with one line on a document copied under another date', async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'quality/metrics/customers/date=2024-03-07/metrics.json',
        Body: await readS3(`quality/metrics/customers/date=${GOOD_DAY}/metrics.json`)
      })
    )
    const run = await gate('2024-03-07')
    expect(run.code).toBe(1)
    expect(annotations(run.stdout, 'error')).toEqual([
      `::error::Metrics document s3://lake/quality/metrics/customers/date=2024-03-07/metrics.json: it is for logical date "${GOOD_DAY}", expected 2024-03-07`
    ])
  })

  it('fails with one line when the day has no document', async () => {
    const run = await gate('2024-03-20')
    expect(run.code).toBe(1)
    expect(annotations(run.stdout, 'error')).toEqual([
      '::error::Metrics document s3://lake/quality/metrics/customers/date=2024-03-20/metrics.json not found (did the data-quality job run for 2024-03-20?)'
    ])
    expect(run.outputs).toEqual({})
  })

  it('fails with the rules file line before any request on a bad rules file', async () => {
    const run = await gate(GOOD_DAY, { rules: 'test/fixtures/quality/bad-negative-k.yml' })
    expect(run.code).toBe(1)
    expect(annotations(run.stdout, 'error')).toEqual([
      "::error::test/fixtures/quality/bad-negative-k.yml: rule 2 'volume steady' (change): 'last' must be a whole number of 1 or more, got -3"
    ])
  })
})
