import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAction, type ActionRun } from '../support/run-action.js'
import { tempDir } from '../support/temp.js'

// An endpoint that answers every request with an error echoing the request's credentials
// (as a misconfigured proxy or a debugging gateway does): S3's XML error for a bucket path,
// EMR Serverless's JSON error for /applications. Each AWS-calling bundle runs against it as
// the runner runs it; what it logs, summarises and stores in its run record (in a folder,
// where the runner's masking never applies) must hold none of the credentials.
const ACCESS_KEY = 'AKIAECHOTEST0000000A'
const SESSION_TOKEN = 'EchoSessionTokenZ9x8w7'
const credentials = {
  AWS_ACCESS_KEY_ID: ACCESS_KEY,
  AWS_SECRET_ACCESS_KEY: 'echo/secret+key0123456789abcdefghijklmnop',
  AWS_SESSION_TOKEN: SESSION_TOKEN,
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true'
}

let echo: Server
let endpoint: string
const signatures: string[] = []

beforeAll(async () => {
  echo = createServer((request, response) => {
    const authorization = request.headers.authorization ?? ''
    const signature = /Signature=([0-9a-f]+)/.exec(authorization)?.[1]
    if (signature) signatures.push(signature)
    const echoed =
      `Request refused. Authorization: ${authorization} ` +
      `X-Amz-Security-Token: ${String(request.headers['x-amz-security-token'])} ` +
      `(retry with https://lake.s3.amazonaws.com/k?X-Amz-Credential=${ACCESS_KEY}%2F20260301&X-Amz-Signature=${signature ?? ''})`
    request.resume()
    if (request.url?.startsWith('/applications')) {
      response.writeHead(403, {
        'content-type': 'application/json',
        'x-amzn-errortype': 'AccessDeniedException'
      })
      response.end(JSON.stringify({ message: echoed }))
    } else {
      response.writeHead(403, { 'content-type': 'application/xml' })
      const xml = echoed.replace(/&/g, '&amp;').replace(/</g, '&lt;')
      response.end(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>${xml}</Message><RequestId>1</RequestId></Error>`
      )
    }
  })
  await new Promise<void>(resolve => echo.listen(0, '127.0.0.1', resolve))
  endpoint = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise(resolve => echo?.close(resolve))
})

/** Every text the step left: its log, its summary, and the run records it wrote. */
function everythingLeft(run: ActionRun, lake: string): string {
  const records: string[] = []
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else records.push(readFileSync(full, 'utf8'))
    }
  }
  walk(lake)
  return [run.stdout, run.stderr, run.summary, ...records].join('\n')
}

function expectNoCredentials(text: string): void {
  expect(text).not.toContain(ACCESS_KEY)
  expect(text).not.toContain(SESSION_TOKEN)
  for (const signature of signatures) expect(text).not.toContain(signature)
}

const recordInputs = (lake: string, task: string): Record<string, string> => ({
  'run-records': lake,
  pipeline: 'daily',
  task,
  'logical-date': '2026-03-01'
})

describe('credentials an endpoint echoes in its error', () => {
  it('the Spark-job action strips them from its log, summary and run record', async () => {
    const lake = tempDir('echo-lake')
    const run = await runAction('spark-job', {
      inputs: {
        application: '00echoapp00001',
        'execution-role-arn': 'arn:aws:iam::123456789012:role/emr-serverless-job',
        'entry-point': 's3://scripts/job.py',
        ...recordInputs(lake, 'ingest')
      },
      env: { ...credentials, AWS_ENDPOINT_URL_EMR_SERVERLESS: endpoint },
      timeoutMs: 60_000
    })
    expect(run.code).toBe(1)
    const left = everythingLeft(run, lake)
    expect(left).toMatch(/AccessDeniedException: Request refused\. Authorization: \[redacted\]/)
    expect(readdirSync(path.join(lake, '_pipeline', 'runs', 'daily', 'date=2026-03-01'))).toEqual([
      'ingest.json'
    ])
    expectNoCredentials(left)
  })

  it('the quality gate strips them from its log and run record', async () => {
    const lake = tempDir('echo-lake')
    const workspace = tempDir('echo-workspace')
    mkdirSync(path.join(workspace, 'quality'))
    writeFileSync(
      path.join(workspace, 'quality', 'customers.yml'),
      'dataset: customers\nrules:\n  - row_count: { min: 1 }\n'
    )
    const run = await runAction('quality-gate', {
      inputs: {
        rules: 'quality/customers.yml',
        'metrics-root': 's3://lake/quality/metrics',
        ...recordInputs(lake, 'quality-gate')
      },
      env: { ...credentials, AWS_ENDPOINT_URL_S3: endpoint },
      cwd: workspace,
      timeoutMs: 60_000
    })
    expect(run.code).toBe(1)
    const left = everythingLeft(run, lake)
    expect(left).toContain('AccessDenied: Request refused. Authorization: [redacted]')
    expect(left).toContain('"message": "Cannot read s3://lake/quality/metrics/customers/')
    expectNoCredentials(left)
  })

  it('the report strips them from its log', async () => {
    const workspace = tempDir('echo-workspace')
    const run = await runAction('report', {
      inputs: { lake: 's3://lake', pipeline: 'daily', end: '2026-03-01', days: '2' },
      env: { ...credentials, AWS_ENDPOINT_URL_S3: endpoint },
      cwd: workspace,
      timeoutMs: 60_000
    })
    expect(run.code).toBe(1)
    const left = everythingLeft(run, workspace)
    expect(left).toContain('Authorization: [redacted]')
    expectNoCredentials(left)
  })

  it('the S3 sensor strips them from its log, summary and run record', async () => {
    const lake = tempDir('echo-lake')
    const run = await runAction('s3-sensor', {
      inputs: {
        bucket: 'lake',
        key: 'bronze/',
        timeout: '10s',
        'poke-interval': '1s',
        ...recordInputs(lake, 'wait')
      },
      env: { ...credentials, AWS_ENDPOINT_URL_S3: endpoint },
      timeoutMs: 60_000
    })
    expect(run.code).toBe(1)
    const left = everythingLeft(run, lake)
    expect(left).toContain('AccessDenied')
    expectNoCredentials(left)
  })
})
