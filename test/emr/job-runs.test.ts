import {
  EMRServerlessClient,
  EMRServerlessServiceException,
  GetApplicationCommand,
  ListApplicationsCommand,
  ListJobRunsCommand,
  StartApplicationCommand,
  StartJobRunCommand
} from '@aws-sdk/client-emr-serverless'
import { mockClient } from 'aws-sdk-client-mock'
import { beforeEach, describe, expect, it } from 'vitest'
import { UserError } from '../../src/core/errors.js'
import { MemoryLogger } from '../../src/core/log.js'
import { ensureApplicationStarted, resolveApplication } from '../../src/emr/application.js'
import { findActiveRun, submitJobRun } from '../../src/emr/job-runs.js'
import { FakeClock } from './support/fake-clock.js'

// aws-sdk-client-mock: the clients answer what each test scripts, including throttling and
// network errors that no local peer produces on demand.
const emr = mockClient(EMRServerlessClient)
beforeEach(() => emr.reset())

const client = () => new EMRServerlessClient({ region: 'us-east-1' })

const serviceError = (name: string, status = 400): EMRServerlessServiceException =>
  new EMRServerlessServiceException({
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: status },
    message: name
  })

describe('findActiveRun', () => {
  it('reads every page and matches the exact name, newest first', async () => {
    emr
      .on(ListJobRunsCommand)
      .resolvesOnce({
        jobRuns: [
          { id: 'a', name: 'p/t/2026-01-01x', state: 'RUNNING', createdAt: new Date(3) } as never,
          { id: 'b', name: 'p/t/2026-01-01', state: 'RUNNING', createdAt: new Date(1) } as never
        ],
        nextToken: 'page-2'
      })
      .resolvesOnce({
        jobRuns: [
          { id: 'c', name: 'p/t/2026-01-01', state: 'QUEUED', createdAt: new Date(2) } as never
        ]
      })
    const found = await findActiveRun(client(), 'app', 'p/t/2026-01-01')
    expect(found?.id).toBe('c')
    const calls = emr.commandCalls(ListJobRunsCommand)
    expect(calls).toHaveLength(2)
    expect(calls[0]?.args[0].input.states).toEqual([
      'SUBMITTED',
      'PENDING',
      'SCHEDULED',
      'QUEUED',
      'RUNNING'
    ])
    expect(calls[1]?.args[0].input.nextToken).toBe('page-2')
  })

  it('an application with no runs yet (ResourceNotFoundException) has no active run', async () => {
    emr.on(ListJobRunsCommand).rejects(serviceError('ResourceNotFoundException'))
    expect(await findActiveRun(client(), 'app', 'x')).toBeUndefined()
  })
})

