import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import {
  CreateApplicationCommand,
  EMRServerlessClient,
  StartJobRunCommand
} from '@aws-sdk/client-emr-serverless'
import {
  CreateBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client
} from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsTestEnv, startMoto, type Moto } from '../support/moto.js'
import { runAction, type ActionRun } from '../support/run-action.js'
import { isGetJobRun, isStartJobRun, startFaultProxy, type Fault } from './fault-proxy.js'
import { present } from '../support/present.js'

/** A value as an error line shows it: cut at 80 characters (long temp paths are). */
const shownValue = (value: string): string =>
  value.length <= 80 ? value : `${value.slice(0, 79)}…`

/**
 * The bundled action (dist/spark-job, dist/spark-job-post) run as the runner runs it, against
 * moto's EMR Serverless and S3. test/support/harness_emr.py scripts each run's states over
 * time, since moto's own runs are SUCCESS at once.
 */

interface HarnessRun {
  id: string
  name: string
  state: string
  clientToken: string
  tags: Record<string, string>
  jobDriver: {
    sparkSubmit: {
      entryPoint: string
      entryPointArguments?: string[]
      sparkSubmitParameters?: string
    }
  }
  configurationOverrides?: {
    applicationConfiguration?: unknown[]
    monitoringConfiguration?: { s3MonitoringConfiguration?: { logUri?: string } }
  }
  cancelCalls: number
}
type Step = [string, number | null]
interface RunScript {
  steps: Step[]
  stateDetails?: string
  billed?: Record<string, number>
}

const ROLE = 'arn:aws:iam::123456789012:role/emr-serverless-job'
let moto: Moto
let emr: EMRServerlessClient
let s3: S3Client
let workspace: string

beforeAll(async () => {
  moto = await startMoto()
  emr = new EMRServerlessClient({ region: 'us-east-1', endpoint: moto.endpoint })
  s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true })
  for (const bucket of ['staging', 'logs', 'scripts'])
    await s3.send(new CreateBucketCommand({ Bucket: bucket }))
  workspace = mkdtempSync(path.join(tmpdir(), 'spark-job-repo-'))
  mkdirSync(path.join(workspace, 'jobs'))
  writeFileSync(path.join(workspace, 'jobs', 'cdc_ingest.py'), 'print("cdc ingest")\n')
})

afterAll(async () => {
  await moto?.stop()
  if (workspace) rmSync(workspace, { recursive: true, force: true })
})

async function newApplication(
  name = `etl-${Math.random().toString(36).slice(2, 8)}`
): Promise<string> {
  const { applicationId } = await emr.send(
    new CreateApplicationCommand({ name, releaseLabel: 'emr-7.1.0', type: 'SPARK' })
  )
  return applicationId!
}

async function runsOn(applicationId: string): Promise<HarnessRun[]> {
  return (await moto.control<{ runs: HarnessRun[] }>('emr/runs', { applicationId })).runs
}

/** The application's first run; the test fails, naming it, when there is none. */
async function firstRun(applicationId: string): Promise<HarnessRun> {
  return present((await runsOn(applicationId))[0], `a job run on ${applicationId}`)
}

async function script(...runs: RunScript[]): Promise<void> {
  await moto.control('emr/script-next-runs', { runs })
}

