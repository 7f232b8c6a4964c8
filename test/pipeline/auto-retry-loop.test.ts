import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { githubRequest } from '../../src/core/github.js'
import { DEFAULT_GITHUB_RETRY } from '../../src/core/github-rest.js'
import { MemoryLogger } from '../../src/core/log.js'
import type { Clock } from '../../src/core/sleep.js'
import {
  autoRetry,
  type AutoRetryOptions,
  type RetryPolicy
} from '../../src/pipeline/auto-retry.js'
import { LocalGitHub, type StoredRun } from '../notify/local-github.js'

// One auto-retry step, the whole chain: re-run the failed jobs, wait for that attempt, re-run
// again. The GitHub REST API is the local stand-in on 127.0.0.1 (../notify/local-github.ts),
// which plays each re-run's attempt as scripted (running for some reads, then ending). The
// clock is injected: every wait moves it on at once, so the test neither waits nor depends
// on the machine's speed, and it can check the time budget to the minute.
const token = 'ghs_retryLoopToken0123456789'
const github = new LocalGitHub(token)
const minute = 60_000
const start = Date.parse('2026-03-01T03:00:00Z')

class FakeClock implements Clock {
  current = start
  readonly sleeps: number[] = []
  now = (): number => this.current
  sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms)
    this.current += ms
  }
  get elapsedMinutes(): number {
    return (this.current - start) / minute
  }
}

let clock: FakeClock
let logger: MemoryLogger

beforeAll(() => github.start())
afterAll(() => github.stop())
beforeEach(() => {
  github.reset()
  clock = new FakeClock()
  logger = new MemoryLogger()
  const run: StoredRun = {
    id: 31,
    name: 'Daily customer ETL',
    path: '.github/workflows/daily-customer-etl.yml',
    event: 'schedule',
    status: 'completed',
    conclusion: 'failure',
    run_attempt: 1,
    created_at: '2026-03-01T02:04:00Z'
  }
  github.runs.set(run.id, run)
})

const policy: RetryPolicy = {
  workflow: 'daily-customer-etl.yml',
  retries: 3,
  events: ['schedule', 'workflow_dispatch'],
  delay: { delayMs: 5 * minute, backoff: 'fixed', maxDelayMs: 60 * minute }
}

function retry(overrides: Partial<AutoRetryOptions> = {}) {
  const request = githubRequest(token, {
    baseUrl: github.url,
    policy: { ...DEFAULT_GITHUB_RETRY, msPerSecond: 1 }
  })
  return autoRetry(request, {
    repository: { owner: 'example', repo: 'pipeline' },
    runId: 31,
    policy,
    timeoutMs: 330 * minute,
    pollIntervalMs: minute,
    clock,
    logger,
    random: () => 0.5,
    ...overrides
  })
}

const reruns = (): number =>
  github.calls().filter(call => call.endsWith('/rerun-failed-jobs')).length

