import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runAction, type ActionRun } from '../support/run-action.js'
import { LocalGitHub } from './local-github.js'

// The GitHub REST API and the chat webhook are played by a local HTTP server on 127.0.0.1
// (./local-github.ts) that keeps issues in memory and records every request it receives;
// the bundled action runs exactly as the runner runs it, pointed there by GITHUB_API_URL.
const token = 'ghs_notifyTestToken0123456789abcdef'
const github = new LocalGitHub(token)

beforeAll(() => github.start())
afterAll(() => github.stop())
beforeEach(() => github.reset())

const runUrl = 'https://github.com/example/pipeline/actions/runs/1000'

function notify(inputs: Record<string, string>): Promise<ActionRun> {
  return runAction('notify', {
    inputs: {
      'github-token': token,
      pipeline: 'daily-customer-etl',
      label: 'pipeline-failure',
      'run-url': runUrl,
      ...inputs
    },
    env: { GITHUB_API_URL: github.url },
    timeoutMs: 30_000
  })
}

/** What a reader of the log would see: the runner swallows ::add-mask:: commands. */
function visibleLog(run: ActionRun): string {
  return (run.stdout + run.stderr)
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
}

const failure = {
  status: 'failure',
  'logical-date': '2026-02-28',
  'failed-jobs': 'ingest-cdc',
  'error-excerpt':
    'Traceback (most recent call last):\nAnalysisException: Path does not exist: s3://lake/bronze/customers/date=2026-02-28'
}

describe('notify: runs that did nothing, and failures that repeat', () => {
  it('skipped (the dates were completed, or the run was superseded): no issue touched, nothing posted', async () => {
    await notify(failure)
    const requestsBefore = github.requests.length
    const run = await notify({
      status: 'skipped',
      'logical-date': '2026-03-01',
      'webhook-url': github.webhookUrl
    })
    expect(run.code, visibleLog(run)).toBe(0)
    expect(run.outputs).toEqual({ 'issue-number': '', action: 'none' })
    expect(github.requests.slice(requestsBefore)).toEqual([])
    expect(github.webhookMessages).toEqual([])
    expect(github.issues[0]?.state).toBe('open')
    expect(run.summary).toContain('⏭️ daily-customer-etl: nothing to do for 2026-03-01')
  })

  it('once-per-streak: the open issue hears of a blocked date once; the dates are listed', async () => {
    const blocked = {
      status: 'failure',
      'logical-date': '2026-03-02',
      details: '2026-03-01: completed\n2026-03-02: blocked (quality gate failed)',
      'once-per-streak': 'blocked 2026-03-02',
      'webhook-url': github.webhookUrl
    }
    const first = await notify(blocked)
    expect(first.outputs).toEqual({ 'issue-number': '1', action: 'opened' })
    expect(github.issues[0]?.body).toContain('- 2026-03-02: blocked (quality gate failed)')
    expect(github.webhookMessages).toHaveLength(1)
    const second = await notify({ ...blocked, 'logical-date': '2026-03-03' })
    expect(second.code, visibleLog(second)).toBe(0)
    expect(second.outputs).toEqual({ 'issue-number': '1', action: 'none' })
    expect(github.issues[0]?.comments).toEqual([])
    expect(github.webhookMessages).toHaveLength(1)
    // Another failure in the same streak is told as usual, and its key once too.
    const other = await notify({ ...blocked, 'once-per-streak': 'blocked 2026-03-04' })
    expect(other.outputs.action).toBe('commented')
    const again = await notify({ ...blocked, 'once-per-streak': 'blocked 2026-03-04' })
    expect(again.outputs.action).toBe('none')
    expect(github.issues[0]?.comments).toHaveLength(1)
  })
})

