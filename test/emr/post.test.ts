import {
  CancelJobRunCommand,
  EMRServerlessClient,
  EMRServerlessServiceException,
  GetApplicationCommand,
  GetDashboardForJobRunCommand,
  GetJobRunCommand,
  ListJobRunsCommand,
  StartJobRunCommand,
  type JobRun
} from '@aws-sdk/client-emr-serverless'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { mockClient } from 'aws-sdk-client-mock'
import { beforeEach, describe, expect, it } from 'vitest'
import { Inputs } from '../../src/core/inputs.js'
import { MemoryLogger } from '../../src/core/log.js'
import { MemoryState } from '../../src/core/state.js'
import { cancelRunLeftBehind } from '../../src/emr/post.js'
import { readSparkJobSettings } from '../../src/emr/settings.js'
import { runSparkJob } from '../../src/emr/spark-job.js'
import { FakeClock } from './support/fake-clock.js'
import { sparkJobSettings } from './support/spark-settings.js'
import { tempDir } from '../support/temp.js'

// aws-sdk-client-mock: the clients answer what each test scripts, including throttling and
// network errors that no local peer produces on demand.
const emr = mockClient(EMRServerlessClient)
const s3 = mockClient(S3Client)
beforeEach(() => {
  emr.reset()
  s3.reset()
})

const client = () => new EMRServerlessClient({ region: 'us-east-1' })

const jobRun = (state: string, extra: Partial<JobRun> = {}) => ({
  jobRun: { state, ...extra } as JobRun
})

