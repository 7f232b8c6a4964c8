import { CreateApplicationCommand, EMRServerlessClient } from '@aws-sdk/client-emr-serverless'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { awsClientSettings } from '../../src/core/aws.js'
import { createS3Client } from '../../src/core/aws-clients.js'
import { Inputs } from '../../src/core/inputs.js'
import { MemoryLogger } from '../../src/core/log.js'
import { createEmrClients } from '../../src/emr/clients.js'
import { cancelJobRun, submitJobRun } from '../../src/emr/job-runs.js'
import { waitForJobRun } from '../../src/emr/waiter.js'
import { S3MetricsStore } from '../../src/quality/metrics-store.js'
import { S3Lister } from '../../src/s3/lister.js'
import { runSensor } from '../../src/s3/sensor.js'
import { parseTarget } from '../../src/s3/target.js'
import {
  isStartJobRun,
  startFaultProxy as startEmrFaultProxy,
  type FaultProxy
} from '../emr/fault-proxy.js'
import { FakeClock } from '../emr/support/fake-clock.js'
import { startFaultProxy as startS3FaultProxy } from '../s3/support/servers.js'
import { startMoto, type Moto } from '../support/moto.js'

/**
 * How many requests one operation can send when AWS keeps failing: the SDK's retry strategy
 * is the only layer that sends a request again (docs/operations.md, "Retries and alerts"), so
 * the bound is its attempts per request, never attempts × the actions' own tries (25 before).
 *
 * Fault injection: HTTP proxies in front of moto (test/emr/fault-proxy.ts for EMR Serverless,
 * test/s3/support/servers.ts for S3) answer with throttling or drop the connection; moto does
 * neither on demand. The clients are the production ones, with their retry pauses set to 0 so
 * that counting requests does not mean waiting for them.
 */

const settings = (endpoint: string) =>
  awsClientSettings(new Inputs(name => ({ region: 'us-east-1', endpoint })[name]), {})
const noPause = { retryDelayMs: () => 0 }
const ATTEMPTS = 5

let moto: Moto
beforeAll(async () => {
  moto = await startMoto()
})
afterAll(async () => {
  await moto?.stop()
})

it('the actions ask the SDK for 5 attempts per request', () => {
  expect(settings('http://127.0.0.1:1').maxAttempts).toBe(ATTEMPTS)
})

describe('S3 (every request answered 503 SlowDown or dropped)', () => {
  const closers: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const close of closers.splice(0)) await close()
  })

  async function failingS3(fault: 'slowdown' | 'drop') {
    const proxy = await startS3FaultProxy(moto.endpoint, Array(500).fill(fault))
    closers.push(() => proxy.close())
    return { proxy, client: createS3Client(settings(proxy.endpoint), {}, undefined, noPause) }
  }

  it.each(['slowdown', 'drop'] as const)(
    'one sensor poke sends at most 5 ListObjectsV2 (%s)',
    async fault => {
      const { proxy, client } = await failingS3(fault)
      const result = await runSensor({
        target: parseTarget({ bucket: 'data-lake', key: 'bronze/date=2026-01-01/', keys: [] }),
        conditions: { minObjects: 1, minObjectBytes: 0, minTotalBytes: 0, settleMs: 0 },
        timing: {
          pokeIntervalMs: 60_000,
          backoff: false,
          maxPokeIntervalMs: 60_000,
          timeoutMs: 180_000,
          softFail: true
        },
        lister: new S3Lister(client, 'data-lake'),
        clock: new FakeClock(),
        logger: new MemoryLogger()
      })
      expect(result.found).toBe(false)
      expect(result.pokes).toBe(4)
      expect(proxy.requests).toBe(result.pokes * ATTEMPTS)
    }
  )

  it('one metrics document read sends at most 5 GetObject', async () => {
    const { proxy, client } = await failingS3('slowdown')
    const store = new S3MetricsStore(client, 'lake', 'metrics')
    await expect(store.read('customers', '2026-01-01', 'metrics.json')).rejects.toThrow(
      /^Cannot read s3:\/\/lake\/metrics\/customers\/date=2026-01-01\/metrics\.json: SlowDown/
    )
    expect(proxy.requests).toBe(ATTEMPTS)
  })
})

