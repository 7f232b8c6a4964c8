import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { parseDuration } from '../../src/core/duration.js'
import { runAction, type ActionRun } from '../support/run-action.js'
import { LocalGitHub, type StoredRun } from '../notify/local-github.js'

// The GitHub REST API is played by a local HTTP server on 127.0.0.1 (../notify/local-github.ts)
// that holds workflow runs in memory and records every request; the bundled action runs as
// the runner runs it, pointed there by GITHUB_API_URL.
const token = 'ghs_retryTestToken0123456789'
const github = new LocalGitHub(token)

beforeAll(() => github.start())
afterAll(() => github.stop())
beforeEach(() => github.reset())

function storeRun(overrides: Partial<StoredRun> = {}): StoredRun {
  const run: StoredRun = {
    id: 777,
    name: 'Daily customer ETL',
    path: '.github/workflows/daily-customer-etl.yml',
    event: 'schedule',
    status: 'completed',
    conclusion: 'failure',
    run_attempt: 1,
    created_at: new Date(Date.now() - 3_600_000).toISOString(),
    ...overrides
  }
  github.runs.set(run.id, run)
  return run
}

function autoRetry(inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction('auto-retry', {
    inputs: {
      'github-token': token,
      'run-id': '777',
      workflow: 'daily-customer-etl.yml',
      retries: '3',
      'retry-delay': '0s',
      'poll-interval': '1s',
      ...inputs
    },
    env: { GITHUB_API_URL: github.url },
    timeoutMs: 30_000
  })
}