describe('auto-retry: one step re-runs, waits for the attempt and re-runs again', () => {
  it('gives the seed its three retries: attempts 2, 3 and 4, then stops', async () => {
    github.scriptReruns(31, [
      { conclusion: 'failure', readsWhileRunning: 10 },
      { conclusion: 'failure', readsWhileRunning: 10 },
      { conclusion: 'failure', readsWhileRunning: 10 }
    ])
    const result = await retry()
    expect(result).toEqual({
      reruns: 3,
      reason: 'run 31 attempt 4 failed and was the last of 4 attempts (retries: 3); giving up',
      runAttempt: 4,
      conclusion: 'failure',
      runUrl: 'https://github.com/example/pipeline/actions/runs/31'
    })
    expect(reruns()).toBe(3)
    expect(github.runs.get(31)?.run_attempt).toBe(4)
    // Each re-run waited the fixed 5 minutes first, and each attempt was read every minute
    // until it had ended (10 reads running, the 11th completed).
    expect(clock.sleeps.filter(ms => ms === 5 * minute)).toHaveLength(3)
    expect(clock.elapsedMinutes).toBe(3 * (5 + 11))
    expect(logger.lines).toContain('info: Run 31 attempt 2 ended failure')
  })

  it('stops as soon as an attempt succeeds', async () => {
    github.scriptReruns(31, [
      { conclusion: 'failure', readsWhileRunning: 2 },
      { conclusion: 'success', readsWhileRunning: 2 },
      { conclusion: 'failure' }
    ])
    const result = await retry()
    expect(result).toMatchObject({
      reruns: 2,
      reason: 'run 31 attempt 3 succeeded after 2 re-run(s)',
      runAttempt: 3,
      conclusion: 'success'
    })
    expect(reruns()).toBe(2)
  })

  it('before each re-run reads the run again: a re-run by someone else ends the chain', async () => {
    github.scriptReruns(31, [{ conclusion: 'failure', readsWhileRunning: 1 }])
    // Someone presses "Re-run failed jobs" during the second wait.
    let waits = 0
    clock.sleep = async ms => {
      clock.current += ms
      if (ms === 5 * minute && ++waits === 2) {
        const run = github.runs.get(31)!
        run.run_attempt = 3
        run.status = 'in_progress'
        run.conclusion = null
      }
    }
    const result = await retry()
    expect(result).toMatchObject({
      reruns: 1,
      reason: 'run 31 moved on while waiting (now attempt 3, in_progress); leaving it alone',
      conclusion: 'in_progress'
    })
    expect(reruns()).toBe(1)
  })

  it('does not start an attempt it has no time left to wait for', async () => {
    github.scriptReruns(31, [
      { conclusion: 'failure', readsWhileRunning: 20 },
      { conclusion: 'failure', readsWhileRunning: 20 }
    ])
    // 5 + 21 minutes for attempt 2; 4 minutes left, less than the 5-minute wait.
    const result = await retry({ timeoutMs: 30 * minute })
    expect(result).toMatchObject({
      reruns: 1,
      reason:
        'waiting 5m before attempt 3 would leave nothing of the 30m timeout to watch it; leaving run 31 as it is',
      runAttempt: 2,
      conclusion: 'failure'
    })
    expect(clock.elapsedMinutes).toBe(26)
  })

  it('stops watching an attempt when the timeout runs out, and says so', async () => {
    github.scriptReruns(31, [{ conclusion: 'failure', readsWhileRunning: 1000 }])
    const result = await retry({ timeoutMs: 60 * minute })
    expect(result).toMatchObject({
      reruns: 1,
      reason:
        'run 31 attempt 2 was still in_progress when the 1h timeout ran out; it is not watched any more',
      runAttempt: 2,
      conclusion: 'in_progress'
    })
    // Never past the budget: the last poll falls exactly on it.
    expect(clock.elapsedMinutes).toBe(60)
  })

  it('with exponential backoff the waits double (jitter drawn at 0.5), capped by max-retry-delay', async () => {
    github.scriptReruns(31, [
      { conclusion: 'failure', readsWhileRunning: 0 },
      { conclusion: 'failure', readsWhileRunning: 0 },
      { conclusion: 'failure', readsWhileRunning: 0 }
    ])
    await retry({
      policy: {
        ...policy,
        delay: { delayMs: 5 * minute, backoff: 'exponential', maxDelayMs: 15 * minute }
      }
    })
    const waits = clock.sleeps.filter(ms => ms !== minute).map(ms => ms / minute)
    expect(waits).toEqual([7.5, 15, 15])
  })

  it('leaves a run that did not fail alone, without any write', async () => {
    github.runs.get(31)!.conclusion = 'success'
    const result = await retry()
    expect(result).toMatchObject({ reruns: 0, conclusion: 'success' })
    expect(github.calls()).toEqual(['GET /repos/example/pipeline/actions/runs/31'])
  })

  it('a second auto-retry for the same run (an App token fires workflow_run) starts no new chain', async () => {
    github.scriptReruns(31, [
      { conclusion: 'failure', readsWhileRunning: 1 },
      { conclusion: 'failure', readsWhileRunning: 1 },
      { conclusion: 'failure', readsWhileRunning: 1 }
    ])
    await retry()
    github.requests.length = 0
    // The concurrency group starts the next listener only once the first has finished.
    const again = await retry()
    expect(again).toMatchObject({ reruns: 0, runAttempt: 4 })
    expect(reruns()).toBe(0)
  })
})