describe('notify: one issue per failure streak', () => {
  it('opens an issue on the first failure, with the pipeline, date, failed job, run link and error', async () => {
    const run = await notify(failure)
    expect(run.code, visibleLog(run)).toBe(0)
    expect(run.outputs).toEqual({ 'issue-number': '1', action: 'opened' })
    expect(github.calls()).toEqual([
      'GET /repos/example/pipeline/issues',
      'GET /repos/example/pipeline/labels/pipeline-failure',
      'POST /repos/example/pipeline/labels',
      'POST /repos/example/pipeline/issues'
    ])
    expect(github.labels.get('pipeline-failure')?.color).toBe('d73a4a')
    const listing = github.requests[0]
    expect(listing?.query.get('labels')).toBe('pipeline-failure')
    expect(listing?.query.get('state')).toBe('open')
    const [issue] = github.issues
    expect(issue?.title).toBe('daily-customer-etl failed for 2026-02-28')
    expect(issue?.labels).toEqual(['pipeline-failure'])
    expect(issue?.body).toContain('| failed jobs | ingest-cdc |')
    expect(issue?.body).toContain(runUrl)
    expect(issue?.body).toContain('AnalysisException: Path does not exist')
    expect(run.summary).toContain(
      '❌ daily-customer-etl failed for 2026-02-28 (failed: ingest-cdc)'
    )
  })

  it('comments on the open issue when the next run fails too, then closes it on success', async () => {
    await notify(failure)
    const again = await notify({
      ...failure,
      'logical-date': '2026-03-01',
      'failed-jobs': JSON.stringify({
        'resolve-date': { result: 'success', outputs: { date: '2026-03-01' } },
        'wait-for-data': { result: 'success', outputs: {} },
        'ingest-cdc': { result: 'success', outputs: {} },
        'validate-data-quality': { result: 'failure', outputs: {} },
        'compute-aggregates': { result: 'skipped', outputs: {} }
      })
    })
    expect(again.code, visibleLog(again)).toBe(0)
    expect(again.outputs).toEqual({ 'issue-number': '1', action: 'commented' })
    expect(github.issues).toHaveLength(1)
    expect(github.issues[0]?.comments[0]).toContain('Failed again for **2026-03-01**')
    expect(github.issues[0]?.comments[0]).toContain('| failed jobs | validate-data-quality |')

    const recovered = await notify({ status: 'success', 'logical-date': '2026-03-02' })
    expect(recovered.code, visibleLog(recovered)).toBe(0)
    expect(recovered.outputs).toEqual({ 'issue-number': '1', action: 'closed' })
    expect(github.issues[0]).toMatchObject({ state: 'closed', state_reason: 'completed' })
    expect(github.issues[0]?.comments[1]).toContain('Recovered')
    expect(github.issues[0]?.comments[1]).toContain('2026-03-02')
    expect(recovered.summary).toContain('✅ daily-customer-etl completed for 2026-03-02')

    // The streak is over: the next failure opens a new issue (the label exists by now).
    github.requests.length = 0
    const next = await notify(failure)
    expect(next.outputs).toEqual({ 'issue-number': '2', action: 'opened' })
    expect(github.calls()).toEqual([
      'GET /repos/example/pipeline/issues',
      'GET /repos/example/pipeline/labels/pipeline-failure',
      'POST /repos/example/pipeline/issues'
    ])
    expect(github.issues[1]?.labels).toEqual(['pipeline-failure'])
  })

  it('a success with no open issue changes nothing', async () => {
    const run = await notify({ status: 'success', 'logical-date': '2026-03-02' })
    expect(run.code, visibleLog(run)).toBe(0)
    expect(run.outputs).toEqual({ 'issue-number': '', action: 'none' })
    expect(github.calls()).toEqual(['GET /repos/example/pipeline/issues'])
  })

  it("leaves other pipelines' issues and pull requests with the label alone", async () => {
    github.labels.set('pipeline-failure', {})
    github.issues.push(
      {
        number: 1,
        title: 'other-pipeline failed for 2026-02-27',
        body: '<!-- pipeline-notify: other-pipeline -->',
        labels: ['pipeline-failure'],
        state: 'open',
        comments: []
      },
      {
        number: 2,
        title: 'daily-customer-etl failed for x',
        body: '',
        labels: ['pipeline-failure'],
        state: 'open',
        comments: [],
        pull_request: { url: 'x' }
      }
    )
    const run = await notify(failure)
    expect(run.outputs).toEqual({ 'issue-number': '3', action: 'opened' })
    expect(github.issues[0]?.comments).toEqual([])
  })
})

