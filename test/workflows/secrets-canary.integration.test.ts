import { createServer, request as forward, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { LocalGitHub, type RecordedRequest, type StoredRun } from '../notify/local-github.js'
import { createBucket, motoClient, putObjects } from '../s3/support/objects.js'
import { startMoto } from '../support/moto.js'
import { runAction, type ActionRun } from '../support/run-action.js'

// Canary secrets passed through every action that takes one (notify's github-token and
// webhook-url, auto-retry's and logical-date's github-token, and the AWS credentials that
// configure-aws-credentials exports to the sensor), each run as its bundle as the runner
// runs it. The GitHub REST API and the webhook are a local HTTP server on 127.0.0.1
// (../notify/local-github.ts) that records every request. A canary may appear only where it
// belongs: the token in the Authorization header of API requests, the webhook URL as the
// address the message is posted to, and both in the ::add-mask:: commands that tell the
// runner to hide them. Nowhere else: not in the log, an output, the summary, a request body,
// a query or another request's headers, raw or encoded.
const tokenCanary = 'ghs_CANARYtoken7f3a9c1e5b2d8f4a6c0e'
const github = new LocalGitHub(tokenCanary)
let webhookCanary = ''

beforeAll(async () => {
  await github.start()
  webhookCanary = `${github.url}/hooks/T0CANARY/B0CANARY/canaryWebhookSecret9d2e7b`
})
afterAll(() => github.stop())
beforeEach(() => github.reset())

/** The forms in which a leaked secret would still be readable. */
const forms = (secret: string): string[] => [
  secret,
  encodeURIComponent(secret),
  Buffer.from(secret).toString('base64'),
  // The secret part of each: a URL cut at its host must not leak its path either.
  secret.slice(secret.lastIndexOf('/') + 1)
]

function expectNoCanary(where: string, text: string): void {
  for (const canary of [tokenCanary, webhookCanary]) {
    for (const form of forms(canary)) expect(text, `${where} holds a canary`).not.toContain(form)
  }
}

function expectCanariesOnlyWhereTheyBelong(run: ActionRun, requests: RecordedRequest[]): void {
  const lines = (run.stdout + run.stderr).split('\n')
  const masks = lines.filter(line => line.startsWith('::add-mask::'))
  expectNoCanary('the log', lines.filter(line => !line.startsWith('::add-mask::')).join('\n'))
  expectNoCanary('the outputs', JSON.stringify(run.outputs))
  expectNoCanary('the saved state', JSON.stringify(run.state))
  expectNoCanary('the summary', run.summary)
  expect(masks, 'the token is masked').toContain(`::add-mask::${tokenCanary}`)
  expect(requests.length).toBeGreaterThan(0)
  for (const request of requests) {
    const label = `${request.method} ${request.path}`
    const { authorization, ...headers } = request.headers
    expectNoCanary(`the body of ${label}`, JSON.stringify(request.body ?? ''))
    expectNoCanary(`the query of ${label}`, request.query.toString())
    expectNoCanary(`the other headers of ${label}`, JSON.stringify(headers))
    if (request.path.startsWith('/hooks/')) {
      expect(`${github.url}${request.path}`, label).toBe(webhookCanary)
      expect(authorization, `${label} carries no token`).toBeUndefined()
    } else {
      expectNoCanary(`the path of ${label}`, request.path)
      expect(authorization, label).toBe(`token ${tokenCanary}`)
    }
  }
}

const env = (): Record<string, string> => ({ GITHUB_API_URL: github.url })

function storeRun(overrides: Partial<StoredRun> = {}): void {
  github.runs.set(777, {
    id: 777,
    name: 'Daily customer ETL',
    path: '.github/workflows/daily-customer-etl.yml',
    event: 'schedule',
    status: 'completed',
    conclusion: 'failure',
    run_attempt: 1,
    created_at: new Date(Date.now() - 3_600_000).toISOString(),
    ...overrides
  })
}

const notifyFailure = {
  'github-token': tokenCanary,
  status: 'failure',
  pipeline: 'daily-customer-etl',
  'logical-date': '2026-02-28',
  'failed-jobs': 'ingest-cdc',
  'error-excerpt': 'AnalysisException: Path does not exist'
}

describe('the canary check', () => {
  // It must be able to fail, or every test below proves nothing.
  const clean: ActionRun = {
    code: 0,
    signal: null,
    stdout: `::add-mask::${tokenCanary}\nall good\n`,
    stderr: '',
    outputs: { action: 'none' },
    state: {},
    summary: 'done'
  }
  const apiCall = (overrides: Partial<RecordedRequest> = {}): RecordedRequest => ({
    method: 'GET',
    path: '/repos/example/pipeline/issues',
    query: new URLSearchParams(),
    body: undefined,
    headers: { authorization: `token ${tokenCanary}` },
    ...overrides
  })

  it('passes a run that keeps its canaries where they belong', () => {
    expect(() => expectCanariesOnlyWhereTheyBelong(clean, [apiCall()])).not.toThrow()
  })

  it('fails a run whose canary shows anywhere else, raw or encoded', () => {
    const cases: Array<[string, ActionRun, RecordedRequest]> = [
      ['the log', { ...clean, stderr: `Error: bad token ${tokenCanary}` }, apiCall()],
      ['the summary', { ...clean, summary: `posted to ${webhookCanary}` }, apiCall()],
      ['the outputs', { ...clean, outputs: { url: encodeURIComponent(webhookCanary) } }, apiCall()],
      [
        'the log',
        { ...clean, stdout: `${clean.stdout}${Buffer.from(tokenCanary).toString('base64')}` },
        apiCall()
      ],
      ['the body', clean, apiCall({ method: 'POST', body: { text: webhookCanary } })],
      ['the body', clean, apiCall({ path: '/hooks/x', headers: {}, body: { t: tokenCanary } })],
      ['the other headers', clean, apiCall({ headers: { 'x-token': tokenCanary } })],
      ['carries no token', clean, apiCall({ path: new URL(webhookCanary).pathname })]
    ]
    expect(webhookCanary).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/hooks\//)
    for (const [where, run, request] of cases) {
      expect(() => expectCanariesOnlyWhereTheyBelong(run, [request]), where).toThrow(where)
    }
  })
})

describe('canary secrets never leak', () => {
  it('notify: token and webhook through open, comment and close of the failure issue', async () => {
    const inputs = { ...notifyFailure, 'webhook-url': webhookCanary }
    const runs = [
      await runAction('notify', { inputs, env: env(), timeoutMs: 30_000 }),
      await runAction('notify', { inputs, env: env(), timeoutMs: 30_000 }),
      await runAction('notify', {
        inputs: { ...inputs, status: 'success' },
        env: env(),
        timeoutMs: 30_000
      })
    ]
    expect(runs.map(run => run.outputs.action)).toEqual(['opened', 'commented', 'closed'])
    expect(github.webhookMessages).toHaveLength(3)
    for (const run of runs) {
      expect(run.stdout).toContain(`::add-mask::${webhookCanary}`)
      expectCanariesOnlyWhereTheyBelong(run, github.requests)
    }
    expectNoCanary('the issue', JSON.stringify(github.issues))
  })

  it('notify: not in the error lines when the webhook and the API refuse', async () => {
    github.webhookStatus = 500
    const hookFails = await runAction('notify', {
      inputs: { ...notifyFailure, 'webhook-url': webhookCanary },
      env: env(),
      timeoutMs: 30_000
    })
    expect(hookFails.code).toBe(1)
    expect(hookFails.stdout).toContain('::error::Webhook:')
    expectCanariesOnlyWhereTheyBelong(hookFails, github.requests)

    github.reset()
    // Fault injection: the local server answers as GitHub does for a token without the permission.
    github.fail('POST', /\/issues$/, 403, 'Resource not accessible by integration')
    const apiFails = await runAction('notify', {
      inputs: notifyFailure,
      env: env(),
      timeoutMs: 30_000
    })
    expect(apiFails.code).toBe(1)
    expect(apiFails.stdout).toContain('::error::GitHub API POST')
    expectCanariesOnlyWhereTheyBelong(apiFails, github.requests)
  })

  it('auto-retry: token through a re-run and its watch, and through a refused re-run', async () => {
    storeRun()
    github.scriptReruns(777, [{ conclusion: 'success', readsWhileRunning: 1 }])
    const inputs = {
      'github-token': tokenCanary,
      'run-id': '777',
      workflow: 'daily-customer-etl.yml',
      'retry-delay': '0s',
      'poll-interval': '1s'
    }
    const retried = await runAction('auto-retry', { inputs, env: env(), timeoutMs: 30_000 })
    expect(retried.code, retried.stdout).toBe(0)
    expect(retried.outputs.reruns).toBe('1')
    expectCanariesOnlyWhereTheyBelong(retried, github.requests)

    github.reset()
    storeRun()
    // Fault injection: GitHub's answer to a token without actions: write.
    github.fail('POST', /rerun-failed-jobs$/, 403, 'Resource not accessible by integration')
    const refused = await runAction('auto-retry', { inputs, env: env(), timeoutMs: 30_000 })
    expect(refused.code).toBe(1)
    expectCanariesOnlyWhereTheyBelong(refused, github.requests)
  })

  it('logical-date: token through the read of the run, and through a 401', async () => {
    github.runs.set(1000, {
      id: 1000,
      name: 'Daily customer ETL',
      path: '.github/workflows/daily-customer-etl.yml',
      event: 'schedule',
      status: 'in_progress',
      conclusion: null,
      run_attempt: 1,
      created_at: '2026-03-01T02:00:07Z'
    })
    const inputs = { 'github-token': tokenCanary, 'event-name': 'schedule' }
    const resolved = await runAction('logical-date', {
      inputs,
      env: { ...env(), GITHUB_RUN_ID: '1000' },
      timeoutMs: 30_000
    })
    expect(resolved.code, resolved.stdout).toBe(0)
    expect(resolved.outputs.date).toBe('2026-02-28')
    expectCanariesOnlyWhereTheyBelong(resolved, github.requests)

    github.reset()
    // Fault injection: the answer GitHub gives an expired token.
    github.fail('GET', /\/actions\/runs\/1000$/, 401, 'Bad credentials')
    const refused = await runAction('logical-date', {
      inputs,
      env: { ...env(), GITHUB_RUN_ID: '1000' },
      timeoutMs: 30_000
    })
    expect(refused.code).toBe(1)
    expectCanariesOnlyWhereTheyBelong(refused, github.requests)
  })
})

describe('canary AWS credentials never leak', () => {
  // The credentials configure-aws-credentials exports reach the AWS actions as environment
  // variables; the sensor stands for them here (one moto start). S3 is moto on 127.0.0.1,
  // behind a pass-through proxy on 127.0.0.1 that records every request.
  const secretKeyCanary = 'CANARYsecretAccessKey/4b9e1d7c+2a6f8e0d3c5b'
  const sessionTokenCanary = 'CANARYsessionToken5e8a2c7f1d9b3e6a0c4f8d2b'
  let stopAll: () => Promise<void> = async () => {}
  const seen: Array<{ method: string; url: string; headers: IncomingHttpHeaders; body: string }> =
    []
  let proxyUrl = ''

  beforeAll(async () => {
    const moto = await startMoto()
    const client = motoClient(moto.endpoint)
    await createBucket(client, 'canary-lake')
    await putObjects(client, 'canary-lake', [
      { key: 'bronze/customers/date=2026-02-28/part-0.json' },
      { key: 'bronze/customers/date=2026-02-28/_SUCCESS' }
    ])
    const target = new URL(moto.endpoint)
    const proxy = createServer((incoming, outgoing) => {
      let body = ''
      incoming.on('data', chunk => (body += String(chunk)))
      incoming.on('end', () => {
        seen.push({
          method: incoming.method ?? '',
          url: incoming.url ?? '',
          headers: incoming.headers,
          body
        })
        const upstream = forward(
          {
            host: target.hostname,
            port: target.port,
            method: incoming.method,
            path: incoming.url,
            headers: incoming.headers
          },
          answer => {
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers)
            answer.pipe(outgoing)
          }
        )
        upstream.end(body)
      })
    })
    await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve))
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
    stopAll = async () => {
      await new Promise(resolve => proxy.close(resolve))
      await moto.stop()
    }
  })
  afterAll(() => stopAll())

  it('s3-sensor: the secret key is sent nowhere, the session token only in its signed header', async () => {
    const run = await runAction('s3-sensor', {
      inputs: {
        bucket: 'canary-lake',
        key: 'bronze/customers/date=2026-02-28/',
        'success-marker': '_SUCCESS',
        timeout: '1m',
        'poke-interval': '5s'
      },
      env: {
        AWS_ACCESS_KEY_ID: 'AKIACANARYEXAMPLE0001',
        AWS_SECRET_ACCESS_KEY: secretKeyCanary,
        AWS_SESSION_TOKEN: sessionTokenCanary,
        AWS_REGION: 'us-east-1',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_ENDPOINT_URL_S3: proxyUrl
      },
      timeoutMs: 60_000
    })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.outputs.found).toBe('true')
    const everything = [run.stdout, run.stderr, JSON.stringify(run.outputs), run.summary]
    for (const canary of [secretKeyCanary, sessionTokenCanary]) {
      for (const form of forms(canary)) {
        for (const text of everything) expect(text).not.toContain(form)
      }
    }
    expect(seen.length).toBeGreaterThan(0)
    for (const request of seen) {
      const { 'x-amz-security-token': sessionToken, ...headers } = request.headers
      expect(sessionToken, `${request.method} ${request.url}`).toBe(sessionTokenCanary)
      const rest = [request.url, request.body, JSON.stringify(headers)]
      for (const form of [...forms(secretKeyCanary), ...forms(sessionTokenCanary)]) {
        for (const text of rest)
          expect(text, `${request.method} ${request.url}`).not.toContain(form)
      }
    }
  })
})