describe('post step', () => {
  function state(values: Record<string, string>): MemoryState {
    const store = new MemoryState()
    for (const [name, value] of Object.entries(values)) store.save(name, value)
    return store
  }

  it('cancels a run the main step left going', async () => {
    emr.on(GetJobRunCommand).resolves(jobRun('RUNNING'))
    emr.on(CancelJobRunCommand).resolves({})
    const result = await cancelRunLeftBehind(
      state({ 'job-run-id': 'run1', 'application-id': 'app', finished: 'false' }),
      client,
      new MemoryLogger()
    )
    expect(result).toBe('cancelled')
    expect(emr.commandCalls(CancelJobRunCommand)[0]?.args[0].input).toEqual({
      applicationId: 'app',
      jobRunId: 'run1'
    })
  })

  it('does nothing without a run, for a finished run, or for a run that already ended', async () => {
    emr.on(GetJobRunCommand).resolves(jobRun('SUCCESS'))
    expect(await cancelRunLeftBehind(state({}), client, new MemoryLogger())).toBe('no-run')
    expect(
      await cancelRunLeftBehind(
        state({ 'job-run-id': 'r', 'application-id': 'a', finished: 'true' }),
        client,
        new MemoryLogger()
      )
    ).toBe('finished')
    expect(
      await cancelRunLeftBehind(
        state({ 'job-run-id': 'r', 'application-id': 'a', finished: 'false' }),
        client,
        new MemoryLogger()
      )
    ).toBe('already-ended')
    expect(emr.commandCalls(CancelJobRunCommand)).toHaveLength(0)
  })

  it('fault injection (client mock): a wait-timeout cancel that the service refused is left to the post step', async () => {
    emr.on(GetApplicationCommand).resolves({
      application: { applicationId: 'app', name: 'etl', state: 'STARTED' } as never
    })
    emr.on(ListJobRunsCommand).resolves({ jobRuns: [] })
    emr.on(StartJobRunCommand).resolves({ applicationId: 'app', jobRunId: 'run1', arn: 'arn' })
    emr.on(GetJobRunCommand).resolves(jobRun('RUNNING'))
    emr.on(GetDashboardForJobRunCommand).resolves({ url: 'https://ui' })
    emr
      .on(CancelJobRunCommand)
      .rejectsOnce(
        new EMRServerlessServiceException({
          name: 'AccessDeniedException',
          $fault: 'client',
          $metadata: { httpStatusCode: 403 },
          message: 'not now'
        })
      )
      .resolves({ applicationId: 'app', jobRunId: 'run1' })
    const raw: Record<string, string> = {
      application: 'app',
      'execution-role-arn': 'arn:aws:iam::123456789012:role/emr-serverless-job',
      'entry-point': 's3://scripts/job.py',
      'wait-timeout': '1m'
    }
    const settings = readSparkJobSettings(
      new Inputs(name => raw[name]),
      { AWS_REGION: 'us-east-1' },
      '/nonexistent'
    )
    const saved = new MemoryState()
    const outcome = await runSparkJob(settings, {
      emr: client(),
      emrSubmit: client(),
      s3: new S3Client({ region: 'us-east-1' }),
      logger: new MemoryLogger(),
      state: saved,
      clock: new FakeClock(),
      random: () => 0.5
    })
    expect(outcome.failure).toBe(
      'Job run run1 did not finish within wait-timeout (1m); cancelling it failed (the post step tries again)'
    )
    expect(saved.get('finished')).not.toBe('true')
    expect(await cancelRunLeftBehind(saved, client, new MemoryLogger())).toBe('cancelled')
    expect(emr.commandCalls(CancelJobRunCommand)).toHaveLength(2)
  })

  it('fault injection (client mocks): a workflow cancelled while files are staged starts no run', async () => {
    const controller = new AbortController()
    emr.on(GetApplicationCommand).resolves({
      application: { applicationId: 'app', name: 'etl', state: 'STARTED' } as never
    })
    emr.on(ListJobRunsCommand).resolves({ jobRuns: [] })
    emr.on(StartJobRunCommand).resolves({ applicationId: 'app', jobRunId: 'run1', arn: 'arn' })
    // The cancellation lands while the entry point is being staged.
    s3.on(HeadObjectCommand).callsFake(() => {
      controller.abort(new Error('received SIGINT'))
      return {}
    })
    const workspace = tempDir('spark-post')
    writeFileSync(path.join(workspace, 'job.py'), 'print(1)\n')
    const raw: Record<string, string> = {
      application: 'app',
      'execution-role-arn': 'arn:aws:iam::123456789012:role/emr-serverless-job',
      'entry-point': 'job.py',
      'staging-uri': 's3://staging/spark'
    }
    const settings = readSparkJobSettings(
      new Inputs(name => raw[name]),
      { AWS_REGION: 'us-east-1' },
      workspace
    )
    const saved = new MemoryState()
    await expect(
      runSparkJob(settings, {
        emr: client(),
        emrSubmit: client(),
        s3: new S3Client({ region: 'us-east-1' }),
        logger: new MemoryLogger(),
        state: saved,
        clock: new FakeClock(),
        signal: controller.signal
      })
    ).rejects.toThrow('The workflow was cancelled before a job run started; nothing to cancel')
    expect(emr.commandCalls(StartJobRunCommand)).toHaveLength(0)
    expect(saved.get('job-run-id')).toBe('')
  })
})

