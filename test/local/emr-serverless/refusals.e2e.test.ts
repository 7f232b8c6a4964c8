import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  EMRServerlessClient,
  GetApplicationCommand,
  GetDashboardForJobRunCommand,
  ListJobRunsCommand,
  StartJobRunCommand,
  type StartJobRunCommandInput
} from '@aws-sdk/client-emr-serverless'
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  launchHeadlessChromium,
  type HeadlessBrowser
} from '../../../scripts/lib/headless-browser.js'
import { startMoto as startGatedMoto, type Moto } from '../../../local/src/moto.js'
import { localCredentials } from '../../../local/src/service-guard.js'
import {
  startLocalEmrServerless,
  type LocalEmrServerless
} from '../../../local/src/emr-serverless/service.js'
import { awsTestEnv } from '../../support/moto.js'
import { tempDir } from '../../support/temp.js'
import { ensureJars } from './peers.js'
import { present } from '../../support/present.js'

// The local EMR Serverless and the local S3 (moto behind the harness's gate) as the local
// pipeline starts them: with this start's random credentials. What anyone else on the
// machine, or a web page in a browser on it, sends must change nothing.
const credentials = localCredentials()
const BUCKET = 'lake'
let moto: Moto
let emr: LocalEmrServerless
let client: EMRServerlessClient
let s3: S3Client
let applicationId: string

beforeAll(async () => {
  await ensureJars()
  moto = await startGatedMoto({ accessKeyId: credentials.accessKeyId })
  s3 = new S3Client({
    region: 'us-east-1',
    endpoint: moto.endpoint,
    forcePathStyle: true,
    credentials
  })
  const { CreateBucketCommand } = await import('@aws-sdk/client-s3')
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }))
  emr = await startLocalEmrServerless({
    s3Endpoint: moto.endpoint,
    workDir: tempDir('local-emr-refusals'),
    credentials,
    // What is refused is refused before any driver: no warm driver to start.
    warm: false
  })
  applicationId = present(emr.applications[0], 'an application').id
  client = new EMRServerlessClient({ region: 'us-east-1', endpoint: emr.endpoint, credentials })
}, 120_000)

afterAll(async () => {
  client?.destroy()
  s3?.destroy()
  await emr?.stop()
  await moto?.stop()
})

const runs = async (): Promise<number> =>
  (await client.send(new ListJobRunsCommand({ applicationId }))).jobRuns?.length ?? 0

const start = (
  overrides: Partial<StartJobRunCommandInput['jobDriver']> & { parameters?: string }
) =>
  client.send(
    new StartJobRunCommand({
      applicationId,
      clientToken: `token-${Math.random()}`,
      executionRoleArn: 'arn:aws:iam::123456789012:role/job',
      jobDriver: {
        sparkSubmit: {
          entryPoint: 's3://lake/jobs/missing.py',
          ...(overrides.parameters ? { sparkSubmitParameters: overrides.parameters } : {}),
          ...overrides.sparkSubmit
        }
      }
    })
  )

describe('the local EMR Serverless accepts only what its own start handed out', () => {
  it.each([
    ['the old constant credentials', { accessKeyId: 'testing', secretAccessKey: 'testing' }],
    ['the right key ID with another secret', { ...credentials, secretAccessKey: 'guessed' }]
  ])('refuses requests signed with %s', async (_what, wrong) => {
    const other = new EMRServerlessClient({
      region: 'us-east-1',
      endpoint: emr.endpoint,
      credentials: wrong
    })
    await expect(other.send(new GetApplicationCommand({ applicationId }))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      message: expect.stringMatching(/^Local EMR Serverless: the (access key|signature)/)
    })
    other.destroy()
  })

  it('refuses an unsigned request, and one with a browser Origin or a non-JSON body', async () => {
    const jobRuns = `${emr.endpoint}/applications/${applicationId}/jobruns`
    const body = JSON.stringify({
      clientToken: 'x',
      executionRoleArn: 'r',
      jobDriver: { sparkSubmit: { entryPoint: 's3://lake/a.py' } }
    })
    for (const headers of <Record<string, string>[]>[
      { 'content-type': 'application/json' },
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/json', origin: 'https://attacker.example' }
    ]) {
      const answer = await fetch(jobRuns, { method: 'POST', headers, body })
      expect(answer.status).toBe(403)
    }
    expect(await runs()).toBe(0)
  })

  it('links its dashboard page only with the token of this start', async () => {
    const { jobRunId } = await start({})
    const { url } = await client.send(new GetDashboardForJobRunCommand({ applicationId, jobRunId }))
    expect(url).toMatch(/\?token=[\w-]{20,}$/)
    expect((await fetch(url!)).status).toBe(200)
    expect((await fetch(url!.replace(/\?token=.*$/, ''))).status).toBe(403)
    expect((await fetch(url!.replace(/token=/, 'token=x'))).status).toBe(403)
  })
})

