import { spawnSync } from 'node:child_process'
import { appendFileSync, mkdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client
} from '@aws-sdk/client-s3'
import { parquetReadObjects } from 'hyparquet'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  startLocalEmrServerless,
  type LocalEmrServerless
} from '../../local/src/emr-serverless/service.js'
import { LocalGitHubStore } from '../../local/src/runner/local-github-store.js'
import { runWorkflowFile, type RunResult } from '../../local/src/runner/run.js'
import { readVarsFile } from '../../local/src/runner/vars-file.js'
import { loadFolderIntoBucket } from '../../local/src/lake-folder.js'
import { awsTestEnv, localAwsEnv, projectRoot, startMoto, type Moto } from '../../local/src/moto.js'
import { LocalGitHub } from '../notify/local-github.js'
import { runAction } from '../support/run-action.js'
import { tempDir } from '../support/temp.js'
import { group } from '../../src/core/regex.js'

// The real workflow files through the local runner on real Spark, in one lake, in the order a
// team lives them: a 3-day backfill, a forced re-run of the latest date, a second trigger of a
// completed date, a scheduled catch-up after two dropped nights, the backup schedule after it,
// a lake from before the ledger, a day whose data breaks an error-severity rule (blocked), the
// next night stopping at it, and a date forced past a gap that the ingest job refuses. The
// actions are the bundles in dist/, S3 is moto, EMR Serverless is the local one.
const BUCKET = 'data-lake'
const DAILY = '.github/workflows/daily-customer-etl.yml'
const vars = readVarsFile(path.join(projectRoot, '.github', 'local-vars.env'), true)

let moto: Moto
let emr: LocalEmrServerless
let s3: S3Client
const github = new LocalGitHubStore('local/spark-pipeline-actions', 'http://localhost')
/** Every job run the local EMR Serverless started, by name, in order. */
const sparkRuns: string[] = []

interface Run {
  exitCode: number
  output: string
  jobs: Record<string, string>
  result: RunResult
  /** The job runs this run started. */
  spark: string[]
}

async function run(
  workflowFile: string,
  how: { inputs?: Record<string, string>; schedule?: string; eventTime?: string }
): Promise<Run> {
  let output = ''
  const before = sparkRuns.length
  const result = await runWorkflowFile({
    workflowFile,
    workspace: projectRoot,
    event: how.inputs ? 'workflow_dispatch' : 'schedule',
    inputs: how.inputs ?? {},
    ...(how.eventTime ? { eventTime: new Date(how.eventTime) } : {}),
    ...(how.schedule ? { schedule: how.schedule } : {}),
    vars,
    secrets: {},
    github,
    strict: true,
    verbose: false,
    maxParallel: 2,
    dryRun: false,
    hostEnv: { ...process.env, ...localAwsEnv(moto.endpoint, emr) },
    write: text => (output += text)
  })
  // Every job, those of the called workflows included, as the runner's closing table has it.
  const table = output.slice(output.lastIndexOf('── Jobs ──'))
  const jobs = Object.fromEntries(
    [...table.matchAll(/^(\S.*?) {2,}(passed|failed|skipped|cancelled)\b/gm)].map(match => [
      group(match, 1),
      { passed: 'success', failed: 'failure' }[group(match, 2)] ?? group(match, 2)
    ])
  )
  return { exitCode: result.exitCode, output, jobs, result, spark: sparkRuns.slice(before) }
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

async function ledger(date: string): Promise<Record<string, unknown> | undefined> {
  try {
    const object = await s3.send(
      new GetObjectCommand({
        Bucket: BUCKET,
        Key: `_pipeline/dates/daily-customer-etl/${date}.json`
      })
    )
    return JSON.parse(await object.Body!.transformToString()) as Record<string, unknown>
  } catch {
    return undefined
  }
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

/** The date tags of silver, from the Hadoop catalog's newest metadata file in the lake. */
async function silverTags(): Promise<string[]> {
  const metadata = (await keys('silver/customers/metadata/'))
    .filter(key => key.endsWith('.metadata.json'))
    .sort(
      (a, b) => Number(/v(\d+)\.metadata/.exec(a)?.[1]) - Number(/v(\d+)\.metadata/.exec(b)?.[1])
    )
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: metadata.at(-1)! }))
  const table = JSON.parse(await object.Body!.transformToString()) as {
    refs?: Record<string, { type: string }>
  }
  return Object.entries(table.refs ?? {})
    .filter(([, ref]) => ref.type === 'tag')
    .map(([name]) => name)
    .sort()
}

