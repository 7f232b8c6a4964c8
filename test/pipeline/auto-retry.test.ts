import { describe, expect, it } from 'vitest'
import { decideRetry, type RetryPolicy } from '../../src/pipeline/auto-retry.js'
import type { WorkflowRun } from '../../src/pipeline/workflow-run.js'

const now = new Date('2026-03-01T03:00:00Z')
const policy: RetryPolicy = {
  workflow: 'daily-customer-etl.yml',
  retries: 3,
  events: ['schedule', 'workflow_dispatch'],
  delay: { delayMs: 5 * 60_000, backoff: 'fixed', maxDelayMs: 3_600_000 }
}
const delayMs = policy.delay.delayMs

function failedRun(overrides: Partial<WorkflowRun> = {}): WorkflowRun {
  return {
    id: 42,
    name: 'Daily customer ETL',
    path: '.github/workflows/daily-customer-etl.yml',
    event: 'schedule',
    status: 'completed',
    conclusion: 'failure',
    runAttempt: 1,
    createdAt: new Date('2026-03-01T02:04:00Z'),
    htmlUrl: 'https://github.com/example/pipeline/actions/runs/42',
    ...overrides
  }
}

describe('auto-retry decision', () => {
  it('re-runs the failed first attempt of a scheduled daily run', () => {
    expect(decideRetry(failedRun(), policy, now, delayMs)).toEqual({
      retry: true,
      nextAttempt: 2,
      reason: 'run 42 attempt 1 failed; re-running its failed jobs as attempt 2 of 4'
    })
  })

  it('re-runs manual runs too, and matches the workflow by path, ref suffix or not', () => {
    const run = failedRun({
      event: 'workflow_dispatch',
      path: '.github/workflows/daily-customer-etl.yml@refs/heads/main',
      runAttempt: 2
    })
    expect(decideRetry(run, policy, now, delayMs)).toMatchObject({ retry: true, nextAttempt: 3 })
    expect(
      decideRetry(
        run,
        { ...policy, workflow: '.github/workflows/daily-customer-etl.yml' },
        now,
        delayMs
      )
    ).toMatchObject({ retry: true })
  })

  it("retries: 3 is the seed's three retries: up to four attempts", () => {
    const attempts = [1, 2, 3, 4].map(runAttempt =>
      decideRetry(failedRun({ runAttempt }), policy, now, delayMs)
    )
    expect(attempts.map(decision => decision.retry)).toEqual([true, true, true, false])
    expect(attempts[3]?.reason).toBe(
      'run 42 attempt 4 failed and was the last of 4 attempts (retries: 3); giving up'
    )
    expect(decideRetry(failedRun(), { ...policy, retries: 0 }, now, delayMs)).toEqual({
      retry: false,
      reason: 'run 42 attempt 1 failed and was the last of 1 attempts (retries: 0); giving up'
    })
  })

  it('never re-runs more often than GitHub allows (50 re-runs = 51 attempts)', () => {
    const generous = { ...policy, retries: 500 }
    expect(decideRetry(failedRun({ runAttempt: 50 }), generous, now, delayMs).retry).toBe(true)
    expect(decideRetry(failedRun({ runAttempt: 51 }), generous, now, delayMs)).toEqual({
      retry: false,
      reason: 'run 42 attempt 51 failed and was the last of 51 attempts (retries: 500); giving up'
    })
  })

  it.each([
    ['success', 'run 42 attempt 1 ended success; only failures are re-run'],
    ['cancelled', 'run 42 attempt 1 ended cancelled; only failures are re-run'],
    ['startup_failure', 'run 42 attempt 1 ended startup_failure; only failures are re-run'],
    [null, 'run 42 attempt 1 ended without a conclusion; only failures are re-run']
  ])('leaves a run that ended %s alone', (conclusion, reason) => {
    expect(decideRetry(failedRun({ conclusion }), policy, now, delayMs)).toEqual({
      retry: false,
      reason
    })
  })

  it('leaves runs of other workflows alone, its own included: no loops', () => {
    for (const path of [
      '.github/workflows/auto-retry.yml',
      '.github/workflows/backfill.yml',
      '.github/workflows/not-daily-customer-etl.yml'
    ]) {
      const decision = decideRetry(failedRun({ path }), policy, now, delayMs)
      expect(decision).toEqual({
        retry: false,
        reason: `run 42 attempt 1 is of ${path}, not daily-customer-etl.yml`
      })
    }
  })

  it('leaves runs of other events alone', () => {
    expect(decideRetry(failedRun({ event: 'push' }), policy, now, delayMs)).toEqual({
      retry: false,
      reason: 'run 42 attempt 1 was started by push; re-runs are for schedule, workflow_dispatch'
    })
  })

  it('does not try while the run is still going (GitHub refuses re-runs in progress)', () => {
    const decision = decideRetry(
      failedRun({ status: 'in_progress', conclusion: null }),
      policy,
      now,
      delayMs
    )
    expect(decision).toEqual({
      retry: false,
      reason: 'run 42 attempt 1 is still in_progress; only a completed run can be re-run'
    })
  })

  it("respects GitHub's 30-day re-run window, counting the delay", () => {
    const created = new Date(now.getTime() - 30 * 86_400_000 + 60_000)
    expect(decideRetry(failedRun({ createdAt: created }), policy, now, 0).retry).toBe(true)
    expect(decideRetry(failedRun({ createdAt: created }), policy, now, delayMs)).toEqual({
      retry: false,
      reason: "run 42 attempt 1 is older than GitHub's 30-day re-run window"
    })
  })
})
