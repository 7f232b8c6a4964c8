import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
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
      'max-attempts': '3',
      delay: '0s',
      ...inputs
    },
    env: { GITHUB_API_URL: github.url },
    timeoutMs: 30_000
  })
}

describe('auto-retry action', () => {
  it('re-runs the failed jobs of a failed scheduled run, checking the run again after the delay', async () => {
    storeRun()
    const run = await autoRetry({ delay: '1s' })
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs).toEqual({
      retried: 'true',
      reason: 'run 777 attempt 1 failed; re-running its failed jobs as attempt 2 of 3',
      'run-attempt': '1'
    })
    expect(github.calls()).toEqual([
      'GET /repos/example/pipeline/actions/runs/777',
      'GET /repos/example/pipeline/actions/runs/777',
      'POST /repos/example/pipeline/actions/runs/777/rerun-failed-jobs'
    ])
    expect(run.summary).toContain('Auto-retry: re-running failed jobs')
    expect(github.runs.get(777)?.run_attempt).toBe(2)
  })

  it('a chain of failures ends at max-attempts', async () => {
    const stored = storeRun()
    const retried: string[] = []
    for (let round = 0; round < 4; round++) {
      const run = await autoRetry()
      retried.push(run.outputs.retried)
      // The re-run fails again (the daily workflow's next attempt), firing workflow_run.
      stored.status = 'completed'
      stored.conclusion = 'failure'
    }
    expect(retried).toEqual(['true', 'true', 'false', 'false'])
    expect(stored.run_attempt).toBe(3)
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
    const pending = autoRetry({ delay: '2s' })
    // A person presses "Re-run failed jobs" while the action waits.
    await new Promise(resolve => setTimeout(resolve, 1000))
    stored.run_attempt = 2
    stored.status = 'in_progress'
    const run = await pending
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
      { 'max-attempts': '60' },
      "::error::Input 'max-attempts': expected a whole number from 1 to 51 (at most 51), got '60'"
    ],
    [
      { delay: '2h' },
      "::error::Input 'delay': expected a duration such as 90s, 5m or 1h (at most 3600s), got '2h'"
    ]
  ])('bad input %j → one line, no request', async (inputs, message) => {
    const run = await autoRetry(inputs)
    expect(run.code).toBe(1)
    expect(run.stdout.split('\n').filter(line => line.startsWith('::error::'))).toEqual([message])
    expect(github.requests).toEqual([])
  })
})