describe('EMR Serverless (fault proxy in front of moto)', () => {
  let proxy: FaultProxy
  let applicationId: string
  beforeAll(async () => {
    const emr = new EMRServerlessClient({ region: 'us-east-1', endpoint: moto.endpoint })
    const created = await emr.send(
      new CreateApplicationCommand({ name: 'bounds', releaseLabel: 'emr-7.1.0', type: 'SPARK' })
    )
    applicationId = created.applicationId!
  })
  beforeAll(async () => {
    proxy = await startEmrFaultProxy(moto.endpoint)
  })
  afterEach(() => {
    proxy.requests.length = 0
    proxy.decide = () => undefined
  })
  afterAll(async () => {
    await proxy?.close()
  })

  const clients = () => createEmrClients(settings(proxy.endpoint), {}, undefined, noPause)
  const kinds = () =>
    proxy.requests.map(request =>
      isStartJobRun(request) ? 'StartJobRun' : `${request.method} ${request.path.split('?')[0]}`
    )
  const request = () => ({
    applicationId,
    name: `bounds/${Math.random().toString(36).slice(2, 8)}`,
    clientToken: 'token-1',
    executionRoleArn: 'arn:aws:iam::123456789012:role/emr-serverless-job',
    jobDriver: { sparkSubmit: { entryPoint: 's3://data-lake/job.py' } }
  })

  it.each(['throttle', 'drop-before'] as const)(
    'one GetJobRun poll sends at most 5 requests (%s)',
    async fault => {
      proxy.decide = () => fault
      const result = await waitForJobRun(clients().emr, applicationId, 'run1', {
        pollMinMs: 1000,
        pollMaxMs: 1000,
        timeoutMs: 0,
        clock: new FakeClock(),
        logger: new MemoryLogger()
      })
      expect(result).toMatchObject({ outcome: 'timeout', polls: 1 })
      expect(proxy.requests).toHaveLength(ATTEMPTS)
    }
  )

  it('a throttled StartJobRun is sent once, then the action looks for the run and stops when it cannot tell', async () => {
    proxy.decide = () => 'throttle'
    const { emr, emrSubmit } = clients()
    await expect(
      submitJobRun(emrSubmit, emr, request(), {
        clock: new FakeClock(),
        logger: new MemoryLogger()
      })
    ).rejects.toMatchObject({ name: 'ThrottlingException' })
    expect(kinds()).toEqual([
      'StartJobRun',
      ...Array(ATTEMPTS).fill(`GET /applications/${applicationId}/jobruns`)
    ])
  })

  it('StartJobRun is never sent twice in a row: the SDK does not re-send it, and each new try follows a look for the run', async () => {
    proxy.decide = request => (isStartJobRun(request) ? 'drop-before' : undefined)
    const { emr, emrSubmit } = clients()
    await expect(
      submitJobRun(emrSubmit, emr, request(), {
        clock: new FakeClock(),
        logger: new MemoryLogger(),
        attempts: 3
      })
    ).rejects.toMatchObject({ code: 'ECONNRESET' })
    const list = `GET /applications/${applicationId}/jobruns`
    expect(kinds()).toEqual(['StartJobRun', list, 'StartJobRun', list, 'StartJobRun'])
  })

  it('one CancelJobRun sends at most 5 requests', async () => {
    proxy.decide = () => 'throttle'
    const logger = new MemoryLogger()
    expect(await cancelJobRun(clients().emr, applicationId, 'run1', logger)).toBe(false)
    expect(proxy.requests).toHaveLength(ATTEMPTS)
    expect(logger.lines).toEqual([
      'warning: Could not cancel job run run1: ThrottlingException: Rate exceeded'
    ])
  })
})
