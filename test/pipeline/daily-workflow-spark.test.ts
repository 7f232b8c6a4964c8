import { spawnSync } from 'node:child_process'
import { appendFileSync, mkdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client
} from '@aws-sdk/client-s3'
import { parquetReadObjects } from 'hyparquet'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLocalEmrServerless, type LocalEmrServerless } from '../../src/local-emr/service.js'
import { LocalGitHubStore } from '../../src/runner/local-github-store.js'
import { runWorkflowFile } from '../../src/runner/run.js'
import { readVarsFile } from '../../src/runner/vars-file.js'
import { loadFolderIntoBucket } from '../../scripts/lib/lake-folder.js'
import {
  awsTestEnv,
  localAwsEnv,
  projectRoot,
  startMoto,
  type Moto
} from '../../scripts/lib/moto.js'
import { tempDir } from '../support/temp.js'

// The real workflow files through the local runner on real Spark, in one lake, in the order a
// team lives them: a 3-day backfill, a re-run of the latest date, a day whose data breaks an
// error-severity rule, and a re-run of an older date that the ingest job refuses. The actions
// are the bundles in dist/, S3 is moto, EMR Serverless is the local one (spark-submit).
const BUCKET = 'data-lake'
const vars = readVarsFile(path.join(projectRoot, '.github', 'local-vars.env'), true)

let moto: Moto
let emr: LocalEmrServerless
let s3: S3Client
const github = new LocalGitHubStore('local/spark-pipeline-actions', 'http://localhost')

async function run(
  workflowFile: string,
  inputs: Record<string, string>,
  extraVars: Record<string, string> = {}
): Promise<{ exitCode: number; output: string; jobs: Record<string, string> }> {
  let output = ''
  const result = await runWorkflowFile({
    workflowFile,
    workspace: projectRoot,
    event: 'workflow_dispatch',
    inputs,
    vars: { ...vars, ...extraVars },
    secrets: {},
    github,
    strict: true,
    verbose: false,
    maxParallel: 2,
    dryRun: false,
    hostEnv: { ...process.env, ...localAwsEnv(moto.endpoint, emr) },
    write: text => (output += text)
  })
  const jobs = Object.fromEntries(result.rows.map(row => [row.id, row.state]))
  return { exitCode: result.exitCode, output, jobs }
}

async function keys(prefix: string): Promise<string[]> {
  const found: string[] = []
  let token: string | undefined
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token })
    )
    found.push(...(page.Contents ?? []).map(object => object.Key!))
    token = page.NextContinuationToken
  } while (token)
  return found
}

/**
 * The rows of a partition's Parquet files, whatever Spark named them, in a stable order.
 * Not their bytes: parquet-mr lists a column's encodings in hash-set order, so two writes of
 * the same rows can differ in the footer.
 */
async function partitionRows(prefix: string): Promise<string[]> {
  const rows: string[] = []
  for (const key of (await keys(prefix)).filter(name => name.endsWith('.parquet'))) {
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))
    const bytes = await object.Body!.transformToByteArray()
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
    for (const row of await parquetReadObjects({ file: file as ArrayBuffer })) {
      rows.push(
        JSON.stringify(row, (_key, value: unknown) =>
          typeof value === 'bigint' ? String(value) : value
        )
      )
    }
  }
  return rows.sort()
}

beforeAll(async () => {
  const work = tempDir('daily-workflow-spark')
  const bronze = path.join(work, 'lake', 'bronze', 'customers')
  mkdirSync(bronze, { recursive: true })
  const generated = spawnSync(
    path.join(projectRoot, '.venv', 'bin', 'python'),
    ['jobs/generate_cdc.py', '--start', '2026-01-01', '--end', '2026-01-04', '--output', bronze],
    { cwd: projectRoot, encoding: 'utf8' }
  )
  expect(generated.status, generated.stderr).toBe(0)
  // 2026-01-04: one new customer whose country is a name, not an ISO code, which the
  // error-severity rule "country is ISO 3166-1 alpha-2" refuses.
  appendFileSync(
    path.join(bronze, 'date=2026-01-04', 'part-00000.json'),
    JSON.stringify({
      op: 'I',
      change_seq: 7_349_999_999,
      change_ts: '2026-01-04T23:00:00.000Z',
      customer_id: 'C09999999',
      first_name: 'Ana',
      last_name: 'Berg',
      email: 'ana.berg.9999999@example.com',
      phone: '+49 490 0000',
      country: 'Deutschland',
      segment: 'consumer',
      status: 'active',
      lifetime_value: 10.5,
      created_at: '2026-01-04T23:00:00.000Z',
      updated_at: '2026-01-04T23:00:00.000Z'
    }) + '\n'
  )
  moto = await startMoto()
  s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true })
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }))
  await loadFolderIntoBucket(s3, BUCKET, path.join(work, 'lake'))
  rmSync(path.join(work, 'lake'), { recursive: true, force: true })
  emr = await startLocalEmrServerless({
    s3Endpoint: moto.endpoint,
    workDir: path.join(work, 'emr'),
    env: { ...process.env, ...awsTestEnv }
  })
}, 300_000)

