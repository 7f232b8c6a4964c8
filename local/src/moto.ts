import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'

export const projectRoot = path.resolve(import.meta.dirname, '..', '..')
export const venvPython = path.join(projectRoot, '.venv', 'bin', 'python')

/** Dummy credentials and region: moto accepts any, and nothing here may reach real AWS. */
export const awsTestEnv = {
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_SESSION_TOKEN: 'testing',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true'
}
Object.assign(process.env, awsTestEnv)

/**
 * What an action needs to reach the local S3 and the local EMR Serverless, as on AWS: both
 * endpoints and the credentials the local EMR Serverless was started with (the only ones it
 * accepts, and the only ones a gated local S3 accepts), with no session token.
 */
export function localAwsEnv(
  s3Endpoint: string,
  emr: { endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } }
): Record<string, string> {
  return {
    ...awsTestEnv,
    AWS_ACCESS_KEY_ID: emr.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: emr.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: '',
    AWS_ENDPOINT_URL_S3: s3Endpoint,
    AWS_ENDPOINT_URL_EMR_SERVERLESS: emr.endpoint
  }
}

export interface Moto {
  /** http://127.0.0.1:<port> */
  endpoint: string
  port: number
  /** Forgets every bucket, object and application (moto's own reset API). */
  reset(): Promise<void>
  /** Calls a test-only control route of the harness (`/_harness/<route>`). */
  control<T = unknown>(route: string, body?: unknown): Promise<T>
  stop(): Promise<void>
}

export interface MotoOptions {
  /**
   * Folders of harness extensions (Python modules such as harness_emr.py, which register
   * more control routes on import), put on the harness's PYTHONPATH.
   */
  extensions?: readonly string[]
  /**
   * The only access key ID the local S3 then accepts (the local pipeline's random one); by
   * default any. Handed over in the environment, which other users of the machine cannot read.
   */
  accessKeyId?: string
}

/**
 * Starts the moto harness (./moto_harness.py) on a free 127.0.0.1 port: the local S3 and
 * EMR Serverless of the local pipeline and of the tests. Each test file gets its own server,
 * so files can run in parallel without resetting each other.
 */
export async function startMoto({ extensions = [], accessKeyId }: MotoOptions = {}): Promise<Moto> {
  if (!existsSync(venvPython)) {
    throw new Error('No .venv: run `bash scripts/setup-python.sh` (the test command does it)')
  }
  const pythonPath = [...extensions, process.env.PYTHONPATH ?? ''].filter(Boolean)
  const child = spawn(venvPython, [path.join(import.meta.dirname, 'moto_harness.py')], {
    cwd: import.meta.dirname,
    stdio: ['pipe', 'pipe', 'pipe'],
    // Its own process group: a Ctrl-C at the terminal reaches the whole foreground group,
    // and the local S3 must outlive the cancel (the post steps and the lake's save use it).
    // It still ends with its parent: its stdin closes then.
    detached: true,
    env: {
      ...process.env,
      PYTHONUNBUFFERED: '1',
      MOTO_HARNESS_ACCESS_KEY_ID: accessKeyId ?? '',
      ...(pythonPath.length ? { PYTHONPATH: pythonPath.join(path.delimiter) } : {})
    }
  })
  const port = await readPort(child)
  const endpoint = `http://127.0.0.1:${port}`
  const post = async (url: string, body?: unknown): Promise<Response> => {
    const response = await fetch(`${endpoint}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${await response.text()}`)
    return response
  }
  return {
    endpoint,
    port,
    reset: async () => {
      await post('/moto-api/reset')
    },
    control: async <T>(route: string, body?: unknown) =>
      (await (await post(`/_harness/${route}`, body ?? {})).json()) as T,
    stop: () =>
      new Promise<void>(resolve => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.stdin?.end()
        setTimeout(() => child.kill('SIGKILL'), 5000).unref()
      })
  }
}

function readPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let stderr = ''
    child.stderr?.on('data', chunk => {
      stderr += String(chunk)
    })
    const lines = createInterface({ input: child.stdout! })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`moto harness did not start within 60 s: ${stderr}`))
    }, 60_000)
    lines.once('line', line => {
      clearTimeout(timer)
      resolve((JSON.parse(line) as { port: number }).port)
    })
    child.once('exit', code => {
      clearTimeout(timer)
      reject(new Error(`moto harness exited with ${code}: ${stderr}`))
    })
  })
}
