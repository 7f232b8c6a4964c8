import {
  EMRServerlessClient,
  GetApplicationCommand,
  GetDashboardForJobRunCommand,
  GetJobRunCommand,
  ListJobRunsCommand,
  StartJobRunCommand,
  type JobRun
} from '@aws-sdk/client-emr-serverless'
import { S3Client } from '@aws-sdk/client-s3'
import { mockClient } from 'aws-sdk-client-mock'
import { beforeEach, describe, expect, it } from 'vitest'
import { InputError } from '../../src/core/errors.js'
import { MemoryLogger } from '../../src/core/log.js'
import { retryDelayMs } from '../../src/core/retry-delay.js'
import { MemoryState } from '../../src/core/state.js'
import { runSparkJob } from '../../src/emr/spark-job.js'
import { FakeClock } from './support/fake-clock.js'
import { sparkJobSettings } from './support/spark-settings.js'

const MINUTE = 60_000

describe('re-submission delay', () => {
  const exponential = sparkJobSettings({
    'retry-backoff': 'exponential',
    'retry-delay': '5m',
    'max-retry-delay': '1h'
  }).retryDelay

  it('fixed (the default): retry-delay every time, whatever the random draw', () => {
    const fixed = sparkJobSettings({})
    expect(fixed.retryDelay).toEqual({
      backoff: 'fixed',
      delayMs: 5 * MINUTE,
      maxDelayMs: 60 * MINUTE
    })
    for (const retry of [1, 2, 5, 10]) {
      expect(retryDelayMs(retry, fixed.retryDelay, () => 0.9)).toBe(5 * MINUTE)
    }
  })

  it('exponential: retry-delay × 2^(n-1) to twice that, drawn at random, capped at max-retry-delay', () => {
    const low = () => 0
    const middle = () => 0.5
    const high = () => 0.99
    expect([1, 2, 3, 4, 5].map(retry => retryDelayMs(retry, exponential, low))).toEqual(
      [5, 10, 20, 40, 60].map(minutes => minutes * MINUTE)
    )
    expect([1, 2, 3, 4].map(retry => retryDelayMs(retry, exponential, middle))).toEqual(
      [7.5, 15, 30, 60].map(minutes => minutes * MINUTE)
    )
    expect(retryDelayMs(1, exponential, high)).toBe(9.95 * MINUTE)
    expect(retryDelayMs(10, exponential, high)).toBe(60 * MINUTE)
  })

  it.each([
    [
      'retry-backoff',
      { 'retry-backoff': 'linear' },
      "Input 'retry-backoff': expected one of fixed, exponential, got 'linear'"
    ],
    [
      'max-retry-delay',
      { 'max-retry-delay': 'soon' },
      "Input 'max-retry-delay': expected a duration such as 90s, 5m or 1h, got 'soon'"
    ],
    [
      'max-retry-delay',
      { 'retry-backoff': 'exponential', 'retry-delay': '10m', 'max-retry-delay': '5m' },
      "Input 'max-retry-delay': expected a duration no shorter than retry-delay (10m), got '5m'"
    ]
  ])('%s: %j is refused in one line', (input, values, message) => {
    let error: unknown
    try {
      sparkJobSettings(values)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe(input)
    expect((error as InputError).message).toBe(message)
  })

  it('a fixed backoff ignores max-retry-delay, as before it existed', () => {
    expect(sparkJobSettings({ 'retry-delay': '2h' }).retryDelay.delayMs).toBe(120 * MINUTE)
  })
})

// aws-sdk-client-mock: every run FAILS at once (moto's runs succeed at once), and a fake
// clock and random draw stand in for time, so the pauses are exact and nothing waits.
const emr = mockClient(EMRServerlessClient)
beforeEach(() => emr.reset())

describe('runSparkJob with retry-backoff: exponential', () => {
  async function failingRuns(values: Record<string, string>, random: () => number) {
    emr.on(GetApplicationCommand).resolves({
      application: { applicationId: 'app', name: 'etl', state: 'STARTED' } as never
    })
    emr.on(ListJobRunsCommand).resolves({ jobRuns: [] })
    let started = 0
    emr
      .on(StartJobRunCommand)
      .callsFake(() => ({ applicationId: 'app', jobRunId: `run${++started}`, arn: 'arn' }))
    emr
      .on(GetJobRunCommand)
      .resolves({ jobRun: { state: 'FAILED', stateDetails: 'ExitCode: 1' } as JobRun })
    emr.on(GetDashboardForJobRunCommand).resolves({ url: 'https://ui' })
    const client = new EMRServerlessClient({ region: 'us-east-1' })
    const logger = new MemoryLogger()
    const clock = new FakeClock()
    const outcome = await runSparkJob(sparkJobSettings(values), {
      emr: client,
      emrSubmit: client,
      s3: new S3Client({ region: 'us-east-1' }),
      logger,
      state: new MemoryState(),
      clock,
      random
    })
    const pauses = logger.lines
      .map(line => /submitting again in (\S+)$/.exec(line)?.[1])
      .filter(Boolean)
    return { outcome, pauses, clock }
  }

  it('waits 5m, 10m, 20m, then the 30m cap between four failed attempts', async () => {
    const { outcome, pauses, clock } = await failingRuns(
      {
        retries: '4',
        'retry-backoff': 'exponential',
        'retry-delay': '5m',
        'max-retry-delay': '30m'
      },
      () => 0
    )
    expect(pauses).toEqual(['5m', '10m', '20m', '30m'])
    for (const pause of [5, 10, 20, 30]) expect(clock.sleeps).toContain(pause * MINUTE)
    expect(outcome.attempts).toHaveLength(5)
    expect(outcome.failure).toBe('Job run run5 ended FAILED: ExitCode: 1 (attempt 5 of 5)')
  })

  it('jitter: the draw lengthens each pause by up to its own length', async () => {
    const { pauses } = await failingRuns(
      {
        retries: '2',
        'retry-backoff': 'exponential',
        'retry-delay': '4m',
        'max-retry-delay': '1h'
      },
      () => 0.5
    )
    expect(pauses).toEqual(['6m', '12m'])
  })

  it('stops when the next pause would outlast wait-timeout', async () => {
    const { outcome, pauses } = await failingRuns(
      {
        retries: '5',
        'retry-backoff': 'exponential',
        'retry-delay': '10m',
        'max-retry-delay': '2h',
        'wait-timeout': '1h'
      },
      () => 0
    )
    // 10m, then 20m (30m used); 40m more would pass the hour.
    expect(pauses).toEqual(['10m', '20m'])
    expect(outcome.failure).toBe(
      'Job run run3 ended FAILED: ExitCode: 1; no time left within wait-timeout for attempt 4'
    )
  })
})