afterAll(async () => {
  await emr?.stop()
  s3?.destroy()
  await moto?.stop()
})

describe(
  'the daily workflow on real Spark through the local runner',
  { timeout: 1_800_000 },
  () => {
    let goldOfTheThird: string[] = []

    it('backfills a 3-day range: the backfill workflow calls the daily one per date, oldest first', async () => {
      const backfill = await run('.github/workflows/backfill.yml', {
        start: '2026-01-01',
        end: '2026-01-03'
      })
      expect(backfill.exitCode, backfill.output.slice(-6000)).toBe(0)
      expect(backfill.jobs).toMatchObject({ plan: 'success', run: 'success' })
      for (const date of ['2026-01-01', '2026-01-02', '2026-01-03']) {
        // Each matrix leg ran the daily workflow's jobs, down to the aggregates.
        expect(backfill.output).toMatch(
          new RegExp(`● run \\(${date}\\) / compute-aggregates\\b.*: passed`)
        )
        expect(await keys(`gold/customer_summary/date=${date}/`)).toContain(
          `gold/customer_summary/date=${date}/_SUCCESS`
        )
      }
      // max-parallel 1: each date's ingest ran after the previous date's had succeeded.
      const ingests = [
        ...backfill.output.matchAll(/SPARK JOB DAILY-CUSTOMER-ETL\/INGEST-CDC\/(\S+): SUCCESS/g)
      ].map(match => match[1])
      expect(ingests).toEqual(['2026-01-01', '2026-01-02', '2026-01-03'])
      goldOfTheThird = await partitionRows('gold/customer_summary/date=2026-01-03/')
      expect(goldOfTheThird.length).toBeGreaterThan(10)
    })

    it('re-running the latest date gives identical gold', async () => {
      const rerun = await run('.github/workflows/daily-customer-etl.yml', {
        date: '2026-01-03',
        notify: 'true'
      })
      expect(rerun.exitCode, rerun.output.slice(-6000)).toBe(0)
      expect(await partitionRows('gold/customer_summary/date=2026-01-03/')).toEqual(goldOfTheThird)
    })

    it('a day that breaks an error-severity rule: the gate fails, aggregates are skipped, notify opens the issue', async () => {
      const bad = await run('.github/workflows/daily-customer-etl.yml', {
        date: '2026-01-04',
        notify: 'true'
      })
      expect(bad.exitCode).toBe(1)
      expect(bad.jobs).toMatchObject({
        'resolve-date': 'success',
        'wait-for-data': 'success',
        'ingest-cdc': 'success',
        'validate-data-quality': 'failure',
        'compute-aggregates': 'skipped',
        notify: 'success'
      })
      expect(bad.output).toContain('DATA QUALITY: CUSTOMERS 2026-01-04 ❌ FAILED')
      expect(bad.output).toMatch(/country is ISO 3166-1 alpha-2 +1 invalid/)
      expect(await keys('gold/customer_summary/date=2026-01-04/')).toEqual([])
      const open = github.issues.filter(issue => issue.state === 'open')
      expect(open).toHaveLength(1)
      expect(open[0].body).toContain('2026-01-04')
      expect(open[0].body).toContain('validate-data-quality')
      expect(open[0].body).toContain('country is ISO 3166-1 alpha-2')
      expect(bad.output).toContain(`local GitHub API: opened issue #${open[0].number}`)
    })

    it('a Spark job that fails: the driver stderr tail, read from the S3 log layout, is in the output', async () => {
      // Silver already holds later dates: the ingest job refuses to rewrite 2026-01-02 alone.
      const refused = await run(
        '.github/workflows/daily-customer-etl.yml',
        { date: '2026-01-02', notify: 'true' },
        { EMR_RETRIES: '0' }
      )
      expect(refused.exitCode).toBe(1)
      expect(refused.jobs).toMatchObject({
        'ingest-cdc': 'failure',
        'validate-data-quality': 'skipped',
        'compute-aggregates': 'skipped',
        notify: 'success'
      })
      expect(refused.output).toContain('SPARK JOB DAILY-CUSTOMER-ETL/INGEST-CDC/2026-01-02: FAILED')
      expect(refused.output).toMatch(
        /Driver stderr of job run \S+ \(last \d+ lines of s3:\/\/data-lake\/_logs\/applications\/00localspark0001\/jobs\/\S+\/SPARK_DRIVER\/stderr\.gz\)/
      )
      expect(refused.output).toContain('re-running 2026-01-02 alone would leave them stale')
      // The failure streak goes on in the open issue, as a comment.
      expect(github.issues.filter(issue => issue.state === 'open')).toHaveLength(1)
      expect(refused.output).toMatch(/local GitHub API: commented on issue #1/)
    })
  }
)