/** Resolves once the action has polled a run (GetJobRun) again, after the call. */
async function nextPoll(jobRunId: string): Promise<void> {
  const polls = async () => (await moto.control<Record<string, number>>('emr/calls')).GetJobRun ?? 0
  const before = await polls()
  for (const deadline = Date.now() + 60_000; (await polls()) === before;) {
    if (Date.now() > deadline) throw new Error(`job run ${jobRunId} was not polled`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

/**
 * Re-scripts a run once the action has polled it again, so the state the run is in now has
 * been seen before it moves on, whatever the machine's speed.
 */
async function moveAfterPoll(applicationId: string, jobRunId: string, next: RunScript) {
  await nextPoll(jobRunId)
  await moto.control('emr/script-run', { applicationId, jobRunId, ...next })
}

/** Polls until the application has `count` runs (the action started them). */
async function waitForRuns(
  applicationId: string,
  count = 1,
  timeoutMs = 15_000
): Promise<[HarnessRun, ...HarnessRun[]]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const [first, ...rest] = await runsOn(applicationId)
    if (first && rest.length + 1 >= count) return [first, ...rest]
    if (Date.now() > deadline)
      throw new Error(`no run ${count} on ${applicationId} within ${timeoutMs} ms`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

function inputsFor(
  applicationId: string,
  extra: Record<string, string> = {}
): Record<string, string> {
  return {
    application: applicationId,
    'execution-role-arn': ROLE,
    'entry-point': 'jobs/cdc_ingest.py',
    'entry-point-arguments': [
      '--date',
      '2026-01-01',
      '--source',
      's3://data-lake/bronze/customers',
      '--target',
      's3://data-lake/silver/customers'
    ].join('\n'),
    'spark-conf': 'spark.sql.adaptive.enabled=true\nspark.sql.shuffle.partitions=400',
    'staging-uri': 's3://staging/spark',
    'log-uri': 's3://logs/emr',
    pipeline: 'daily-customer-etl',
    task: 'ingest-cdc',
    'logical-date': '2026-01-01',
    'poll-interval-min': '100ms',
    'poll-interval-max': '300ms',
    'wait-timeout': '60s',
    endpoint: moto.endpoint,
    ...extra
  }
}

function run(
  bundle: string,
  inputs: Record<string, string>,
  more: Parameters<typeof runAction>[1] = {}
) {
  return runAction(bundle, {
    inputs,
    env: { ...awsTestEnv },
    cwd: workspace,
    timeoutMs: 60_000,
    ...more
  })
}

function errorLines(result: ActionRun): string[] {
  return result.stdout.split('\n').filter(line => line.startsWith('::error::'))
}

describe('spark-job action against moto', () => {
  it('submits the seed ingest task, waits through QUEUED and RUNNING to SUCCESS, and reports', async () => {
    const app = await newApplication()
    // Each state lasts until the action has polled it, so none is missed on a slow machine.
    await script({ steps: [['SUBMITTED', null]] })
    const action = run('spark-job', inputsFor(app))
    const [started] = await waitForRuns(app)
    for (const state of ['QUEUED', 'RUNNING'])
      await moveAfterPoll(app, started.id, { steps: [[state, null]] })
    await moveAfterPoll(app, started.id, {
      steps: [['SUCCESS', null]],
      billed: { vCPUHour: 1.25, memoryGBHour: 5.5, storageGBHour: 0.75 }
    })
    const result = await action
    expect(result.code, result.stdout + result.stderr).toBe(0)

    const jobRun = await firstRun(app)
    expect(await runsOn(app)).toHaveLength(1)
    expect(jobRun.name).toBe('daily-customer-etl/ingest-cdc/2026-01-01')
    expect(jobRun.jobDriver.sparkSubmit.entryPoint).toMatch(
      /^s3:\/\/staging\/spark\/[0-9a-f]{64}\/cdc_ingest\.py$/
    )
    expect(jobRun.jobDriver.sparkSubmit.entryPointArguments).toEqual([
      '--date',
      '2026-01-01',
      '--source',
      's3://data-lake/bronze/customers',
      '--target',
      's3://data-lake/silver/customers'
    ])
    expect(jobRun.jobDriver.sparkSubmit.sparkSubmitParameters).toBe(
      '--conf spark.sql.adaptive.enabled=true --conf spark.sql.shuffle.partitions=400'
    )
    expect(
      jobRun.configurationOverrides?.monitoringConfiguration?.s3MonitoringConfiguration?.logUri
    ).toBe('s3://logs/emr/')
    expect(jobRun.tags).toMatchObject({
      'github:repository': 'example/pipeline',
      'github:workflow': 'daily-customer-etl',
      'github:run-id': '1000',
      'github:run-attempt': '1',
      'github:sha': '0123456789abcdef0123456789abcdef01234567',
      task: 'ingest-cdc',
      'logical-date': '2026-01-01'
    })

    expect(result.outputs).toMatchObject({
      'job-run-id': jobRun.id,
      state: 'SUCCESS',
      attempts: '1',
      'vcpu-hours': '1.25',
      'memory-gb-hours': '5.5',
      'storage-gb-hours': '0.75'
    })
    expect(Number(result.outputs['duration-seconds'])).toBeGreaterThanOrEqual(0)
    expect(result.outputs['dashboard-url']).toContain(jobRun.id)
    // Each state change is logged once, not once per poll.
    for (const state of ['SUBMITTED', 'QUEUED', 'RUNNING', 'SUCCESS']) {
      expect(result.stdout.split(`Job run ${jobRun.id}: ${state}`).length - 1, state).toBe(1)
    }
    expect(result.summary).toContain(
      'Spark job `daily-customer-etl/ingest-cdc/2026-01-01`: SUCCESS'
    )
    expect(result.summary).toContain(jobRun.id)
    expect(result.summary).toContain('| Billed vCPU-hours | 1.25 |')
    expect(result.summary).toContain('[Spark UI](https://')
    expect(result.state).toMatchObject({
      'job-run-id': jobRun.id,
      'application-id': app,
      finished: 'true'
    })

    // The staged file is reused, not uploaded again, by the next run of the same commit.
    await script({ steps: [['SUCCESS', null]] })
    const again = await run('spark-job', inputsFor(app, { 'logical-date': '2026-01-02' }))
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('jobs/cdc_ingest.py is already staged at s3://staging/spark/')
    const staged = await s3.send(new ListObjectsV2Command({ Bucket: 'staging', Prefix: 'spark/' }))
    expect(
      (staged.Contents ?? []).filter(object => object.Key?.endsWith('/cdc_ingest.py'))
    ).toHaveLength(1)
  })

  it('stages repository files for --files and --py-files and passes S3 ones as they are', async () => {
    const app = await newApplication()
    writeFileSync(path.join(workspace, 'jobs', 'customers.rules.yml'), 'rules: []\n')
    writeFileSync(path.join(workspace, 'jobs', 'helpers.py'), 'X = 1\n')
    await script({ steps: [['SUCCESS', null]] })
    const result = await run(
      'spark-job',
      inputsFor(app, {
        files: 'jobs/customers.rules.yml\ns3://scripts/lookup.csv',
        'py-files': 'jobs/helpers.py',
        'spark-submit-parameters': '--conf spark.executor.cores=4'
      })
    )
    expect(result.code, result.stdout).toBe(0)
    const jobRun = await firstRun(app)
    expect(jobRun.jobDriver.sparkSubmit.sparkSubmitParameters).toMatch(
      /^--conf spark\.sql\.adaptive\.enabled=true --conf spark\.sql\.shuffle\.partitions=400 --files s3:\/\/staging\/spark\/[0-9a-f]{64}\/customers\.rules\.yml,s3:\/\/scripts\/lookup\.csv --py-files s3:\/\/staging\/spark\/[0-9a-f]{64}\/helpers\.py --conf spark\.executor\.cores=4$/
    )
  })

  it('a spark-conf value with spaces reaches the run whole, as a spark-defaults property', async () => {
    const app = await newApplication()
    await script({ steps: [['SUCCESS', null]] })
    const javaOptions = '-Dlog4j2.level=warn -Duser.timezone=UTC'
    const result = await run(
      'spark-job',
      inputsFor(app, {
        'spark-conf': `spark.sql.shuffle.partitions=400\nspark.driver.extraJavaOptions=${javaOptions}`
      })
    )
    expect(result.code, result.stdout).toBe(0)
    const jobRun = await firstRun(app)
    expect(jobRun.jobDriver.sparkSubmit.sparkSubmitParameters).toBe(
      '--conf spark.sql.shuffle.partitions=400'
    )
    expect(jobRun.configurationOverrides?.applicationConfiguration).toEqual([
      {
        classification: 'spark-defaults',
        properties: { 'spark.driver.extraJavaOptions': javaOptions }
      }
    ])
    expect(
      jobRun.configurationOverrides?.monitoringConfiguration?.s3MonitoringConfiguration?.logUri
    ).toBe('s3://logs/emr/')
  })

  it('resolves an application name to its ID and starts a STOPPED application first', async () => {
    const name = `by-name-${Math.random().toString(36).slice(2, 8)}`
    const app = await newApplication(name)
    await moto.control('emr/application-state', { applicationId: app, state: 'STOPPED' })
    await script({ steps: [['SUCCESS', null]] })
    const result = await run('spark-job', inputsFor(name))
    expect(result.code, result.stdout).toBe(0)
    expect(result.stdout).toContain(`Application ${app} is STOPPED: starting it`)
    expect(await runsOn(app)).toHaveLength(1)
  })

  it('fails a FAILED run with its stateDetails and the driver stderr and stdout tails from the S3 log layout', async () => {
    const app = await newApplication()
    // The run fails only once its logs are in place, however long uploading them takes.
    await script({ steps: [['SUBMITTED', null]] })
    const action = run('spark-job', inputsFor(app))
    const [jobRun] = await waitForRuns(app)
    const driver = `emr/applications/${app}/jobs/${jobRun.id}/SPARK_DRIVER`
    // Log lines are data: one shaped like a workflow command must reach the log inert.
    const injected = '::error::a log line that looks like a workflow command'
    const stderr = Array.from({ length: 80 }, (_, index) => `log line ${index + 1}`)
      .concat([
        injected,
        'Traceback (most recent call last):',
        'pyspark.errors.exceptions.captured.AnalysisException: [PATH_NOT_FOUND] Path does not exist: s3://data-lake/bronze/customers/date=2026-01-01.'
      ])
      .join('\n')
    await s3.send(
      new PutObjectCommand({ Bucket: 'logs', Key: `${driver}/stderr.gz`, Body: gzipSync(stderr) })
    )
    await s3.send(
      new PutObjectCommand({
        Bucket: 'logs',
        Key: `${driver}/stdout.gz`,
        Body: gzipSync('reading bronze partition\n')
      })
    )
    await moveAfterPoll(app, jobRun.id, {
      steps: [['FAILED', null]],
      stateDetails:
        'Job failed, please check complete logs in configured logging destination. ExitCode: 1.'
    })
    const result = await action

    expect(result.code).toBe(1)
    const errors = errorLines(result).filter(line => line !== injected)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(
      `Job run ${jobRun.id} ended FAILED: Job failed, please check complete logs`
    )
    const lines = result.stdout.split('\n')
    const at = lines.indexOf(injected)
    expect(at).toBeGreaterThan(0)
    const stop = lines
      .slice(0, at)
      .reverse()
      .find(line => line.startsWith('::stop-commands::'))
    expect(stop, 'commands are stopped before the log lines').toBeDefined()
    const resume = `::${stop!.slice('::stop-commands::'.length)}::`
    expect(lines.slice(at + 1), 'and resumed after them').toContain(resume)
    expect(result.stdout).toContain(
      `::group::Driver stderr of job run ${jobRun.id} (last 50 lines of s3://logs/${driver}/stderr.gz)`
    )
    expect(result.stdout).toContain('AnalysisException: [PATH_NOT_FOUND]')
    expect(result.stdout).toContain('reading bronze partition')
    expect(result.stdout).not.toContain('log line 30\n')
    expect(result.stdout).toContain('log line 80')
    expect(result.outputs.state).toBe('FAILED')
    expect(result.summary).toContain('AnalysisException: [PATH_NOT_FOUND]')
    expect(result.summary).toContain('Driver stderr, attempt 1')
  })

  it('says plainly when a failed run has no driver log', async () => {
    const app = await newApplication()
    await script({ steps: [['FAILED', null]], stateDetails: 'Driver lost' })
    const result = await run('spark-job', inputsFor(app))
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(
      /Driver stderr: no stderr log at s3:\/\/logs\/emr\/applications\/.+\/SPARK_DRIVER\/stderr\.gz/
    )
    expect(errorLines(result)).toEqual([expect.stringContaining('ended FAILED: Driver lost')])
  })

  it('attaches to a run of the same name that is still going instead of starting a second one', async () => {
    const app = await newApplication()
    // The run goes on until the second step has seen it, however slow the machine.
    await script({ steps: [['RUNNING', null]] })
    const first = run('spark-job', inputsFor(app))
    const [original] = await waitForRuns(app)
    const listings = async () =>
      (await moto.control<Record<string, number>>('emr/calls')).ListJobRuns ?? 0
    const before = await listings()
    const attaching = run('spark-job', inputsFor(app))
    for (const deadline = Date.now() + 60_000; (await listings()) === before;) {
      if (Date.now() > deadline) throw new Error('the second step never listed the runs')
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    await moto.control('emr/script-run', {
      applicationId: app,
      jobRunId: original.id,
      steps: [['SUCCESS', null]]
    })
    const [second, firstResult] = await Promise.all([attaching, first])

    expect(second.code, second.stdout).toBe(0)
    expect(firstResult.code).toBe(0)
    expect(second.stdout).toContain(
      `Job run ${original.id} named daily-customer-etl/ingest-cdc/2026-01-01 is already RUNNING: attaching to it`
    )
    expect(second.outputs['job-run-id']).toBe(original.id)
    expect(await runsOn(app)).toHaveLength(1)
  })

  it('cancels the run within 5 s of SIGINT (workflow cancelled)', async () => {
    const app = await newApplication()
    await script({ steps: [['RUNNING', null]] })
    let kill: (signal: NodeJS.Signals) => void = () => undefined
    const action = run('spark-job', inputsFor(app), { onSpawn: send => (kill = send) })
    const [jobRun] = await waitForRuns(app)
    await nextPoll(jobRun.id)
    // Only SIGINT is sent, never the runner's SIGTERM or kill: the action must cancel the run
    // and exit on its own. Its CancelJobRun has a 5 s deadline (unit-tested in job-runs),
    // which keeps it inside the runner's 7.5 s window without this test reading a clock.
    kill('SIGINT')
    const result = await action
    const after = (await runsOn(app))[0]

    expect(after?.state).toBe('CANCELLED')
    expect(result.code).toBe(1)
    expect(errorLines(result)).toEqual([
      `::error::The workflow was cancelled; job run ${jobRun.id} was cancelled`
    ])
    expect(result.state.finished).toBe('true')
  })

  it('post step: cancels the run a killed main step left running, and leaves a finished one alone', async () => {
    const app = await newApplication()
    await script({ steps: [['RUNNING', null]] })
    let kill: (signal: NodeJS.Signals) => void = () => undefined
    const main = run('spark-job', inputsFor(app), { onSpawn: send => (kill = send) })
    const [jobRun] = await waitForRuns(app)
    // Polling means the step has saved the run's ID: the kill comes while it waits.
    await nextPoll(jobRun.id)
    kill('SIGKILL')
    const killed = await main
    expect(killed.signal).toBe('SIGKILL')
    expect(killed.state).toMatchObject({
      'job-run-id': jobRun.id,
      'application-id': app,
      finished: 'false'
    })
    expect((await firstRun(app)).state).toBe('RUNNING')

    const post = await run('spark-job-post', inputsFor(app), { state: killed.state })
    expect(post.code, post.stdout).toBe(0)
    expect(post.stdout).toContain(`The main step left job run ${jobRun.id} RUNNING: cancelling it`)
    expect((await firstRun(app)).state).toBe('CANCELLED')

    // After a main step that saw its run to the end, the post step does nothing.
    const other = await newApplication()
    await script({ steps: [['SUCCESS', null]] })
    const finished = await run('spark-job', inputsFor(other))
    expect(finished.code).toBe(0)
    const quiet = await run('spark-job-post', inputsFor(other), { state: finished.state })
    expect(quiet.code).toBe(0)
    expect((await firstRun(other)).cancelCalls).toBe(0)
  })

  it('post step: after a kill while StartJobRun is in flight, cancels the run the main step started by its name and client token, and no other', async () => {
    const app = await newApplication()
    await script({ steps: [['RUNNING', null]] })
    // Fault proxy: StartJobRun reaches moto, which starts the run, but its answer is held
    // back, so the main step is killed without ever learning the job run ID.
    const proxy = await startFaultProxy(moto.endpoint)
    proxy.decide = request => (isStartJobRun(request) ? 'hold-after' : undefined)
    try {
      let kill: (signal: NodeJS.Signals) => void = () => undefined
      const main = run('spark-job', inputsFor(app, { endpoint: proxy.endpoint }), {
        onSpawn: send => (kill = send)
      })
      const [started] = await waitForRuns(app)
      for (const deadline = Date.now() + 60_000; proxy.held === 0;) {
        if (Date.now() > deadline) throw new Error('moto never answered the held StartJobRun')
        await new Promise(resolve => setTimeout(resolve, 20))
      }
      kill('SIGKILL')
      const killed = await main
      expect(killed.signal).toBe('SIGKILL')
      expect(killed.state).toMatchObject({
        'application-id': app,
        'run-name': 'daily-customer-etl/ingest-cdc/2026-01-01',
        'client-token': started.clientToken,
        'job-run-id': '',
        finished: 'false'
      })
      expect(started.tags['spark-job:client-token']).toBe(started.clientToken)
      expect((await firstRun(app)).state).toBe('RUNNING')

      // Meanwhile another workflow run started a run of the same name: it is not ours.
      await script({ steps: [['RUNNING', null]] })
      const { jobRunId: otherId } = await emr.send(
        new StartJobRunCommand({
          applicationId: app,
          name: started.name,
          clientToken: 'another-workflow-run',
          executionRoleArn: ROLE,
          jobDriver: { sparkSubmit: { entryPoint: 's3://scripts/job.py' } },
          tags: { 'spark-job:client-token': 'another-workflow-run' }
        })
      )

      const post = await run('spark-job-post', inputsFor(app), { state: killed.state })
      expect(post.code, post.stdout + post.stderr).toBe(0)
      expect(post.stdout).toContain(
        `Job run ${started.id} is the one the main step started: cancelling it`
      )
      expect(post.stdout).toContain(
        `1 other run(s) named ${started.name} are going, started by another workflow run or attempt: left alone`
      )
      const runs = await runsOn(app)
      expect(runs.find(jobRun => jobRun.id === started.id)?.state).toBe('CANCELLED')
      expect(runs.find(jobRun => jobRun.id === otherId)).toMatchObject({
        state: 'RUNNING',
        cancelCalls: 0
      })
    } finally {
      await proxy.close()
    }
  })

  it('cancels the run and fails when the wait limit passes', async () => {
    const app = await newApplication()
    await script({ steps: [['RUNNING', null]] })
    const result = await run('spark-job', inputsFor(app, { 'wait-timeout': '1s' }))
    const jobRun = await firstRun(app)
    expect(jobRun.state).toBe('CANCELLED')
    expect(result.code).toBe(1)
    expect(errorLines(result)).toEqual([
      `::error::Job run ${jobRun.id} did not finish within wait-timeout (1s) and was cancelled (now CANCELLED)`
    ])
    expect(result.outputs.state).toBe('CANCELLED')
  })

  it('re-submits a failed run `retries` times with a fresh client token each, then fails', async () => {
    const app = await newApplication()
    const failing: RunScript = {
      steps: [
        ['RUNNING', 0.2],
        ['FAILED', null]
      ],
      stateDetails: 'ExitCode: 1'
    }
    await script(failing, failing, failing)
    const result = await run('spark-job', inputsFor(app, { retries: '2', 'retry-delay': '100ms' }))
    const runs = await runsOn(app)

    expect(runs).toHaveLength(3)
    expect(runs.map(jobRun => jobRun.state)).toEqual(['FAILED', 'FAILED', 'FAILED'])
    expect(new Set(runs.map(jobRun => jobRun.clientToken)).size).toBe(3)
    expect(result.code).toBe(1)
    expect(errorLines(result)).toEqual([
      `::error::Job run ${runs[2]?.id} ended FAILED: ExitCode: 1 (attempt 3 of 3)`
    ])
    expect(result.stdout).toContain(
      `Attempt 1 of 3 failed (job run ${runs[0]?.id}: ExitCode: 1); submitting again in 100ms`
    )
    expect(result.stdout).toContain(`Attempt 2 of 3 failed (job run ${runs[1]?.id}: ExitCode: 1)`)
    expect(result.outputs.attempts).toBe('3')
    for (const jobRun of runs) expect(result.summary).toContain(jobRun.id)
  })

  it('a run that exits with one of no-retry-exit-codes is not submitted again: a certain failure', async () => {
    const app = await newApplication()
    const refused: RunScript = {
      steps: [['FAILED', null]],
      // The sentence EMR Serverless writes for a driver that exited with an error.
      stateDetails:
        'Job failed, please check complete logs in configured logging destination. ExitCode: 65. Last few exceptions: none'
    }
    // One scripted run: a second one would be left for the next test's submission.
    await script(refused)
    const result = await run(
      'spark-job',
      inputsFor(app, { retries: '3', 'retry-delay': '100ms', 'no-retry-exit-codes': '65, 66' })
    )
    const runs = await runsOn(app)
    expect(runs).toHaveLength(1)
    expect(result.code).toBe(1)
    expect(result.outputs).toMatchObject({ attempts: '1', 'failure-kind': 'certain' })
    expect(result.outputs['state-details']).toContain('ExitCode: 65.')
    expect(errorLines(result)).toEqual([
      expect.stringContaining(
        'ExitCode: 65. Last few exceptions: none (exit code 65 is in no-retry-exit-codes: a refusal that no re-run changes, not submitted again)'
      )
    ])
  })

  it('a failure with another exit code, or none named, is transient and still re-submitted', async () => {
    const app = await newApplication()
    await script(
      { steps: [['FAILED', null]], stateDetails: 'ExitCode: 1' },
      { steps: [['FAILED', null]], stateDetails: 'Worker lost' }
    )
    const result = await run(
      'spark-job',
      inputsFor(app, { retries: '1', 'retry-delay': '100ms', 'no-retry-exit-codes': '65' })
    )
    expect(await runsOn(app)).toHaveLength(2)
    expect(result.code).toBe(1)
    expect(result.outputs).toMatchObject({ attempts: '2', 'failure-kind': 'transient' })
  })

  it('a retry that succeeds passes the step', async () => {
    const app = await newApplication()
    await script(
      { steps: [['FAILED', null]], stateDetails: 'ExitCode: 1' },
      { steps: [['SUCCESS', null]] }
    )
    const result = await run('spark-job', inputsFor(app, { retries: '3', 'retry-delay': '100ms' }))
    expect(result.code, result.stdout).toBe(0)
    expect(result.outputs).toMatchObject({ state: 'SUCCESS', attempts: '2' })
    expect(await runsOn(app)).toHaveLength(2)
  })

  it('fault injection (proxy): survives throttling and dropped connections during submit and polling, one run only', async () => {
    const app = await newApplication()
    // The run goes on until every fault has been injected; then the test lets it succeed.
    await script({
      steps: [
        ['SUBMITTED', 0.5],
        ['RUNNING', null]
      ]
    })
    const proxy = await startFaultProxy(moto.endpoint)
    let starts = 0
    let polls = 0
    const finishTheRun = async () => {
      const jobRun = await firstRun(app)
      await moto.control('emr/script-run', {
        applicationId: app,
        jobRunId: jobRun.id,
        steps: [['SUCCESS', null]]
      })
    }
    proxy.decide = request => {
      if (isStartJobRun(request)) {
        starts++
        // First a throttle, then a request that reaches moto but whose answer is lost.
        return (['throttle', 'drop-after'] as Fault[])[starts - 1]
      }
      if (isGetJobRun(request)) {
        polls++
        if (polls <= 3) return 'throttle'
        if (polls === 5 || polls === 6) return 'drop-before'
        if (polls === 8)
          finishTheRun().catch(error => console.error('could not finish the run', error))
      }
      return undefined
    }
    try {
      const result = await run('spark-job', inputsFor(app, { endpoint: proxy.endpoint }))
      expect(result.code, result.stdout + result.stderr).toBe(0)
      expect(
        proxy.requests.filter(request => request.fault === 'throttle').length
      ).toBeGreaterThanOrEqual(4)
      expect(proxy.requests.filter(request => request.fault === 'drop-after')).toHaveLength(1)
      expect(proxy.requests.filter(request => request.fault === 'drop-before')).toHaveLength(2)
      const runs = await runsOn(app)
      expect(runs).toHaveLength(1)
      expect(result.outputs).toMatchObject({ 'job-run-id': runs[0]?.id, state: 'SUCCESS' })
      expect(result.stdout).toContain(
        `The submission did reach the service: job run ${runs[0]?.id}`
      )
    } finally {
      await proxy.close()
    }
  })

  it('bad inputs: one line naming the input, exit 1, and no request sent', async () => {
    const proxy = await startFaultProxy(moto.endpoint)
    const base = inputsFor('etl', { endpoint: proxy.endpoint })
    const cases: [string, Record<string, string>][] = [
      ['application', { application: '' }],
      ['execution-role-arn', { 'execution-role-arn': '' }],
      ['execution-role-arn', { 'execution-role-arn': 'emr-serverless-job' }],
      ['entry-point', { 'entry-point': 'jobs/missing.py' }],
      ['configuration-overrides', { 'configuration-overrides': '{"monitoringConfiguration": ' }],
      [
        'spark-conf',
        { 'spark-conf': 'spark.sql.adaptive.enabled=true\nspark.sql.shuffle.partitions' }
      ],
      ['execution-timeout', { 'execution-timeout': '-5m' }],
      ['wait-timeout', { 'wait-timeout': '-1h' }],
      ['retries', { retries: '-1' }],
      ['no-retry-exit-codes', { 'no-retry-exit-codes': '65, x' }],
      ['no-retry-exit-codes', { 'no-retry-exit-codes': '256' }],
      ['poll-interval-max', { 'poll-interval-min': '10s', 'poll-interval-max': '2s' }]
    ]
    try {
      for (const [input, change] of cases) {
        const result = await run('spark-job', { ...base, ...change })
        expect(result.code, `${input}: ${result.stdout}`).toBe(1)
        const errors = errorLines(result)
        expect(errors, input).toHaveLength(1)
        expect(errors[0], input).toContain(`Input '${input}'`)
        expect(result.stdout + result.stderr, input).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m)
        expect(proxy.requests, `${input}: no request may be sent`).toEqual([])
      }
    } finally {
      await proxy.close()
    }
  })

  it('a repository file that leads outside the repository is refused, nothing staged or started', async () => {
    // The outside file exists: only where the path leads can refuse it.
    const outside = mkdtempSync(path.join(tmpdir(), 'spark-job-outside-'))
    writeFileSync(path.join(outside, 'job.py'), 'print("not from the repository")\n')
    symlinkSync(path.join(outside, 'job.py'), path.join(workspace, 'jobs', 'linked.py'))
    const relative = path.relative(workspace, path.join(outside, 'job.py'))
    const proxy = await startFaultProxy(moto.endpoint)
    const base = inputsFor('etl', { endpoint: proxy.endpoint })
    const cases: [string, string][] = [
      ['entry-point', relative],
      ['entry-point', path.join(outside, 'job.py')],
      ['py-files', 'jobs/linked.py'],
      ['files', relative]
    ]
    try {
      for (const [input, value] of cases) {
        const result = await run('spark-job', { ...base, [input]: value })
        expect(result.code, `${input}: ${result.stdout}`).toBe(1)
        expect(errorLines(result), input).toEqual([
          `::error::Input '${input}': expected an s3:// URI or a file inside the repository, but this path leads outside it, got '${shownValue(value)}'`
        ])
        expect(proxy.requests, `${input}: no request may be sent`).toEqual([])
      }
    } finally {
      await proxy.close()
      rmSync(outside, { recursive: true, force: true })
    }
  })

  it('with wait: false, submits and returns without cancelling it later', async () => {
    const app = await newApplication()
    await script({ steps: [['RUNNING', null]] })
    const result = await run('spark-job', inputsFor(app, { wait: 'false' }))
    expect(result.code, result.stdout).toBe(0)
    const jobRun = await firstRun(app)
    expect(result.outputs).toMatchObject({ 'job-run-id': jobRun.id, state: 'SUBMITTED' })
    const post = await run('spark-job-post', inputsFor(app), { state: result.state })
    expect(post.code).toBe(0)
    expect((await runsOn(app))[0]).toMatchObject({ state: 'RUNNING', cancelCalls: 0 })
  })
})
