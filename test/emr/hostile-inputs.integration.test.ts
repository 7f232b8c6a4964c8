import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsTestEnv } from '../support/moto.js'
import { runAction } from '../support/run-action.js'
import { workflowEffects } from '../support/workflow-log.js'
import { startCountingServer, type LocalServer } from '../s3/support/servers.js'

// dist/spark-job run as the runner runs it, pointed at an endpoint that only counts: a
// malformed application is one line naming the input, and nothing is sent.
let counter: LocalServer
beforeAll(async () => {
  counter = await startCountingServer()
})
afterAll(async () => {
  await counter?.close()
})

describe('the Spark-job action with a malformed application', () => {
  it.each([
    ['a newline', '00fakeapp00001\n::error::forged'],
    ['a path step', '../../applications/00fakeapp00001'],
    ['a character the service never allows', 'etl app']
  ])('refuses %s, naming the input, before any request', async (_what, application) => {
    const run = await runAction('spark-job', {
      inputs: {
        application,
        'execution-role-arn': 'arn:aws:iam::123456789012:role/emr-serverless-job',
        'entry-point': 's3://scripts/job.py'
      },
      env: {
        ...awsTestEnv,
        AWS_ENDPOINT_URL_EMR_SERVERLESS: counter.endpoint,
        AWS_ENDPOINT_URL_S3: counter.endpoint
      },
      timeoutMs: 30_000
    })
    expect(run.code).toBe(1)
    const errors = workflowEffects(run.stdout).annotations.map(error => error.message)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(
      /^Input 'application': expected an EMR Serverless application ID or name \(1 to 64 of A-Z a-z 0-9 \. _ - \/ #\), got '/
    )
    expect(errors[0]).not.toContain('\n')
    expect(counter.requests).toBe(0)
  })
})