describe('post step: the main step died while StartJobRun was in flight', () => {
  const inFlight = () => {
    const store = new MemoryState()
    for (const [name, value] of Object.entries({
      'application-id': 'app',
      'run-name': 'daily/ingest/2026-01-01',
      'client-token': 'token-ours',
      'job-run-id': '',
      finished: 'false',
      'cancel-on-abort': 'true'
    }))
      store.save(name, value)
    return store
  }
  const summary = (id: string) => ({
    id,
    name: 'daily/ingest/2026-01-01',
    state: 'RUNNING',
    createdAt: new Date()
  })
  const tagged = (token: string) => jobRun('RUNNING', { tags: { 'spark-job:client-token': token } })

  /** The main step on a STARTED application with no runs, up to its StartJobRun. */
  function submitOnce(saved: MemoryState) {
    emr.on(GetApplicationCommand).resolves({
      application: { applicationId: 'app', name: 'etl', state: 'STARTED' } as never
    })
    emr.on(ListJobRunsCommand).resolves({ jobRuns: [] })
    const emrClient = client()
    return runSparkJob(sparkJobSettings({ name: 'daily/ingest/2026-01-01' }), {
      state: saved,
      newClientToken: () => 'token-1',
      clock: new FakeClock(),
      logger: new MemoryLogger(),
      emr: emrClient,
      emrSubmit: emrClient,
      s3: new S3Client({ region: 'us-east-1' })
    })
  }

  it('client mock: a run that is listed only at the second look is still found and cancelled; a run of another token is not', async () => {
    emr
      .on(ListJobRunsCommand)
      .resolvesOnce({ jobRuns: [summary('theirs')] } as never)
      .resolves({ jobRuns: [summary('ours'), summary('theirs')] } as never)
    emr.on(GetJobRunCommand, { jobRunId: 'ours' }).resolves(tagged('token-ours'))
    emr.on(GetJobRunCommand, { jobRunId: 'theirs' }).resolves(tagged('token-theirs'))
    emr.on(CancelJobRunCommand).resolves({})
    const sleeps: number[] = []
    const logger = new MemoryLogger()
    const result = await cancelRunLeftBehind(inFlight(), client, logger, {
      sleep: async ms => void sleeps.push(ms)
    })
    expect(result).toBe('cancelled')
    expect(sleeps).toEqual([2000])
    expect(emr.commandCalls(CancelJobRunCommand).map(call => call.args[0].input)).toEqual([
      { applicationId: 'app', jobRunId: 'ours' }
    ])
    expect(logger.lines).toContainEqual(
      expect.stringContaining('Job run ours is the one the main step started: cancelling it')
    )
  })

  it('client mock: no run with its token after every look: nothing is cancelled', async () => {
    emr.on(ListJobRunsCommand).resolves({ jobRuns: [summary('theirs')] } as never)
    emr.on(GetJobRunCommand).resolves(tagged('token-theirs'))
    const logger = new MemoryLogger()
    const result = await cancelRunLeftBehind(inFlight(), client, logger, {
      sleep: async () => undefined
    })
    expect(result).toBe('not-found')
    expect(emr.commandCalls(ListJobRunsCommand)).toHaveLength(3)
    expect(emr.commandCalls(CancelJobRunCommand)).toHaveLength(0)
  })

  it('cancel-on-abort: false leaves it alone without a request', async () => {
    const store = inFlight()
    store.save('cancel-on-abort', 'false')
    expect(await cancelRunLeftBehind(store, client, new MemoryLogger())).toBe('left-running')
    expect(emr.calls()).toHaveLength(0)
  })

  it('client mock: the main step saves the name and client token before StartJobRun is sent, and marks a refused submission finished', async () => {
    const saved = new MemoryState()
    let atSend: Record<string, string> = {}
    emr.on(StartJobRunCommand).callsFake(() => {
      atSend = Object.fromEntries(saved.values)
      throw new EMRServerlessServiceException({
        name: 'ValidationException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'bad role'
      })
    })
    await expect(submitOnce(saved)).rejects.toThrow('bad role')
    expect(atSend).toMatchObject({
      'application-id': 'app',
      'run-name': 'daily/ingest/2026-01-01',
      'client-token': 'token-1',
      'job-run-id': '',
      finished: 'false'
    })
    expect(emr.commandCalls(StartJobRunCommand)[0]?.args[0].input.tags).toMatchObject({
      'spark-job:client-token': 'token-1'
    })
    // The service refused it, so no run exists: the post step has nothing to look for.
    expect(saved.get('finished')).toBe('true')
    expect(await cancelRunLeftBehind(saved, client, new MemoryLogger())).toBe('finished')
  })

  it('client mock: a refusal after a try whose answer was lost leaves the search to the post step', async () => {
    emr
      .on(StartJobRunCommand)
      .rejectsOnce(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      .rejects(
        new EMRServerlessServiceException({
          name: 'ValidationException',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
          message: 'bad role'
        })
      )
    const saved = new MemoryState()
    await expect(submitOnce(saved)).rejects.toThrow('bad role')
    // The first try may have started a run that is not listed yet.
    expect(saved.get('finished')).toBe('false')
    expect(saved.get('client-token')).not.toBe('')
  })
})