describe('the local EMR Serverless runs only what the service would', () => {
  it.each([
    [
      'an absolute entry point',
      { sparkSubmit: { entryPoint: '/etc/passwd' } },
      /^jobDriver\.sparkSubmit\.entryPoint: expected an s3:\/\/ object or a file of the EMR Serverless image/
    ],
    [
      'a local:// entry point',
      { sparkSubmit: { entryPoint: 'local:///tmp/job.py' } },
      /^jobDriver\.sparkSubmit\.entryPoint: expected/
    ],
    [
      'an image path that climbs out',
      { sparkSubmit: { entryPoint: '/usr/lib/spark/examples/../../../../etc/passwd' } },
      /^jobDriver\.sparkSubmit\.entryPoint: expected/
    ],
    [
      '--files with an absolute path',
      { parameters: '--files /home/user/.aws/credentials' },
      /^--files: expected an s3:\/\/ object/
    ],
    [
      '--py-files with an absolute path',
      { parameters: '--py-files /tmp/evil.py' },
      /^--py-files: expected/
    ],
    [
      'a loader variable in driverEnv',
      { parameters: '--conf spark.emr-serverless.driverEnv.LD_PRELOAD=/tmp/evil.so' },
      /^spark\.emr-serverless\.driverEnv\.LD_PRELOAD: LD_PRELOAD decides what code the process loads/
    ],
    [
      'PYTHONSTARTUP in executorEnv',
      { parameters: '--conf spark.executorEnv.PYTHONSTARTUP=/tmp/evil.py' },
      /PYTHONSTARTUP decides/
    ],
    [
      "PYSPARK_PYTHON outside the run's archives",
      { parameters: '--conf spark.emr-serverless.driverEnv.PYSPARK_PYTHON=/usr/bin/python3' },
      /^spark\.emr-serverless\.driverEnv\.PYSPARK_PYTHON: expected a Python inside one of the run's --archives/
    ],
    [
      'a Java agent',
      { parameters: '--conf spark.driver.extraJavaOptions=-javaagent:/tmp/evil.jar' },
      /^spark\.driver\.extraJavaOptions: Java agents/
    ]
  ])('refuses %s at StartJobRun, naming the field', async (_what, overrides, message) => {
    await expect(start(overrides)).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(message)
    })
  })

  it("takes staged objects, the image's own files and AWS's virtualenv pattern", async () => {
    const before = await runs()
    await start({ sparkSubmit: { entryPoint: 's3://lake/jobs/job.py' } })
    await start({ sparkSubmit: { entryPoint: '/usr/lib/spark/examples/src/main/python/pi.py' } })
    await start({
      parameters:
        '--archives s3://lake/venv.tar.gz#environment --conf spark.emr-serverless.driverEnv.PYSPARK_PYTHON=./environment/bin/python --conf spark.jars=/usr/share/aws/iceberg/lib/iceberg-spark3-runtime.jar'
    })
    expect(await runs()).toBe(before + 3)
  })
})

describe('the local S3 (moto behind the harness gate)', () => {
  it('refuses requests signed with another access key', async () => {
    const other = new S3Client({
      region: 'us-east-1',
      endpoint: moto.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: awsTestEnv.AWS_ACCESS_KEY_ID, secretAccessKey: 'testing' }
    })
    await expect(
      other.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'emr-staging/job.py', Body: 'x' }))
    ).rejects.toMatchObject({ name: 'AccessDenied' })
    other.destroy()
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'ok.txt', Body: 'fine' }))
  })
})

describe('a web page in a browser on the same machine', () => {
  let browser: HeadlessBrowser
  let site: Server

  beforeAll(async () => {
    // A page of another origin (another port), as a malicious site would serve it.
    site = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' })
      response.end('<!doctype html><title>elsewhere</title>')
    })
    await new Promise<void>(resolve => site.listen(0, '127.0.0.1', resolve))
    browser = await launchHeadlessChromium()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await new Promise(resolve => site?.close(resolve))
  })

  it('starts no job run with a no-cors text/plain POST, and uploads nothing with a form POST', async () => {
    const before = await runs()
    const page = await browser.context.newPage()
    await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/`)
    const sent = await page.evaluate(
      async ({ emrEndpoint, s3Endpoint, application, bucket }) => {
        const jobRun = {
          clientToken: 'from-a-page',
          executionRoleArn: 'arn:aws:iam::123456789012:role/job',
          jobDriver: { sparkSubmit: { entryPoint: 's3://lake/jobs/job.py' } }
        }
        await fetch(`${emrEndpoint}/applications/${application}/jobruns`, {
          method: 'POST',
          mode: 'no-cors',
          headers: { 'content-type': 'text/plain' },
          body: JSON.stringify(jobRun)
        })
        // S3's browser upload: a multipart form POST to the bucket.
        const form = new FormData()
        form.append('key', 'emr-staging/job.py')
        form.append('file', new Blob(['import os; os.system("id")']), 'job.py')
        await fetch(`${s3Endpoint}/${bucket}`, { method: 'POST', mode: 'no-cors', body: form })
        return true
      },
      {
        emrEndpoint: emr.endpoint,
        s3Endpoint: moto.endpoint,
        application: applicationId,
        bucket: BUCKET
      }
    )
    expect(sent).toBe(true)
    expect(await runs()).toBe(before)
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'emr-staging/' })
    )
    expect(listed.KeyCount ?? 0).toBe(0)
  })
})