describe('notify: failure evidence from the run itself', () => {
  it("without an excerpt, reads the failed jobs' error annotations of the current run", async () => {
    github.jobs.set(1000, [
      {
        id: 11,
        name: 'resolve the logical date',
        conclusion: 'success',
        steps: [],
        annotations: []
      },
      {
        id: 12,
        name: 'ingest CDC (bronze → silver)',
        conclusion: 'failure',
        steps: [
          { name: 'Run actions/checkout@v5', conclusion: 'success' },
          { name: 'Run ./', conclusion: 'failure' }
        ],
        annotations: [
          { annotation_level: 'warning', message: 'Node.js 20 is deprecated' },
          {
            annotation_level: 'failure',
            message: 'Spark job run 00abc FAILED: Job failed, exit code 1'
          },
          { annotation_level: 'failure', message: 'Process completed with exit code 1.' }
        ]
      },
      { id: 13, name: 'notify', conclusion: null, steps: [], annotations: [] }
    ])
    const run = await notify({ status: 'failure', 'logical-date': '2026-02-28' })
    expect(run.code, visibleLog(run)).toBe(0)
    expect(github.calls()).toEqual([
      'GET /repos/example/pipeline/actions/runs/1000/jobs',
      'GET /repos/example/pipeline/check-runs/12/annotations',
      'GET /repos/example/pipeline/issues',
      'GET /repos/example/pipeline/labels/pipeline-failure',
      'POST /repos/example/pipeline/labels',
      'POST /repos/example/pipeline/issues'
    ])
    expect(github.requests[0]?.query.get('filter')).toBe('latest')
    const body = github.issues[0]?.body
    expect(body).toContain('| failed jobs | ingest CDC (bronze → silver) |')
    expect(body).toContain(
      'ingest CDC (bronze → silver) › Run ./:\nSpark job run 00abc FAILED: Job failed, exit code 1'
    )
    expect(body).not.toContain('Process completed with exit code')
    expect(body).not.toContain('Node.js 20 is deprecated')
  })

  it('without actions: read it warns once and still opens the issue', async () => {
    // Fault injection: GitHub's answer to a token without actions: read.
    github.fail('GET', /\/jobs$/, 403, 'Resource not accessible by integration')
    const run = await notify({
      status: 'failure',
      'logical-date': '2026-02-28',
      'failed-jobs': 'ingest-cdc'
    })
    expect(run.code, visibleLog(run)).toBe(0)
    expect(run.outputs.action).toBe('opened')
    expect(run.stdout).toMatch(
      /::warning::Could not read the failed jobs' errors: GitHub API GET .* answered HTTP 403 .*actions: read/
    )
    expect(github.issues[0]?.body).toContain('| failed jobs | ingest-cdc |')
  })
})

describe('notify: webhook', () => {
  it('posts a Slack-compatible message (text + blocks) and never shows the URL', async () => {
    const run = await notify({ ...failure, 'webhook-url': github.webhookUrl })
    expect(run.code, visibleLog(run)).toBe(0)
    expect(github.webhookMessages).toHaveLength(1)
    const message = github.webhookMessages[0] as {
      text: string
      blocks: Array<Record<string, unknown>>
    }
    expect(message.text).toBe(
      `❌ daily-customer-etl failed for 2026-02-28 (failed: ingest-cdc) <${runUrl}|run>`
    )
    expect(message.blocks.map(block => block.type)).toEqual([
      'header',
      'section',
      'section',
      'context'
    ])
    expect(JSON.stringify(message.blocks)).toContain('AnalysisException')
    expect(JSON.stringify(message.blocks)).toContain(
      'https://github.com/example/pipeline/issues/1|Issue'
    )
    const hook = github.requests.find(request => request.path.startsWith('/hooks/'))
    expect(hook?.method).toBe('POST')
    expect(hook?.headers['content-type']).toBe('application/json')
    expect(run.stdout).toContain(`::add-mask::${github.webhookUrl}`)
    expect(visibleLog(run)).not.toContain('not-a-real-secret')
  })

  it('sends the success message too', async () => {
    const run = await notify({
      status: 'success',
      'logical-date': '2026-03-02',
      'webhook-url': github.webhookUrl
    })
    expect(run.code, visibleLog(run)).toBe(0)
    expect((github.webhookMessages[0] as { text: string }).text).toContain(
      '✅ daily-customer-etl completed for 2026-03-02'
    )
  })

  it('a failing webhook fails the step in one line without the URL, after the issue was opened', async () => {
    github.webhookStatus = 404
    const run = await notify({ ...failure, 'webhook-url': github.webhookUrl })
    expect(run.code).toBe(1)
    expect(run.outputs).toEqual({ 'issue-number': '1', action: 'opened' })
    expect(run.stdout).toContain(
      '::error::Webhook: the POST failed (HTTP 404); check the webhook-url secret'
    )
    expect(visibleLog(run)).not.toContain('not-a-real-secret')
  })

  it('refuses a webhook URL that is not http(s) without echoing it, before any request', async () => {
    const run = await notify({ ...failure, 'webhook-url': 'hooks.slack.example/secret-path-123' })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain("::error::Input 'webhook-url': expected an http(s) URL")
    expect(visibleLog(run)).not.toContain('secret-path-123')
    expect(github.requests).toEqual([])
  })
})

