import { EMRServerlessClient, GetJobRunCommand, type JobRun } from '@aws-sdk/client-emr-serverless'
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { gunzipSync } from 'node:zlib'
import {
  cachedJarPaths,
  defaultJarCacheDir,
  downloadJars,
  jarFileName
} from '../../../local/src/emr-serverless/jar-cache.js'
import {
  startLocalEmrServerless,
  type LocalEmrServerless,
  type LocalEmrServerlessOptions
} from '../../../local/src/emr-serverless/service.js'
import { localAwsEnv, projectRoot, startMoto, type Moto } from '../../support/moto.js'
import { tempDir } from '../../support/temp.js'
import { present } from '../../support/present.js'

export interface LocalPeers {
  moto: Moto
  localEmr: LocalEmrServerless
  applicationId: string
  emr: EMRServerlessClient
  s3: S3Client
  /** The environment a bundled action gets: credentials and both endpoint variables. */
  actionEnv: Record<string, string>
  stop(): Promise<void>
}

/** The jars are set-up, not test work: fetched here only when `npm run setup:jars` was not run. */
export async function ensureJars(): Promise<void> {
  const dir = defaultJarCacheDir(projectRoot)
  try {
    cachedJarPaths(dir)
  } catch {
    console.log(`Fetching the local Spark jars into ${dir} once (npm run setup:jars)`)
    await downloadJars(dir, {
      onJar: (jar, outcome) => console.log(`  ${jarFileName(jar)}: ${outcome}`)
    })
  }
}

/** moto for S3 and the local EMR Serverless in front of it, with the given buckets. */
export async function startLocalPeers(
  buckets: string[],
  options: Partial<LocalEmrServerlessOptions> = {}
): Promise<LocalPeers> {
  await ensureJars()
  const moto = await startMoto()
  const s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true })
  for (const bucket of buckets) await s3.send(new CreateBucketCommand({ Bucket: bucket }))
  const localEmr = await startLocalEmrServerless({
    s3Endpoint: moto.endpoint,
    workDir: tempDir('local-emr-runs'),
    // One spark-submit per run unless a test asks for the warm driver.
    warm: false,
    ...options
  })
  const emr = new EMRServerlessClient({
    region: 'us-east-1',
    endpoint: localEmr.endpoint,
    credentials: localEmr.credentials
  })
  return {
    moto,
    localEmr,
    applicationId: present(localEmr.applications[0], 'an application').id,
    emr,
    s3,
    actionEnv: localAwsEnv(moto.endpoint, localEmr),
    stop: async () => {
      await localEmr.stop()
      emr.destroy()
      s3.destroy()
      await moto.stop()
    }
  }
}

/**
 * Polls GetJobRun until the run is in one of `states`. The bound is generous: Spark starts
 * in 10-40 s on a busy machine, and nothing here may depend on its speed.
 */
export async function waitForState(
  emr: EMRServerlessClient,
  applicationId: string,
  jobRunId: string,
  states: string[],
  timeoutMs = 420_000
): Promise<JobRun> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const { jobRun } = await emr.send(new GetJobRunCommand({ applicationId, jobRunId }))
    if (jobRun?.state && states.includes(jobRun.state)) return jobRun
    if (Date.now() > deadline)
      throw new Error(`job run ${jobRunId} still ${jobRun?.state} after ${timeoutMs} ms`)
    await new Promise(resolve => setTimeout(resolve, 250))
  }
}

/** Polls until `check` holds (a file appears, a process is gone…). */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 420_000
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await new Promise(resolve => setTimeout(resolve, 250))
  }
}

export async function readGzippedObject(s3: S3Client, uri: string): Promise<string> {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri)!
  const object = await s3.send(new GetObjectCommand({ Bucket: match[1], Key: match[2] }))
  return gunzipSync(Buffer.from(await object.Body!.transformToByteArray())).toString('utf8')
}

/** Generous: a Spark job on a loaded 2-core machine. */
export const SPARK_TEST_TIMEOUT_MS = 600_000
