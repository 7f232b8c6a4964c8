import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runAction, type ActionRun } from '../support/run-action.js'
import { LocalGitHub } from '../notify/local-github.js'

// The REST API answering "when was this run created" is a local HTTP server on 127.0.0.1
// (../notify/local-github.ts) that records the requests; the bundle runs as the runner runs it.
const token = 'ghs_dateTestToken0123456789'
const github = new LocalGitHub(token)

beforeAll(() => github.start())
afterAll(() => github.stop())
beforeEach(() => github.reset())

function logicalDate(
  inputs: Record<string, string>,
  env: Record<string, string> = {}
): Promise<ActionRun> {
  return runAction('logical-date', {
    inputs: { 'github-token': token, ...inputs },
    env: { GITHUB_API_URL: github.url, GITHUB_RUN_ID: '1000', ...env },
    timeoutMs: 30_000
  })
}

describe('logical-date action', () => {
  it("a scheduled run reads its creation time from the API and takes the day before, whatever the runner's clock says", async () => {
    // Created late on Mar 1 (cron is best effort); the job itself runs today, much later.
    github.runs.set(1000, {
      id: 1000,
      name: 'Daily customer ETL',
      path: '.github/workflows/daily-customer-etl.yml',
      event: 'schedule',
      status: 'in_progress',
      conclusion: null,
      run_attempt: 1,
      created_at: '2028-03-01T23:59:00Z'
    })
    const run = await logicalDate({ 'event-name': 'schedule' })
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs).toEqual({
      date: '2028-02-29',
      source: 'run-created',
      'run-created-at': '2028-03-01T23:59:00.000Z'
    })
    expect(github.calls()).toEqual(['GET /repos/example/pipeline/actions/runs/1000'])
    expect(run.summary).toContain('### Logical date: 2028-02-29')
    expect(run.summary).toContain('the UTC day before this scheduled run was created')
  })

  it('a dispatch date is validated and used without any API call', async () => {
    const run = await logicalDate({ date: '2026-01-31', 'event-name': 'workflow_dispatch' })
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs.date).toBe('2026-01-31')
    expect(run.outputs.source).toBe('input')
    expect(github.requests).toEqual([])
  })

  it('an explicit creation time needs no API call (Jan 1 → Dec 31)', async () => {
    const run = await logicalDate({
      'run-created-at': '2027-01-01T02:00:07Z',
      'event-name': 'schedule'
    })
    expect(run.outputs.date).toBe('2026-12-31')
    expect(github.requests).toEqual([])
  })

  it.each([
    [
      '2026-02-30',
      "::error::Input 'date': expected a real calendar date as YYYY-MM-DD (February 2026 has 28 days), got '2026-02-30'"
    ],
    [
      '2026-13-01',
      "::error::Input 'date': expected a real calendar date as YYYY-MM-DD (month 01 to 12), got '2026-13-01'"
    ],
    ['yesterday', "::error::Input 'date': expected a date as YYYY-MM-DD, got 'yesterday'"]
  ])('an invalid dispatch date %s fails in one line with no output', async (date, message) => {
    const run = await logicalDate({ date, 'event-name': 'workflow_dispatch' })
    expect(run.code).toBe(1)
    expect(run.stdout.split('\n').filter(line => line.startsWith('::error::'))).toEqual([message])
    expect(run.outputs).toEqual({})
  })

  it("403 reading the run says the job needs 'actions: read'", async () => {
    // Fault injection: GitHub's answer to a token without the permission.
    github.fail('GET', /actions\/runs\/1000$/, 403, 'Resource not accessible by integration')
    const run = await logicalDate({ 'event-name': 'schedule' })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('needs `permissions: actions: read`')
    expect(run.outputs).toEqual({})
  })
})
