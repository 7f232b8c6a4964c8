import { GetJobRunCommand } from '@aws-sdk/client-emr-serverless'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { AwsClientSettings } from '../../src/core/aws.js'
import { createEmrServerlessClient, createS3Client } from '../../src/core/aws-clients.js'
import { isThrottling, isTransient } from '../../src/core/aws-errors.js'
import { S3Lister } from '../../src/s3/lister.js'

/**
 * The errors the real SDK raises, classified by src/core/retry.ts. Fault injection: small
 * local HTTP servers refuse, drop, stall or answer as AWS does when it throttles or refuses a
 * request; no peer produces these on demand. One try per request, so each error is the
 * first one the SDK saw.
 */

const servers: Server[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise(resolve => server.close(resolve))
  }
})

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler)
  servers.push(server)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

const once = (endpoint: string): AwsClientSettings => ({
  region: 'us-east-1',
  endpoint,
  maxAttempts: 1
})
const timeouts = { connectionMs: 1000, requestMs: 300 }

async function s3Error(endpoint: string): Promise<unknown> {
  const lister = new S3Lister(createS3Client(once(endpoint), {}, timeouts), 'data-lake')
  return lister.list('bronze/').then(
    () => expect.fail('the listing should have failed'),
    (error: unknown) => error
  )
}

async function emrError(endpoint: string): Promise<unknown> {
  const emr = createEmrServerlessClient(once(endpoint), timeouts)
  return emr.send(new GetJobRunCommand({ applicationId: 'app', jobRunId: 'run' })).then(
    () => expect.fail('GetJobRun should have failed'),
    (error: unknown) => error
  )
}

const emrAnswer = (status: number, type: string, message: string) =>
  serve((_request, response) => {
    const body = JSON.stringify({ message })
    response
      .writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type })
      .end(body)
  })

describe('errors of the real SDK', () => {
  it('a refused connection is transient', async () => {
    const endpoint = await serve(() => undefined)
    await new Promise(resolve => servers.pop()!.close(resolve))
    const error = await s3Error(endpoint)
    expect(error).toMatchObject({ code: 'ECONNREFUSED' })
    expect(isTransient(error)).toBe(true)
  })

  it('a dropped connection is transient', async () => {
    const error = await s3Error(await serve(request => request.socket.destroy()))
    expect(error).toMatchObject({ code: 'ECONNRESET' })
    expect(isTransient(error)).toBe(true)
  })

  it('a request that outlives its timeout is transient', async () => {
    const error = await s3Error(await serve(() => undefined))
    expect(error).toMatchObject({ name: 'TimeoutError' })
    expect(isTransient(error)).toBe(true)
  })

  it("S3's 503 SlowDown is throttling", async () => {
    const endpoint = await serve((_request, response) => {
      response
        .writeHead(503, { 'content-type': 'application/xml' })
        .end(
          '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>'
        )
    })
    const error = await s3Error(endpoint)
    expect(error).toMatchObject({ name: 'SlowDown' })
    expect(isThrottling(error)).toBe(true)
    expect(isTransient(error)).toBe(true)
  })

  it("EMR Serverless's 400 ThrottlingException is throttling, by its name", async () => {
    const error = await emrError(await emrAnswer(400, 'ThrottlingException', 'Rate exceeded'))
    expect(error).toMatchObject({ name: 'ThrottlingException' })
    expect(isThrottling(error)).toBe(true)
    expect(isTransient(error)).toBe(true)
  })

  it('a 500 InternalServerException is transient', async () => {
    const error = await emrError(await emrAnswer(500, 'InternalServerException', 'oops'))
    expect(error).toMatchObject({ name: 'InternalServerException' })
    expect(isTransient(error)).toBe(true)
  })

  it('a service answer is final whatever its text says about networks or time-outs', async () => {
    const endpoint = await emrAnswer(
      400,
      'ValidationException',
      'networkConfiguration: the connection to subnet-1 timed out (socket hang up, ECONNRESET)'
    )
    const error = await emrError(endpoint)
    expect(error).toMatchObject({ name: 'ValidationException' })
    expect(isTransient(error)).toBe(false)
    expect(isThrottling(error)).toBe(false)
  })

  it('access denied is final (the SDK counts it among clock-skew errors it corrects itself)', async () => {
    const error = await emrError(await emrAnswer(403, 'AccessDeniedException', 'not allowed'))
    expect(error).toMatchObject({ name: 'AccessDeniedException' })
    expect(isTransient(error)).toBe(false)
  })
})
