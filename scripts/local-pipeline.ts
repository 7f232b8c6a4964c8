/**
 * `npm run pipeline`: the real .github/workflows/daily-customer-etl.yml, run by the local
 * workflow runner (local/src/runner) with the real action bundles, once per date, oldest first,
 * against a local S3 (moto) and the local EMR Serverless (local/src/emr-serverless), on generated
 * sample CDC data. Nothing here stands in for a step of the workflow: what runs is the file.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import { spawnSync } from 'node:child_process'
import { formatDuration } from '../src/core/duration.js'
import { cancelOnInterrupt } from '../local/src/runner/process.js'
import { runIdentity } from '../local/src/runner/github-context.js'
import { LocalGitHubStore } from '../local/src/runner/local-github-store.js'
import { runWorkflowFile } from '../local/src/runner/run.js'
import { readVarsFile } from '../local/src/runner/vars-file.js'
import {
  DEFAULT_APPLICATION,
  startLocalEmrServerless,
  type JobRunStateChange
} from '../local/src/emr-serverless/service.js'
import { cachedJarPaths, defaultJarCacheDir } from '../local/src/emr-serverless/jar-cache.js'
import { localCredentials } from '../local/src/service-guard.js'
import { loadFolderIntoBucket, saveBucketToFolder } from '../local/src/lake-folder.js'
import { buildLocalDashboard } from './lib/local-dashboard.js'
import { awsTestEnv, localAwsEnv, projectRoot, startMoto } from '../local/src/moto.js'
import { pipelineArgsOrExit } from './lib/pipeline-args.js'

const WORKFLOW = '.github/workflows/daily-customer-etl.yml'
const VARS_FILE = path.join(projectRoot, '.github', 'local-vars.env')

const args = pipelineArgsOrExit(process.argv.slice(2), projectRoot)

function fail(message: string): never {
  console.error(`pipeline: ${message}`)
  process.exit(1)
}

const { lake, dates } = args
const vars = readVarsFile(VARS_FILE, true)
const bucket =
  vars.DATA_LAKE_BUCKET ||
  fail(`${path.relative(projectRoot, VARS_FILE)}: DATA_LAKE_BUCKET is not set`)
try {
  cachedJarPaths(defaultJarCacheDir(projectRoot))
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)} (npm run setup:jars)`)
}

const bronze = path.join(lake, 'bronze', 'customers')
const marker = (date: string): string => path.join(bronze, `date=${date}`, '_SUCCESS')

/** Sample CDC data for the dates that have none yet; a date already there is kept as it is. */
function generateMissingDates(): void {
  const missing = dates.filter(date => !existsSync(marker(date)))
  if (missing.length === 0) return
  const scratch = mkdtempSync(path.join(tmpdir(), 'pipeline-sample-'))
  try {
    console.log(
      `pipeline: generating sample CDC data for ${missing.length} date(s) (scale ${args.scale}, seed ${args.seed})`
    )
    const generated = spawnSync(
      path.join(projectRoot, '.venv', 'bin', 'python'),
      [
        'local/sample-data/generate_cdc.py',
        '--start',
        // pipelineArgsOrExit gives at least one date.
        dates[0]!,
        '--end',
        dates.at(-1)!,
        '--output',
        scratch,
        '--seed',
        String(args.seed),
        '--scale',
        String(args.scale)
      ],
      { cwd: projectRoot, stdio: ['ignore', 'inherit', 'inherit'] }
    )
    if (generated.status !== 0) fail('generating the sample CDC data failed (see above)')
    for (const date of missing) {
      const folder = path.join(scratch, `date=${date}`)
      if (existsSync(folder)) cpSync(folder, path.join(bronze, `date=${date}`), { recursive: true })
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

interface DateResult {
  date: string
  exitCode: number
  /** How the report job saw the date: success, failure or skipped (completed already). */
  status: string
  jobs: { id: string; state: string; duration: string }[]
}

/**
 * Each job run of the local EMR Serverless, from its state changes: how long its
 * spark-submit process lived (the Spark time of the run) and how it ended.
 */
class SparkRuns {
  private readonly runs = new Map<
    string,
    { name: string; state: string; start: number; end?: number }
  >()
  record(change: JobRunStateChange): void {
    const now = performance.now()
    let run = this.runs.get(change.jobRunId)
    if (!run) {
      run = { name: change.name ?? '', state: change.state, start: now }
      this.runs.set(change.jobRunId, run)
    }
    run.state = change.state
    if (['SUCCESS', 'FAILED', 'CANCELLED'].includes(change.state)) run.end ??= now
  }
  totalMs(): number {
    let total = 0
    for (const run of this.runs.values()) total += (run.end ?? performance.now()) - run.start
    return total
  }
  get count(): number {
    return this.runs.size
  }
  /** Each job run's time from SUBMITTED to its end, in the order they were submitted. */
  durations(): { name: string; state: string; ms: number }[] {
    return [...this.runs.values()].map(run => ({
      name: run.name,
      state: run.state,
      ms: (run.end ?? performance.now()) - run.start
    }))
  }
  /** One line per job run, in the order they were submitted. */
  lines(): string[] {
    const width = Math.max(0, ...[...this.runs.values()].map(run => run.name.length))
    return [...this.runs].map(
      ([id, run]) =>
        `${id}  ${run.name.padEnd(width)}  ${run.state.padEnd(9)}  ${formatDuration(Math.round((run.end ?? performance.now()) - run.start))}`
    )
  }
}
const sparkTimes = new SparkRuns()
/** How long the runner took for each date's run of the workflow (for the bench). */
const runnerMs: number[] = []

async function main(): Promise<number> {
  const started = performance.now()
  if (args.fresh) rmSync(lake, { recursive: true, force: true })
  mkdirSync(lake, { recursive: true })
  generateMissingDates()

  // This run's credentials: the local S3 and EMR Serverless accept no others, and only the
  // workflow's steps (and this script) are given them.
  const credentials = localCredentials()
  const moto = await startMoto({ accessKeyId: credentials.accessKeyId })
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: moto.endpoint,
    forcePathStyle: true,
    credentials
  })
  // The runs' scratch space; their driver logs are kept in the lake (<EMR_LOG_URI>).
  const workDir = mkdtempSync(path.join(tmpdir(), 'pipeline-emr-'))
  const emr = await startLocalEmrServerless({
    s3Endpoint: moto.endpoint,
    workDir,
    credentials,
    warm: !args.cold,
    // Started with the service, as an application with pre-initialised capacity is kept
    // running: its warm driver starts up while the runner plans, claims and senses.
    applications: [{ ...DEFAULT_APPLICATION, state: 'STARTED' }],
    env: { ...process.env, ...awsTestEnv },
    ...(args.verbose ? { log: line => console.log(`  [local EMR Serverless] ${line}`) } : {}),
    onJobRunState: change => sparkTimes.record(change)
  })
  const { cancel, force, release } = cancelOnInterrupt(text => process.stdout.write(text))
  const results: DateResult[] = []
  // One repository's issues for every date: a failure opens notify's issue, a later date
  // that passes closes it, as the streak goes on GitHub.
  const github = new LocalGitHubStore(
    runIdentity(projectRoot, process.env).repository,
    'http://localhost'
  )
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }))
    const loaded = await loadFolderIntoBucket(s3, bucket, lake)
    console.log(
      `pipeline: ${dates.length} date(s) ${dates[0]} … ${dates.at(-1)} through ${WORKFLOW}\n` +
        `  local S3 ${moto.endpoint}: s3://${bucket} loaded from ${path.relative(projectRoot, lake)} (${loaded} objects)\n` +
        `  local EMR Serverless ${emr.endpoint}: application ${emr.applications[0]?.id}\n` +
        '  notify: against the local GitHub API stand-in (issues kept for this run only)'
    )
    for (const date of dates) {
      console.log(`\n━━ ${date} ━━`)
      const runStarted = performance.now()
      const result = await runWorkflowFile({
        workflowFile: WORKFLOW,
        workspace: projectRoot,
        event: 'workflow_dispatch',
        inputs: { date, notify: 'true', force: args.force ? 'true' : 'false' },
        vars,
        secrets: {},
        github,
        strict: true,
        verbose: args.verbose,
        maxParallel: 2,
        dryRun: false,
        hostEnv: { ...process.env, ...localAwsEnv(moto.endpoint, emr) },
        write: text => process.stdout.write(text),
        cancel,
        force
      })
      runnerMs.push(performance.now() - runStarted)
      results.push({
        date,
        exitCode: result.exitCode,
        status: result.outcome?.jobs.report?.outputs.status ?? '',
        // The date jobs the plan left unused are not news.
        jobs: result.rows
          .filter(row => !(/^day-\d+$/.test(row.id) && row.state === 'skipped'))
          .map(row => ({
            id: row.id,
            state: row.state,
            duration: row.durationMs === undefined ? '' : formatDuration(row.durationMs)
          }))
      })
      // Dates run in order, as backfill runs them: a later date builds on this one's silver.
      if (result.exitCode !== 0) break
    }
  } finally {
    release()
    await emr.stop()
    rmSync(workDir, { recursive: true, force: true })
    try {
      const saved = await saveBucketToFolder(s3, bucket, lake)
      console.log(
        `\npipeline: lake saved to ${path.relative(projectRoot, lake)} (${saved} objects)`
      )
    } finally {
      s3.destroy()
      await moto.stop()
    }
  }

  console.log('\n| date | result | jobs |\n| --- | --- | --- |')
  for (const result of results) {
    const jobs = result.jobs.map(
      job => `${job.id} ${job.state}${job.duration ? ` ${job.duration}` : ''}`
    )
    const how =
      result.exitCode !== 0
        ? 'FAILED'
        : result.status === 'skipped'
          ? 'completed already (skipped; --force runs it again)'
          : 'passed'
    console.log(`| ${result.date} | ${how} | ${jobs.join(', ')} |`)
  }
  if (sparkTimes.count > 0) {
    console.log('\nSpark job runs (local EMR Serverless):')
    for (const line of sparkTimes.lines()) console.log(`  ${line}`)
  }
  const open = github.issues.filter(issue => issue.state === 'open')
  for (const issue of open) console.log(`open issue #${issue.number}: ${issue.title}`)
  const skipped = dates.slice(results.length)
  if (skipped.length) console.log(`not run (an earlier date failed): ${skipped.join(', ')}`)
  const gold = path.join(lake, 'gold', 'customer_summary')
  if (existsSync(gold)) console.log(`gold: ${path.relative(projectRoot, gold)}`)
  const totalMs = performance.now() - started
  console.log(
    `time: ${formatDuration(Math.round(totalMs))} in all, ${formatDuration(Math.round(sparkTimes.totalMs()))} of it in ${sparkTimes.count} Spark job run(s)`
  )
  await printDashboard()
  if (args.timings) {
    writeFileSync(
      args.timings,
      JSON.stringify({
        totalMs,
        sparkMs: sparkTimes.totalMs(),
        jobRuns: sparkTimes.count,
        jobRunTimes: sparkTimes.durations(),
        runnerMs,
        skipped: results.filter(result => result.status === 'skipped').length
      })
    )
  }
  return results.length === dates.length && results.every(r => r.exitCode === 0) ? 0 : 1
}

/** The runs' dashboard, built from the records the run left in the lake; never fails the run. */
async function printDashboard(): Promise<void> {
  try {
    const quiet = { info: () => undefined, debug: () => undefined, group: () => undefined }
    const warn = (message: string): void => console.log(`dashboard: ${message}`)
    const outcome = await buildLocalDashboard(lake, path.join(projectRoot, '.work', 'dashboard'), {
      ...quiet,
      warning: warn,
      error: warn
    })
    if (outcome) console.log(`dashboard: ${path.relative(projectRoot, outcome.html)}`)
  } catch (error) {
    console.log(`dashboard: not built: ${error instanceof Error ? error.message : String(error)}`)
  }
}

process.exit(await main())