describe('auto-retry action', () => {
  it('re-runs the failed jobs, waits for each attempt and re-runs again, up to retries', async () => {
    storeRun()
    github.scriptReruns(777, [
      { conclusion: 'failure', readsWhileRunning: 0 },
      { conclusion: 'failure', readsWhileRunning: 0 },
      { conclusion: 'failure', readsWhileRunning: 0 }
    ])
    const run = await autoRetry({ 'retry-delay': '1s' })
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs).toEqual({
      retried: 'true',
      reruns: '3',
      reason: 'run 777 attempt 4 failed and was the last of 4 attempts (retries: 3); giving up',
      'run-attempt': '4',
      conclusion: 'failure'
    })
    // Before each re-run: the failed jobs (and their annotations) say whether it may pass.
    const jobs = 'GET /repos/example/pipeline/actions/runs/777/jobs'
    const attempt = (n: number): string[] => [
      jobs,
      'GET /repos/example/pipeline/actions/runs/777',
      'POST /repos/example/pipeline/actions/runs/777/rerun-failed-jobs',
      `GET /repos/example/pipeline/actions/runs/777/attempts/${n}`
    ]
    expect(github.calls()).toEqual([
      'GET /repos/example/pipeline/actions/runs/777',
      ...attempt(2),
      ...attempt(3),
      ...attempt(4)
    ])
    expect(run.summary).toContain('Auto-retry: 3 re-run(s), run failure')
    expect(github.runs.get(777)?.run_attempt).toBe(4)
  })

  it('does not re-run a failure its actions marked certain (a refusal, a blocked date)', async () => {
    storeRun()
    github.jobs.set(777, [
      {
        id: 9001,
        name: 'day-1 / ingest-cdc',
        conclusion: 'failure',
        steps: [],
        annotations: [
          {
            annotation_level: 'failure',
            message:
              'Job run 00x ended FAILED: … ExitCode: 65. (exit code 65 is in no-retry-exit-codes …)'
          }
        ]
      },
      {
        id: 9002,
        name: 'day-1 / record the date',
        conclusion: 'failure',
        steps: [],
        annotations: [
          {
            annotation_level: 'failure',
            title: 'Certain failure (not retried)',
            message:
              '2026-01-05 is blocked (refusal): ingest-cdc: bronze has changes for 2026-01-04'
          }
        ]
      }
    ])
    const run = await autoRetry()
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs).toMatchObject({
      retried: 'false',
      reruns: '0',
      reason:
        'not retried: day-1 / record the date: 2026-01-05 is blocked (refusal): ingest-cdc: bronze has changes for 2026-01-04'
    })
    expect(run.summary).toContain('not retried: day-1 / record the date')
    expect(github.calls()).not.toContain(
      'POST /repos/example/pipeline/actions/runs/777/rerun-failed-jobs'
    )
  })

  it('re-runs a failure no action marked certain', async () => {
    storeRun()
    github.jobs.set(777, [
      {
        id: 9003,
        name: 'day-1 / ingest-cdc',
        conclusion: 'failure',
        steps: [],
        annotations: [
          { annotation_level: 'failure', message: 'Job run 00x ended FAILED: ExitCode: 1.' },
          // A certain failure's title on a job that did not fail does not count.
          { annotation_level: 'warning', title: 'Certain failure (not retried)', message: 'x' }
        ]
      }
    ])
    github.scriptReruns(777, [{ conclusion: 'success', readsWhileRunning: 0 }])
    const run = await autoRetry()
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs).toMatchObject({ retried: 'true', reruns: '1', conclusion: 'success' })
  })

  it('stops when an attempt passes', async () => {
    storeRun()
    github.scriptReruns(777, [{ conclusion: 'success', readsWhileRunning: 1 }])
    const run = await autoRetry()
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs).toMatchObject({
      retried: 'true',
      reruns: '1',
      reason: 'run 777 attempt 2 succeeded after 1 re-run(s)',
      conclusion: 'success'
    })
  })

  it('leaves a successful run alone and says why', async () => {
    storeRun({ conclusion: 'success' })
    const run = await autoRetry()
    expect(run.code).toBe(0)
    expect(run.outputs.retried).toBe('false')
    expect(run.outputs.reason).toBe('run 777 attempt 1 ended success; only failures are re-run')
    expect(github.calls()).toEqual(['GET /repos/example/pipeline/actions/runs/777'])
  })

  it('does nothing when someone re-ran the run during the delay', async () => {
    const stored = storeRun()
    // A person presses "Re-run failed jobs" while the action waits: right after its first
    // read of the run, whatever the machine's speed.
    github.onAnswered = request => {
      if (request.method !== 'GET') return
      stored.run_attempt = 2
      stored.status = 'in_progress'
      github.onAnswered = undefined
    }
    const run = await autoRetry({ 'retry-delay': '1s' })
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs.retried).toBe('false')
    expect(run.outputs.reason).toBe(
      'run 777 moved on while waiting (now attempt 2, in_progress); leaving it alone'
    )
    expect(github.calls().some(call => call.startsWith('POST'))).toBe(false)
  })

  it("403 on the re-run says the workflow needs 'actions: write', in one line", async () => {
    storeRun()
    // Fault injection: the answer GitHub gives a token without the permission.
    github.fail('POST', /rerun-failed-jobs$/, 403, 'Resource not accessible by integration')
    const run = await autoRetry()
    expect(run.code).toBe(1)
    expect(run.stdout.split('\n').filter(line => line.startsWith('::error::'))).toEqual([
      '::error::GitHub API POST /repos/{owner}/{repo}/actions/runs/{run_id}/rerun-failed-jobs answered HTTP 403 (Resource not accessible by integration): the workflow job needs `permissions: actions: write` for its GITHUB_TOKEN (or a token that has it)'
    ])
    const visible = run.stdout.split('\n').filter(line => !line.startsWith('::add-mask::'))
    expect(visible.join('\n')).not.toContain(token)
  })

  it.each([
    [
      { 'run-id': '' },
      "::error::Input 'run-id': expected the id of the failed workflow run (it is required)"
    ],
    [
      { 'run-id': 'abc' },
      "::error::Input 'run-id': expected a whole number of 1 or more, got 'abc'"
    ],
    [
      { retries: '51' },
      "::error::Input 'retries': expected a whole number from 0 to 50 (at most 50), got '51'"
    ],
    [
      { 'retry-delay': '2h' },
      "::error::Input 'retry-delay': expected a duration such as 90s, 5m or 1h (at most 3600s), got '2h'"
    ],
    [
      { 'retry-backoff': 'linear' },
      "::error::Input 'retry-backoff': expected one of fixed, exponential, got 'linear'"
    ],
    [
      { 'max-retry-delay': '7h' },
      "::error::Input 'max-retry-delay': expected a duration such as 90s, 5m or 1h (at most 21600s), got '7h'"
    ],
    [
      { 'retry-backoff': 'exponential', 'retry-delay': '10m', 'max-retry-delay': '5m' },
      "::error::Input 'max-retry-delay': expected a duration no shorter than retry-delay (10m), got '5m'"
    ],
    [
      { timeout: 'soon' },
      "::error::Input 'timeout': expected a duration such as 90s, 5m or 1h, got 'soon'"
    ]
  ])('bad input %j → one line, no request', async (inputs, message) => {
    const run = await autoRetry(inputs)
    expect(run.code).toBe(1)
    expect(run.stdout.split('\n').filter(line => line.startsWith('::error::'))).toEqual([message])
    expect(github.requests).toEqual([])
  })
})

describe('the auto-retry workflow', () => {
  const workflow = parse(
    readFileSync(path.join(import.meta.dirname, '../../.github/workflows/auto-retry.yml'), 'utf8')
  ) as {
    jobs: {
      retry: {
        'timeout-minutes': number
        concurrency: Record<string, unknown>
        steps: Array<{ uses?: string; with?: Record<string, string> }>
      }
    }
  }
  const job = workflow.jobs.retry
  const step = job.steps.find(candidate => candidate.uses === './auto-retry')

  it("lets the action's timeout run out before the job's timeout-minutes", () => {
    const timeoutMs = parseDuration(step?.with?.timeout ?? '5h30m') ?? Infinity
    expect(timeoutMs).toBeLessThan(job['timeout-minutes'] * 60_000)
    // GitHub-hosted runners end every job at 6 hours.
    expect(job['timeout-minutes']).toBeLessThanOrEqual(360)
  })

  it('holds a second listener for the same run until the first has finished (no parallel chains)', () => {
    expect(job.concurrency).toEqual({
      group: 'auto-retry-${{ github.event.workflow_run.id }}',
      'cancel-in-progress': false
    })
  })
})
