import { spawn } from 'node:child_process'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { EMRServerlessClient, GetApplicationCommand } from '@aws-sdk/client-emr-serverless'
import { describe, expect, it } from 'vitest'
import { awsTestEnv, projectRoot } from '../../support/moto.js'
import { tempDir } from '../../support/temp.js'
import { ensureJars, SPARK_TEST_TIMEOUT_MS } from './peers.js'
import { group } from '../../../src/core/regex.js'
import { present } from '../../support/present.js'

const script = path.join(projectRoot, 'scripts', 'local-emr-serverless.ts')
const tsx = path.join(projectRoot, 'node_modules', '.bin', 'tsx')

function start(args: string[]) {
  return spawn(tsx, [script, ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...awsTestEnv },
    stdio: ['ignore', 'pipe', 'pipe']
  })
}

describe('npm run local-emr (the service on its own)', () => {
  it('refuses a bad argument with one line, before starting anything', async () => {
    const child = start(['--s3-endpoint', 'http://127.0.0.1:9', '--application', 'Not_An_Id=etl'])
    let stderr = ''
    child.stderr.on('data', chunk => (stderr += String(chunk)))
    const code = await new Promise(resolve => child.once('close', resolve))
    expect(code).toBe(2)
    expect(
      stderr
        .trim()
        .split('\n')
        .filter(line => line.startsWith('local-emr'))
    ).toEqual([
      "local-emr-serverless: --application: expected ID=NAME (ID of lowercase letters and digits), got 'Not_An_Id=etl'"
    ])
  })

  it(
    'serves the given applications until SIGINT',
    async () => {
      await ensureJars()
      const child = start([
        '--s3-endpoint',
        'http://127.0.0.1:9',
        '--application',
        'etl01=daily-etl',
        '--work-dir',
        tempDir('local-emr-cli')
      ])
      const lines = createInterface({ input: child.stdout })
      const exported = await new Promise<Record<string, string>>((resolve, reject) => {
        const values: Record<string, string> = {}
        lines.on('line', line => {
          const match = /^export (\w+)=(\S+)$/.exec(line)
          if (match) values[group(match, 1)] = group(match, 2)
          if (line === 'unset AWS_SESSION_TOKEN') resolve(values)
        })
        child.once('close', code => reject(new Error(`exited with ${code} before serving`)))
      })
      const emr = new EMRServerlessClient({
        region: 'us-east-1',
        endpoint: present(exported.AWS_ENDPOINT_URL_EMR_SERVERLESS, 'the endpoint export'),
        credentials: {
          accessKeyId: present(exported.AWS_ACCESS_KEY_ID, 'the access key export'),
          secretAccessKey: present(exported.AWS_SECRET_ACCESS_KEY, 'the secret key export')
        }
      })
      const { application } = await emr.send(new GetApplicationCommand({ applicationId: 'etl01' }))
      expect(application?.name).toBe('daily-etl')
      emr.destroy()
      child.kill('SIGINT')
      expect(await new Promise(resolve => child.once('close', resolve))).toBe(0)
    },
    SPARK_TEST_TIMEOUT_MS
  )
})
