import { execFileSync } from 'node:child_process'
import { realpathSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import { S3Client } from '@aws-sdk/client-s3'
import { localCredentials, randomToken } from '../service-guard.js'
import { handleRequest } from './http-api.js'
import { cachedJarPaths, defaultJarCacheDir } from './jar-cache.js'
import { JobRunLauncher, type AwsCredentials } from './job-run-launcher.js'
import { JobRunRegistry, type ApplicationSpec } from './job-run-registry.js'
import { localMasterCores } from './spark-submit-args.js'

export interface LocalEmrServerlessOptions {
  /** The local S3 (moto) the runs fetch their files from, write their logs to and use as the lake. */
  s3Endpoint: string
  /** Per-run folders (fetched files, driver logs, Spark's scratch space). */
  workDir: string
  /**
   * Default: one application `local-spark`, CREATED. A warm application given as STARTED
   * starts its warm driver with the service.
   */
  applications?: readonly ApplicationSpec[]
  /** The checkout whose `.venv/` and `.cache/jars/` are used; default: this package's root. */
  projectRoot?: string
  /** Default: `local[2]`. */
  master?: string
  /**
   * Pre-initialised capacity: each application keeps a warm Spark driver that runs its job
   * runs in sessions of their own (default true; an application's `warm` wins). False: every
   * run is a spark-submit of its own, as before.
   */
  warm?: boolean
  /**
   * The static Spark properties a warm driver starts with, besides the service's own; a run
   * whose static properties differ runs with spark-submit. Default: the Iceberg SQL
   * extensions the pipeline's jobs use (WARM_SPARK_CONF).
   */
  warmSparkConf?: Record<string, string>
  region?: string
  /**
   * What every request must be signed with, and what the drivers reach the local S3 with
   * (S3A reads them from the environment). Default: new random ones (`credentials` of the
   * started service), which the runner hands to its own steps and to no one else.
   */
  credentials?: AwsCredentials
  /** Default: JAVA_HOME, else the JDK of the `java` on PATH. */
  javaHome?: string
  sparkSubmit?: string
  python?: string
  jarCacheDir?: string
  /** 127.0.0.1 and a free port unless given. */
  port?: number
  /** Between SIGTERM and SIGKILL on a cancel; default 10 s. */
  cancelGraceMs?: number
  /** One minute of `executionTimeoutMinutes`; default 60 000 (tests shorten it). */
  minuteMs?: number
  env?: NodeJS.ProcessEnv
  log?: (line: string) => void
  /** Called on every state a run enters (for a runner's output, and for tests). */
  onJobRunState?: (change: JobRunStateChange) => void
}

export interface JobRunStateChange {
  applicationId: string
  jobRunId: string
  name?: string | undefined
  state: string
  stateDetails: string
}

export interface LocalEmrServerless {
  /** http://127.0.0.1:<port>: the value for AWS_ENDPOINT_URL_EMR_SERVERLESS. */
  endpoint: string
  /** The only credentials it accepts: the steps' AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. */
  credentials: AwsCredentials
  applications: ApplicationSpec[]
  /** Cancels the runs still going (their processes are killed), then closes the server. */
  stop(): Promise<void>
}

/** What the pipeline's Spark jobs set that only a new Spark context takes. */
export const WARM_SPARK_CONF: Readonly<Record<string, string>> = {
  'spark.sql.extensions': 'org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions'
}

export const DEFAULT_APPLICATION: ApplicationSpec = {
  id: '00localspark0001',
  name: 'local-spark',
  state: 'CREATED'
}

const packageRoot = path.resolve(import.meta.dirname, '..', '..', '..')

/**
 * Starts a local EMR Serverless on 127.0.0.1: the AWS SDK (and so the Spark job action,
 * through AWS_ENDPOINT_URL_EMR_SERVERLESS) talks to it as to the service, and each job run
 * is a local spark-submit against the local S3.
 */
export async function startLocalEmrServerless(
  options: LocalEmrServerlessOptions
): Promise<LocalEmrServerless> {
  const env = options.env ?? process.env
  const root = options.projectRoot ?? packageRoot
  const region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1'
  const credentials = options.credentials ?? localCredentials()
  const dashboardToken = randomToken()
  const master = options.master ?? 'local[2]'
  localMasterCores(master, 1)
  const jars = cachedJarPaths(options.jarCacheDir ?? defaultJarCacheDir(root))
  const applications = [...(options.applications ?? [DEFAULT_APPLICATION])]
  const log = options.log ?? (() => undefined)

  const registry = new JobRunRegistry(applications)
  const s3 = new S3Client({
    region,
    endpoint: options.s3Endpoint,
    forcePathStyle: true,
    credentials
  })
  const launcher = new JobRunLauncher({
    registry,
    s3,
    s3Endpoint: options.s3Endpoint,
    region,
    credentials,
    sparkSubmit: options.sparkSubmit ?? path.join(root, '.venv', 'bin', 'spark-submit'),
    python: options.python ?? path.join(root, '.venv', 'bin', 'python'),
    javaHome: options.javaHome ?? javaHomeFrom(env),
    jars,
    master,
    machineCores: availableParallelism(),
    workDir: options.workDir,
    cancelGraceMs: options.cancelGraceMs ?? 10_000,
    minuteMs: options.minuteMs ?? 60_000,
    baseEnv: env,
    log,
    warmApplications: applicationId =>
      applications.find(application => application.id === applicationId)?.warm ??
      options.warm ??
      true,
    warmSparkConf: { ...(options.warmSparkConf ?? WARM_SPARK_CONF) }
  })
  // Capacity is started with its application, as EMR Serverless starts pre-initialised capacity.
  registry.onApplicationStarted(applicationId => launcher.prewarm(applicationId))
  // An application given as STARTED has its capacity from the start: its driver warms up
  // while the caller's first steps run, not after its first job run asked for it.
  for (const application of registry.listApplications()) {
    if (application.state === 'STARTED') launcher.prewarm(application.id)
  }
  registry.onChange(run => {
    log(`job run ${run.jobRunId} (${run.request.name ?? ''}): ${run.state}`)
    options.onJobRunState?.({
      applicationId: run.applicationId,
      jobRunId: run.jobRunId,
      name: run.request.name,
      state: run.state,
      stateDetails: run.stateDetails
    })
  })

  let endpoint = ''
  const server = createServer((request, response) => {
    // Not awaited: the server does not wait on a handler, and handleRequest answers every
    // request itself, an error included (500), so nothing it does can be lost.
    void handleRequest(
      {
        registry,
        launcher,
        region,
        endpoint: () => endpoint,
        now: Date.now,
        runDir: run => path.join(options.workDir, run.applicationId, run.jobRunId),
        credentials,
        dashboardToken
      },
      request,
      response
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    endpoint,
    credentials,
    applications,
    stop: async () => {
      await launcher.stop()
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
      s3.destroy()
    }
  }
}

/** JAVA_HOME, else the JDK of the `java` on PATH (as scripts/test.sh derives it). */
export function javaHomeFrom(env: NodeJS.ProcessEnv): string | undefined {
  if (env.JAVA_HOME) return env.JAVA_HOME
  try {
    const java = execFileSync('sh', ['-c', 'command -v java'], { encoding: 'utf8', env }).trim()
    return java ? path.dirname(path.dirname(realpathSync(java))) : undefined
  } catch {
    return undefined
  }
}
