import {
  EMRServerlessClient,
  EMRServerlessServiceException,
  GetJobRunCommand,
  type JobRun
} from '@aws-sdk/client-emr-serverless'
import { mockClient } from 'aws-sdk-client-mock'
import { beforeEach, describe, expect, it } from 'vitest'
import { MemoryLogger } from '../../src/core/log.js'
import { pollDelay, waitForJobRun } from '../../src/emr/waiter.js'
import { FakeClock } from './support/fake-clock.js'
import { present } from '../support/present.js'

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

const networkError = (): Error => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })

const jobRun = (state: string, extra: Partial<JobRun> = {}) => ({
  jobRun: { state, ...extra } as JobRun
})

function wait(
  clock: FakeClock,
  logger: MemoryLogger,
  options: { timeoutMs?: number; signal?: AbortSignal } = {}
) {
  return waitForJobRun(client(), 'app', 'run1', {
    pollMinMs: 5000,
    pollMaxMs: 30_000,
    timeoutMs: options.timeoutMs ?? 3_600_000,
    clock,
    logger,
    random: () => 0.5,
    signal: options.signal
  })
}

describe('pollDelay', () => {
  it('grows from the minimum to the cap, with jitter in the upper half, never below the minimum', () => {
    const delays = Array.from({ length: 10 }, (_, step) => pollDelay(step, 5000, 30_000, () => 1))
    expect(delays[0]).toBe(5000)
    expect(delays.at(-1)).toBe(30_000)
    for (let step = 1; step < delays.length; step++)
      expect(delays[step]).toBeGreaterThanOrEqual(present(delays[step - 1], `delay ${step - 1}`))
    for (let step = 0; step < 20; step++) {
      for (const random of [0, 0.3, 0.999]) {
        const delay = pollDelay(step, 5000, 30_000, () => random)
        expect(delay).toBeGreaterThanOrEqual(5000)
        expect(delay).toBeLessThanOrEqual(30_000)
      }
    }
    expect(pollDelay(8, 5000, 30_000, () => 0)).toBe(15_000)
    expect(pollDelay(0, 5000, 30_000, () => 1, 2)).toBe(20_000)
  })
})

describe('waitForJobRun', () => {
  it('treats QUEUED and unknown states as still going and logs each change once', async () => {
    emr
      .on(GetJobRunCommand)
      .resolvesOnce(jobRun('SUBMITTED'))
      .resolvesOnce(jobRun('QUEUED'))
      .resolvesOnce(jobRun('QUEUED'))
      .resolvesOnce(jobRun('WARMING_UP'))
      .resolvesOnce(jobRun('RUNNING'))
      .resolvesOnce(jobRun('RUNNING'))
      .resolvesOnce(jobRun('RUNNING'))
      .resolves(jobRun('SUCCESS'))
    const logger = new MemoryLogger()
    const clock = new FakeClock()
    const result = await wait(clock, logger)
    expect(result).toMatchObject({ outcome: 'terminal', jobRun: { state: 'SUCCESS' }, polls: 8 })
    expect(logger.lines.filter(line => line.startsWith('info: Job run run1:'))).toEqual([
      'info: Job run run1: SUBMITTED',
      'info: Job run run1: QUEUED',
      'info: Job run run1: WARMING_UP',
      'info: Job run run1: RUNNING',
      'info: Job run run1: SUCCESS'
    ])
    for (const ms of clock.sleeps) {
      expect(ms).toBeGreaterThanOrEqual(5000)
      expect(ms).toBeLessThanOrEqual(30_000)
    }
  })

  it('fault injection (client mock): polls through throttling and dropped connections', async () => {
    emr
      .on(GetJobRunCommand)
      .resolvesOnce(jobRun('RUNNING'))
      .rejectsOnce(serviceError('ThrottlingException'))
      .rejectsOnce(serviceError('ThrottlingException'))
      .rejectsOnce(networkError())
      .resolvesOnce(jobRun('RUNNING'))
      .resolves(jobRun('FAILED', { stateDetails: 'ExitCode: 1' }))
    const logger = new MemoryLogger()
    const clock = new FakeClock()
    const result = await wait(clock, logger)
    expect(result).toMatchObject({
      outcome: 'terminal',
      jobRun: { state: 'FAILED', stateDetails: 'ExitCode: 1' }
    })
    expect(logger.lines.filter(line => line.startsWith('warning: GetJobRun failed'))).toHaveLength(
      1
    )
    expect(logger.lines).toContain('info: GetJobRun answers again after 3 failed call(s)')
    expect(logger.lines).toContain('info: Job run run1: FAILED (ExitCode: 1)')
    // Throttling in a row lengthens the pause (capped), so the poller backs off.
    expect(clock.sleeps[2]).toBeGreaterThan(present(clock.sleeps[1], 'a second sleep'))
  })

  it('stops polling at the wait limit and says so', async () => {
    emr.on(GetJobRunCommand).resolves(jobRun('RUNNING'))
    const clock = new FakeClock()
    const result = await wait(clock, new MemoryLogger(), { timeoutMs: 120_000 })
    expect(result.outcome).toBe('timeout')
    expect(clock.time).toBe(120_000)
  })

  it('a non-transient error ends the wait', async () => {
    emr.on(GetJobRunCommand).rejects(serviceError('AccessDeniedException'))
    await expect(wait(new FakeClock(), new MemoryLogger())).rejects.toThrow('AccessDeniedException')
  })

  it('rejects at once when aborted', async () => {
    emr.on(GetJobRunCommand).resolves(jobRun('RUNNING'))
    const controller = new AbortController()
    const clock = new FakeClock()
    clock.sleep = async (ms, signal) => {
      clock.time += ms
      if (clock.time > 60_000) controller.abort(new Error('received SIGINT'))
      signal?.throwIfAborted()
    }
    await expect(wait(clock, new MemoryLogger(), { signal: controller.signal })).rejects.toThrow(
      'received SIGINT'
    )
  })
})