beforeAll(async () => {
  const work = tempDir('daily-workflow-spark')
  const bronze = path.join(work, 'lake', 'bronze', 'customers')
  mkdirSync(bronze, { recursive: true })
  const generated = spawnSync(
    path.join(projectRoot, '.venv', 'bin', 'python'),
    [
      'local/sample-data/generate_cdc.py',
      '--start',
      '2026-01-01',
      '--end',
      '2026-01-09',
      '--output',
      bronze
    ],
    { cwd: projectRoot, encoding: 'utf8' }
  )
  expect(generated.status, generated.stderr).toBe(0)
  // 2026-01-07: one new customer whose country is a name, not an ISO code, which the
  // error-severity rule "country is ISO 3166-1 alpha-2" refuses.
  appendFileSync(
    path.join(bronze, 'date=2026-01-07', 'part-00000.json'),
    JSON.stringify({
      op: 'I',
      change_seq: 7_349_999_999,
      change_ts: '2026-01-07T23:00:00.000Z',
      customer_id: 'C09999999',
      first_name: 'Ana',
      last_name: 'Berg',
      email: 'ana.berg.9999999@example.com',
      phone: '+49 490 0000',
      country: 'Deutschland',
      segment: 'consumer',
      status: 'active',
      lifetime_value: 10.5,
      created_at: '2026-01-07T23:00:00.000Z',
      updated_at: '2026-01-07T23:00:00.000Z'
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
    // The local default: the job runs in the application's warm Spark driver.
    warm: true,
    env: { ...process.env, ...awsTestEnv },
    onJobRunState: change => {
      if (change.state === 'SUBMITTED') sparkRuns.push(change.name ?? change.jobRunId)
    }
  })
}, 300_000)

afterAll(async () => {
  await emr?.stop()
  s3?.destroy()
  await moto?.stop()
})

describe(
  'the daily workflow on real Spark through the local runner: every date exactly once',
  { timeout: 1_800_000 },
  () => {
    let goldOfTheThird: string[] = []

    it('backfills a 3-day range: the backfill workflow calls the daily one per date, oldest first', async () => {
      const backfill = await run('.github/workflows/backfill.yml', {
        inputs: { start: '2026-01-01', end: '2026-01-03' }
      })
      expect(backfill.exitCode, backfill.output.slice(-6000)).toBe(0)
      expect(backfill.jobs).toMatchObject({ plan: 'success', run: 'success' })
      for (const date of ['2026-01-01', '2026-01-02', '2026-01-03']) {
        expect(backfill.output).toMatch(
          new RegExp(`● run \\(${date}\\) / day-1 / compute-aggregates\\b.*: passed`)
        )
        expect(await keys(`gold/customer_summary/date=${date}/`)).toContain(
          `gold/customer_summary/date=${date}/_SUCCESS`
        )
        expect(await ledger(date)).toMatchObject({ state: 'completed', logical_date: date })
      }
      // max-parallel 1: each date's ingest ran after the previous date's had succeeded.
      expect(backfill.spark.filter(name => name.includes('/ingest-cdc/'))).toEqual([
        'daily-customer-etl/ingest-cdc/2026-01-01',
        'daily-customer-etl/ingest-cdc/2026-01-02',
        'daily-customer-etl/ingest-cdc/2026-01-03'
      ])
      goldOfTheThird = await partitionRows('gold/customer_summary/date=2026-01-03/')
      expect(goldOfTheThird.length).toBeGreaterThan(10)
    })

    it('a completed date dispatched again ends in seconds: no Spark job, the run that completed it named', async () => {
      const again = await run(DAILY, { inputs: { date: '2026-01-03', notify: 'true' } })
      expect(again.exitCode).toBe(0)
      expect(again.spark).toEqual([])
      expect(again.output).toMatch(
        /plan │ 2026-01-03 was completed by local run \d+ at \S+; nothing to do \(force: true processes it again\)/
      )
      expect(again.jobs).toMatchObject({ 'day-1': 'skipped', report: 'success' })
    })

    it('force re-runs the latest date on purpose and gives identical gold', async () => {
      const rerun = await run(DAILY, { inputs: { date: '2026-01-03', force: 'true' } })
      expect(rerun.exitCode, rerun.output.slice(-6000)).toBe(0)
      expect(rerun.spark).toHaveLength(3)
      expect(await partitionRows('gold/customer_summary/date=2026-01-03/')).toEqual(goldOfTheThird)
    })

    it('one scheduled run after two dropped nights ingests every owed date in order, each through gold', async () => {
      const catchUp = await run(DAILY, { eventTime: '2026-01-07T02:07:00Z' })
      expect(catchUp.exitCode, catchUp.output.slice(-6000)).toBe(0)
      expect(catchUp.output).toContain(
        'plan │ 2026-01-04, 2026-01-05 and 2026-01-06 (3 dates) (the last completed is 2026-01-03)'
      )
      expect(catchUp.spark).toEqual(
        ['2026-01-04', '2026-01-05', '2026-01-06'].flatMap(date => [
          `daily-customer-etl/ingest-cdc/${date}`,
          `daily-customer-etl/data-quality-metrics/${date}`,
          `daily-customer-etl/compute-aggregates/${date}`
        ])
      )
      expect(await silverTags()).toEqual(
        ['01', '02', '03', '04', '05', '06'].map(day => `ds-2026-01-${day}`)
      )
      for (const date of ['2026-01-04', '2026-01-05', '2026-01-06']) {
        expect(await keys(`gold/customer_summary/date=${date}/`)).toContain(
          `gold/customer_summary/date=${date}/_SUCCESS`
        )
        expect(await ledger(date)).toMatchObject({ state: 'completed' })
      }
      expect(catchUp.jobs).toMatchObject({
        'day-1': 'success',
        'day-2': 'success',
        'day-3': 'success',
        'day-4': 'skipped',
        report: 'success'
      })
      expect(catchUp.output).toContain(
        'report │ ✅ daily-customer-etl completed for 2026-01-04 … 2026-01-06'
      )
    })

    it('the backup schedule right after ends without a Spark job or a sensor wait', async () => {
      const backup = await run(DAILY, {
        eventTime: '2026-01-07T04:17:00Z',
        schedule: '17 4 * * *'
      })
      expect(backup.exitCode).toBe(0)
      expect(backup.spark).toEqual([])
      expect(backup.output).not.toContain('wait-for-data')
      expect(backup.output).toMatch(
        /plan │ 2026-01-06 was completed by local run \d+ at \S+; nothing to do/
      )
    })

    it('a lake from before the ledger is caught up from its last real date, not from the beginning', async () => {
      const entries = await keys('_pipeline/dates/')
      expect(entries).toHaveLength(6)
      for (const key of entries)
        await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }))
      const upgraded = await run(DAILY, { eventTime: '2026-01-07T04:17:00Z' })
      expect(upgraded.exitCode).toBe(0)
      expect(upgraded.spark).toEqual([])
      expect(upgraded.output).toContain(
        "plan │ 2026-01-06 was completed before this pipeline kept its ledger (its last task's run record and output say so); nothing to do"
      )
    })

    it('a day that breaks an error-severity rule is blocked: the gate fails, no aggregates, notify opens the issue', async () => {
      const bad = await run(DAILY, { eventTime: '2026-01-08T02:07:00Z' })
      expect(bad.exitCode).toBe(1)
      expect(bad.spark).toEqual([
        'daily-customer-etl/ingest-cdc/2026-01-07',
        'daily-customer-etl/data-quality-metrics/2026-01-07'
      ])
      expect(bad.jobs).toMatchObject({
        'day-1 / validate-data-quality': 'failure',
        'day-1 / compute-aggregates': 'skipped',
        'day-1 / finish': 'failure',
        report: 'failure'
      })
      expect(bad.output).toContain('DATA QUALITY: CUSTOMERS 2026-01-07 ❌ FAILED')
      expect(bad.output).toMatch(/country is ISO 3166-1 alpha-2 +1 invalid/)
      expect(await keys('gold/customer_summary/date=2026-01-07/')).toEqual([])
      expect(await ledger('2026-01-07')).toMatchObject({
        state: 'blocked',
        kind: 'quality',
        task: 'validate-data-quality',
        // A local run has no page to link: named, never linked to github.com.
        run: { local: true }
      })
      expect((await ledger('2026-01-07'))?.run).not.toHaveProperty('url')
      const open = github.issues.filter(issue => issue.state === 'open')
      expect(open).toHaveLength(1)
      expect(open[0]?.body).toContain('2026-01-07')
      expect(open[0]?.body).toContain('country is ISO 3166-1 alpha-2')
      expect(open[0]?.body).toMatch(/\| run \| local run \d+ \|/)
      expect(open[0]?.body).not.toContain('github.com')
      expect(bad.output).not.toMatch(/https:\/\/github\.com\/[^ ]*\/actions\/runs\//)
      expect(bad.output).toContain(`local GitHub API: opened issue #${open[0]?.number}`)
    })

    it('the next night stops at the blocked date: no Spark job, and the issue is not told twice', async () => {
      const next = await run(DAILY, { eventTime: '2026-01-09T02:07:00Z' })
      expect(next.exitCode).toBe(1)
      expect(next.spark).toEqual([])
      expect(next.output).toMatch(
        /plan │ 2026-01-07 is blocked since \S+ \(quality, validate-data-quality: /
      )
      const open = github.issues.filter(issue => issue.state === 'open')
      expect(open).toHaveLength(1)
      expect(open[0]?.comments).toEqual([])
      expect(next.output).toContain('already tells of this (blocked 2026-01-07): not again')
    })

    it('a date forced past a gap that the ingest refuses: one Spark job run, not submitted again, not re-run by auto-retry', async () => {
      // Silver holds 2026-01-07 (its gate failed after the ingest); 2026-01-08 is in bronze but
      // not ingested, so the ingest refuses 2026-01-09 although force passed the ledger's gap.
      const refused = await run(DAILY, {
        inputs: { date: '2026-01-09', force: 'true', notify: 'true' }
      })
      expect(refused.exitCode).toBe(1)
      expect(refused.spark).toEqual(['daily-customer-etl/ingest-cdc/2026-01-09'])
      expect(refused.output).toContain('SPARK JOB DAILY-CUSTOMER-ETL/INGEST-CDC/2026-01-09: FAILED')
      expect(refused.output).toMatch(
        /Driver stderr of job run \S+ \(last \d+ lines of s3:\/\/data-lake\/_logs\/applications\/00localspark0001\/jobs\/\S+\/SPARK_DRIVER\/stderr\.gz\)/
      )
      expect(refused.output).toContain(
        'cdc_ingest: refused: bronze has changes for 2026-01-08 that silver has not applied'
      )
      expect(refused.output).toContain('(exit code 65 is in no-retry-exit-codes')
      expect(await ledger('2026-01-09')).toMatchObject({ state: 'blocked', kind: 'refusal' })
      // The failure streak goes on in the open issue, as a comment.
      expect(github.issues.filter(issue => issue.state === 'open')).toHaveLength(1)
      expect(refused.output).toMatch(/local GitHub API: commented on issue #1/)

      // auto-retry on this run, as GitHub would show it: its failed jobs and their annotations.
      const api = new LocalGitHub('auto-retry-token')
      await api.start()
      try {
        api.runs.set(4242, {
          id: 4242,
          name: 'Daily customer ETL',
          path: '.github/workflows/daily-customer-etl.yml',
          event: 'workflow_dispatch',
          status: 'completed',
          conclusion: 'failure',
          run_attempt: 1,
          created_at: new Date().toISOString()
        })
        api.jobs.set(
          4242,
          (refused.result.jobs ?? []).map(job => ({
            id: job.id,
            name: job.name,
            conclusion: job.conclusion,
            steps: [],
            annotations: job.annotations
          }))
        )
        const retry = await runAction('auto-retry', {
          inputs: {
            'github-token': 'auto-retry-token',
            'run-id': '4242',
            workflow: 'daily-customer-etl.yml',
            'retry-delay': '0s'
          },
          env: { GITHUB_API_URL: api.url, GITHUB_REPOSITORY: api.repository },
          timeoutMs: 60_000
        })
        expect(retry.code, retry.stdout).toBe(0)
        expect(retry.outputs.retried).toBe('false')
        expect(retry.outputs.reason).toMatch(/^not retried: .*2026-01-09 is blocked \(refusal\)/)
        expect(api.calls()).not.toContain(
          'POST /repos/example/pipeline/actions/runs/4242/rerun-failed-jobs'
        )
      } finally {
        await api.stop()
      }
    })
  }
)