describe('notify: errors are one clear line and the token never shows', () => {
  it("403 says the job needs 'issues: write'", async () => {
    // Fault injection: the local server answers as GitHub does for a token without the permission.
    github.fail('POST', /\/issues$/, 403, 'Resource not accessible by integration')
    const run = await notify(failure)
    expect(run.code).toBe(1)
    const errors = run.stdout.split('\n').filter(line => line.startsWith('::error::'))
    expect(errors).toEqual([
      '::error::GitHub API POST /repos/{owner}/{repo}/issues answered HTTP 403 (Resource not accessible by integration): the workflow job needs `permissions: issues: write` for its GITHUB_TOKEN (or a token that has it)'
    ])
    expect(visibleLog(run)).not.toMatch(/^\s+at /m)
  })

  it('401 names the token input', async () => {
    const run = await runAction('notify', {
      inputs: { status: 'failure', 'github-token': 'ghs_wrongToken999', pipeline: 'p' },
      env: { GITHUB_API_URL: github.url }
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(
      /::error::GitHub API GET \/repos\/\{owner\}\/\{repo\}\/issues answered HTTP 401 \(Bad credentials\): the token is missing, expired or invalid/
    )
    expect(visibleLog(run)).not.toContain('ghs_wrongToken999')
  })

  it('retries a 502 from GitHub and succeeds', async () => {
    // Fault injection: GitHub's bad minute cannot be produced on demand.
    github.fail('GET', /\/issues$/, 502, 'Server Error')
    const run = await notify(failure)
    expect(run.code, visibleLog(run)).toBe(0)
    expect(
      github.calls().filter(call => call === 'GET /repos/example/pipeline/issues')
    ).toHaveLength(2)
    expect(run.outputs.action).toBe('opened')
  })

  it('waits out a secondary rate limit as Retry-After says, then opens the issue', async () => {
    // Fault injection: GitHub's secondary rate limit (403 with Retry-After) on the create.
    github.fail(
      'POST',
      /\/issues$/,
      403,
      'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      1,
      { 'retry-after': '1' }
    )
    const run = await notify(failure)
    expect(run.code, visibleLog(run)).toBe(0)
    expect(run.outputs.action).toBe('opened')
    expect(
      github.calls().filter(call => call === 'POST /repos/example/pipeline/issues')
    ).toHaveLength(2)
    expect(run.stdout).toContain(
      '::warning::GitHub secondary rate limit reached on POST /repos/{owner}/{repo}/issues; trying again in 1s (Retry-After)'
    )
  })

  it('a 404 from GitHub is not retried and ends in one line with the hint', async () => {
    github.fail('GET', /\/issues$/, 404, 'Not Found', 5)
    const run = await notify(failure)
    expect(run.code).toBe(1)
    expect(run.stdout.split('\n').filter(line => line.startsWith('::error::'))).toEqual([
      '::error::GitHub API GET /repos/{owner}/{repo}/issues answered HTTP 404 (Not Found): not found: check the repository and id, and that the token can see them (`issues: write`)'
    ])
    expect(github.calls()).toEqual(['GET /repos/example/pipeline/issues'])
  })

  it('still posts to the webhook when GitHub refuses, then fails with the API error', async () => {
    github.fail('GET', /\/issues$/, 403, 'Resource not accessible by integration')
    const run = await notify({ ...failure, 'webhook-url': github.webhookUrl })
    expect(run.code).toBe(1)
    expect(github.webhookMessages).toHaveLength(1)
    expect(run.stdout).toContain(
      '::error::GitHub API GET /repos/{owner}/{repo}/issues answered HTTP 403'
    )
  })

  it('the token is masked and appears nowhere else in the output', async () => {
    const run = await notify({ ...failure, 'webhook-url': github.webhookUrl })
    expect(run.stdout).toContain(`::add-mask::${token}`)
    expect(visibleLog(run)).not.toContain(token)
    expect(run.summary).not.toContain(token)
    // It was sent where it belongs: the Authorization header of the API calls.
    expect(github.requests[0]?.headers.authorization).toBe(`token ${token}`)
  })

  it.each([
    [
      { status: 'broken' },
      "::error::Input 'status': expected one of success, failure, skipped, got 'broken'"
    ],
    [
      { status: '' },
      "::error::Input 'status': expected success, failure or skipped (it is required)"
    ],
    [
      { status: 'failure', 'failed-jobs': '{not json' },
      "::error::Input 'failed-jobs': expected job names, or the needs context as JSON (toJSON(needs))"
    ]
  ])('bad input %j → one line, no request', async (inputs, message) => {
    const run = await notify(inputs)
    expect(run.code).toBe(1)
    expect(
      run.stdout
        .trim()
        .split('\n')
        .filter(line => line.startsWith('::error::'))
    ).toEqual([message])
    expect(github.requests).toEqual([])
  })
})