describe('submitJobRun', () => {
  const request = {
    applicationId: 'app',
    name: 'p/t/d',
    clientToken: 'token-1',
    executionRoleArn: 'arn'
  }

  it('fault injection (client mock): after a dropped answer, adopts the run the request started', async () => {
    emr
      .on(StartJobRunCommand)
      .rejects(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
    emr
      .on(ListJobRunsCommand)
      .resolves({ jobRuns: [{ id: 'started', name: 'p/t/d', state: 'SUBMITTED' } as never] })
    const logger = new MemoryLogger()
    const id = await submitJobRun(client(), client(), request, { clock: new FakeClock(), logger })
    expect(id).toBe('started')
    expect(emr.commandCalls(StartJobRunCommand)).toHaveLength(1)
    expect(logger.lines).toContain('info: The submission did reach the service: job run started')
  })

  it('fault injection (client mock): retries a throttled submission with the same client token', async () => {
    emr
      .on(StartJobRunCommand)
      .rejectsOnce(serviceError('ThrottlingException'))
      .resolves({ applicationId: 'app', jobRunId: 'new', arn: 'arn' })
    emr.on(ListJobRunsCommand).resolves({ jobRuns: [] })
    const id = await submitJobRun(client(), client(), request, {
      clock: new FakeClock(),
      logger: new MemoryLogger()
    })
    expect(id).toBe('new')
    const tokens = emr.commandCalls(StartJobRunCommand).map(call => call.args[0].input.clientToken)
    expect(tokens).toEqual(['token-1', 'token-1'])
  })

  it('fault injection (client mock): sends no new StartJobRun once the workflow is cancelled, but returns a run the failed try started', async () => {
    const controller = new AbortController()
    const dropped = () => {
      controller.abort(new Error('received SIGINT'))
      throw serviceError('ThrottlingException')
    }
    emr.on(StartJobRunCommand).callsFake(dropped)
    emr.on(ListJobRunsCommand).resolves({ jobRuns: [] })
    const options = { clock: new FakeClock(), logger: new MemoryLogger() }
    await expect(
      submitJobRun(client(), client(), request, { ...options, signal: controller.signal })
    ).rejects.toThrow('received SIGINT')
    expect(emr.commandCalls(StartJobRunCommand)).toHaveLength(1)
    expect(emr.commandCalls(ListJobRunsCommand)).toHaveLength(1)

    emr.reset()
    const again = new AbortController()
    emr.on(StartJobRunCommand).callsFake(() => {
      again.abort(new Error('received SIGINT'))
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
    })
    emr
      .on(ListJobRunsCommand)
      .resolves({ jobRuns: [{ id: 'started', name: 'p/t/d', state: 'SUBMITTED' } as never] })
    expect(
      await submitJobRun(client(), client(), request, { ...options, signal: again.signal })
    ).toBe('started')
    expect(emr.commandCalls(StartJobRunCommand)).toHaveLength(1)
  })

  it('does not retry a refused submission', async () => {
    emr.on(StartJobRunCommand).rejects(serviceError('ValidationException'))
    await expect(
      submitJobRun(client(), client(), request, {
        clock: new FakeClock(),
        logger: new MemoryLogger()
      })
    ).rejects.toThrow('ValidationException')
    expect(emr.commandCalls(StartJobRunCommand)).toHaveLength(1)
  })
})

describe('resolveApplication', () => {
  it('takes an ID as it is', async () => {
    emr
      .on(GetApplicationCommand)
      .resolves({ application: { applicationId: '00abc', name: 'etl' } as never })
    expect(await resolveApplication(client(), '00abc')).toMatchObject({ applicationId: '00abc' })
    expect(emr.commandCalls(ListApplicationsCommand)).toHaveLength(0)
  })

  it('finds a name across pages, and refuses a name that is missing or shared', async () => {
    emr.on(GetApplicationCommand).rejects(serviceError('ResourceNotFoundException'))
    emr
      .on(ListApplicationsCommand)
      .resolvesOnce({
        applications: [{ id: '1', name: 'other', state: 'STARTED' } as never],
        nextToken: 'n'
      })
      .resolvesOnce({ applications: [{ id: '2', name: 'etl', state: 'STOPPED' } as never] })
    expect(await resolveApplication(client(), 'etl')).toMatchObject({ id: '2' })

    emr.on(ListApplicationsCommand).resolves({
      applications: [
        { id: '3', name: 'shared', state: 'STARTED' },
        { id: '4', name: 'shared', state: 'CREATED' },
        { id: '5', name: 'gone', state: 'TERMINATED' }
      ] as never
    })
    await expect(resolveApplication(client(), 'shared')).rejects.toThrow(
      new UserError(
        "Application 'shared': 2 applications have this name (3, 4); give the application ID instead"
      )
    )
    await expect(resolveApplication(client(), 'gone')).rejects.toThrow(
      "Application 'gone': no EMR Serverless application has this ID or name in this account and region"
    )
  })
})

describe('ensureApplicationStarted', () => {
  const app = (state: string, stateDetails?: string) => ({
    application: { applicationId: 'app', state, stateDetails } as never
  })

  it('fault injection (client mock): an application that falls back to STOPPED while starting fails at once with its stateDetails', async () => {
    emr
      .on(GetApplicationCommand)
      .resolvesOnce(app('STOPPED'))
      .resolvesOnce(app('STOPPED'))
      .resolvesOnce(app('STARTING'))
      .resolves(app('STOPPED', 'Insufficient free IP addresses in subnet-0abc'))
    emr.on(StartApplicationCommand).resolves({})
    const clock = new FakeClock()
    await expect(
      ensureApplicationStarted(client(), 'app', {
        clock,
        logger: new MemoryLogger(),
        timeoutMs: 6 * 3_600_000,
        pollMinMs: 5000,
        pollMaxMs: 30_000,
        random: () => 0.5
      })
    ).rejects.toThrow(
      new UserError(
        'Application app went back to STOPPED while starting: Insufficient free IP addresses in subnet-0abc'
      )
    )
    expect(emr.commandCalls(StartApplicationCommand)).toHaveLength(1)
    expect(clock.time).toBeLessThan(60_000)
  })
})
