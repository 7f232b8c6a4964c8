import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsTestEnv, startMoto, type Moto } from '../support/moto.js'
import { runAction } from '../support/run-action.js'
import { workflowEffects } from '../support/workflow-log.js'
import { createBucket, motoClient, putObjects } from './support/objects.js'
import { startCountingServer, type LocalServer } from './support/servers.js'

// dist/s3-sensor/index.js run as the runner runs it: object keys are data anyone who may
// write the bucket chooses, and the `keys` input may come from an expression.
let moto: Moto
let counter: LocalServer
const BUCKET = 'hostile-lake'
const PREFIX = 'bronze/landing/'
const KEYS = [
  `${PREFIX}a\`b <img src=x onerror=alert(1)>.csv`,
  `${PREFIX}report\u202efdp.exe`,
  `${PREFIX}x|y ![p](https://tracker.example/p.png) @org/team.csv`
]

beforeAll(async () => {
  moto = await startMoto()
  counter = await startCountingServer()
  const client = motoClient(moto.endpoint)
  await createBucket(client, BUCKET)
  await putObjects(
    client,
    BUCKET,
    KEYS.map(key => ({ key })),
    4
  )
  client.destroy()
})
afterAll(async () => {
  await counter?.close()
  await moto?.stop()
})

describe('the S3 sensor with hostile keys', () => {
  it('lists keys in the summary as code spans they cannot close, with hidden characters shown', async () => {
    const run = await runAction('s3-sensor', {
      inputs: {
        bucket: BUCKET,
        key: PREFIX,
        'min-objects': '3',
        timeout: '30s',
        'poke-interval': '1s'
      },
      env: { ...awsTestEnv, AWS_ENDPOINT_URL_S3: moto.endpoint },
      timeoutMs: 60_000
    })
    expect(run.code, run.stdout).toBe(0)
    const items = run.summary.split('\n').filter(line => line.startsWith('- '))
    expect(items).toEqual([
      '- ``bronze/landing/a`b <img src=x onerror=alert(1)>.csv`` (1 B)',
      '- `bronze/landing/report\\u202efdp.exe` (1 B)',
      '- `bronze/landing/x|y ![p](https://tracker.example/p.png) @org/team.csv` (1 B)'
    ])
    expect(run.summary).not.toContain('\u202e')
    // Outside the code spans, no markup of the keys' reaches the summary.
    const outsideCode = run.summary.replace(/(`+)[^`]*?(?:`[^`]+)*?\1/g, '')
    expect(outsideCode).not.toMatch(/<img|tracker\.example|@org/)
    expect(workflowEffects(run.stdout).annotations).toEqual([])
  })

  it('refuses a keys entry with a carriage return in it, naming the input, before any request', async () => {
    const run = await runAction('s3-sensor', {
      inputs: { bucket: BUCKET, keys: 'bronze/a.csv\rbronze/b.csv' },
      env: { ...awsTestEnv, AWS_ENDPOINT_URL_S3: counter.endpoint },
      timeoutMs: 30_000
    })
    expect(run.code).toBe(1)
    const errors = workflowEffects(run.stdout).annotations
    expect(errors.map(error => error.message)).toEqual([
      "Input 'keys': expected one key per line, without a carriage return inside a line (one at character 13)"
    ])
    expect(counter.requests).toBe(0)
  })
})
