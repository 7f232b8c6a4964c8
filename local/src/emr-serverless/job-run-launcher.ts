import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, writeFileSync, type WriteStream } from 'node:fs'
import path from 'node:path'
import { constants as osConstants } from 'node:os'
import { createInterface } from 'node:readline'
import type { S3Client } from '@aws-sdk/client-s3'
import type { JobRunRegistry, LocalJobRun } from './job-run-registry.js'
import { TERMINAL } from './job-run-registry.js'
import { withoutImageJars } from './image-jars.js'
import { lastErrorLine } from './last-error-line.js'
import { driverLogUri, fetchJobFile, uploadGzipped } from './s3-files.js'
import { requestParameters } from './job-policy.js'
import { WarmCapacity } from './warm-capacity.js'
import { WarmDriver, type ProcessExit } from './warm-driver.js'
import {
  localMasterCores,
  memoryGb,
  propertiesFileText,
  sparkSubmitArgv,
  type SparkSubmitParameters
} from './spark-submit-args.js'

export interface AwsCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

export interface LauncherOptions {
  registry: JobRunRegistry
  /** The local S3, for staged files and logs. */
  s3: S3Client
  s3Endpoint: string
  region: string
  credentials: AwsCredentials
  sparkSubmit: string
  /** The Python the driver and workers run (the project's virtualenv). */
  python: string
  javaHome?: string | undefined
  /** Passed with --jars (S3A, the AWS SDK bundle, Iceberg). */
  jars: readonly string[]
  master: string
  machineCores: number
  /** Each run gets `<workDir>/<application>/<run>/`. */
  workDir: string
  /** Between SIGTERM and SIGKILL when a run is cancelled. */
  cancelGraceMs: number
  /** How long one minute of `executionTimeoutMinutes` is (shorter in tests). */
  minuteMs: number
  /** The environment the driver starts from (PATH, HOME, …); AWS settings are added. */
  baseEnv: NodeJS.ProcessEnv
  log: (line: string) => void
  /**
   * The applications whose runs go to a warm driver (pre-initialised capacity); without it
   * every run is a spark-submit.
   */
  warmApplications?: (applicationId: string) => boolean
  /** The static Spark properties a warm driver starts with, besides the service's own. */
  warmSparkConf?: Record<string, string>
  /** After a cancel, how long a warm run's Spark jobs may take to stop before its driver is killed. */
  warmCancelGraceMs?: number
}

/** What a run needs in the driver, fetched into its folder. */
interface StagedRun {
  entryPoint: string
  files: string[]
  pyFiles: string[]
  jars: string[]
  archives: string[]
  parameters: SparkSubmitParameters
  runDir: string
}

interface ActiveRun {
  run: LocalJobRun
  cancelReason?: string
  child?: ChildProcess
  /** The warm driver the run is in. */
  warm?: WarmDriver | undefined
  killTimer?: NodeJS.Timeout
  timeoutTimer?: NodeJS.Timeout
  done: Promise<void>
}

/** Set by the EMR Serverless image for a driver's environment variables. */
const DRIVER_ENV_PREFIX = 'spark.emr-serverless.driverEnv.'

/**
 * Runs each job run as a local `spark-submit`: fetches its files from the local S3 into the
 * run's folder, starts the driver, moves the run through its states as the process goes,
 * uploads the driver's stdout and stderr gzipped to the S3 log layout, and kills the
 * process group on a cancel or when the execution timeout passes.
 */
export class JobRunLauncher {
  private readonly active = new Map<string, ActiveRun>()
  private readonly warm: WarmCapacity | undefined
  private warmDrivers = 0

  constructor(private readonly options: LauncherOptions) {
    const warmApplications = options.warmApplications
    this.warm =
      warmApplications &&
      new WarmCapacity({
        isWarm: warmApplications,
        startDriver: applicationId => this.startWarmDriver(applicationId),
        log: options.log,
        stopGraceMs: options.cancelGraceMs
      })
  }

  /** Starts the application's warm driver now, if it has one and it is not running. */
  prewarm(applicationId: string): void {
    this.warm?.driver(applicationId)
  }

  launch(run: LocalJobRun): void {
    const active: ActiveRun = { run, done: Promise.resolve() }
    this.active.set(run.jobRunId, active)
    const minutes = run.request.executionTimeoutMinutes
    if (minutes && minutes > 0) {
      active.timeoutTimer = setTimeout(
        () =>
          this.cancel(
            run,
            `Job run exceeded its execution timeout (executionTimeoutMinutes: ${minutes}) and was cancelled.`
          ),
        minutes * this.options.minuteMs
      )
    }
    active.done = this.execute(run, active)
      .catch(error => {
        const message = error instanceof Error ? error.message : String(error)
        this.options.log(`job run ${run.jobRunId}: ${message}`)
        if (TERMINAL.has(run.state)) return
        if (run.state === 'CANCELLING') this.options.registry.transition(run, 'CANCELLED')
        else this.options.registry.transition(run, 'FAILED', `Job failed: ${message}`)
      })
      .finally(() => {
        clearTimeout(active.timeoutTimer)
        clearTimeout(active.killTimer)
        this.active.delete(run.jobRunId)
      })
  }

  /** CancelJobRun, or the execution timeout: CANCELLING now, CANCELLED once the process is gone. */
  cancel(run: LocalJobRun, reason = 'Job run was cancelled.'): void {
    const active = this.active.get(run.jobRunId)
    if (!active || TERMINAL.has(run.state) || run.state === 'CANCELLING') return
    active.cancelReason = reason
    this.options.registry.transition(run, 'CANCELLING', reason)
    if (active.child) this.terminate(active)
    if (active.warm) this.cancelWarm(active, active.warm)
  }

  /** Cancels every run still going, waits until each has ended, and ends the warm drivers. */
  async stop(): Promise<void> {
    const going = [...this.active.values()]
    for (const { run } of going) this.cancel(run, 'The local EMR Serverless was stopped.')
    await Promise.all(going.map(active => active.done))
    await this.warm?.stop()
  }

  private terminate(active: ActiveRun): void {
    const child = active.child
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return
    // The driver is spark-submit's JVM and the Python it starts: signal the whole group.
    signalGroup(child.pid, 'SIGTERM')
    active.killTimer = setTimeout(
      () => signalGroup(child.pid!, 'SIGKILL'),
      this.options.cancelGraceMs
    )
  }

  private async execute(run: LocalJobRun, active: ActiveRun): Promise<void> {
    const { registry } = this.options
    const runDir = path.join(this.options.workDir, run.applicationId, run.jobRunId)
    mkdirSync(runDir, { recursive: true })
    const stdoutFile = path.join(runDir, 'stdout')
    const stderrFile = path.join(runDir, 'stderr')
    const stderr = createWriteStream(stderrFile)
    const stdout = createWriteStream(stdoutFile)
    const driver = run.request.jobDriver.sparkSubmit
    const parameters = this.parameters(run, stderr)

    // As on EMR, the files come from S3 into the driver's working directory.
    const fetched = async (uris: string[]) => {
      const files: string[] = []
      for (const uri of uris) {
        if (active.cancelReason) break
        files.push(await fetchJobFile(this.options.s3, uri, runDir))
      }
      return files
    }
    let staged: StagedRun | undefined
    let failure: string | undefined
    try {
      staged = {
        entryPoint: (await fetched([driver.entryPoint]))[0] ?? '',
        files: await fetched(parameters.files),
        pyFiles: await fetched(parameters.pyFiles),
        // The image's own jars (Iceberg) are the service's cached jars here.
        jars: await fetched(withoutImageJars(parameters.jars, this.options.jars)),
        archives: await fetched(parameters.archives),
        parameters,
        runDir
      }
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error)
      stderr.write(`local EMR Serverless: ${failure}\n`)
    }

    let exit: ProcessExit | undefined
    let warm = false
    if (staged && !failure && !active.cancelReason) {
      exit = await this.runWarm(run, active, staged, stdout, stderr)
      warm = exit !== undefined
      if (!exit && !active.cancelReason) {
        const argv = this.sparkSubmitArgv(staged, driver.entryPointArguments ?? [])
        exit = await this.runDriver(run, active, argv, runDir, parameters, stdout, stderr)
      }
    }
    await Promise.all([closeStream(stdout), closeStream(stderr)])
    await this.uploadLogs(run, stdoutFile, stderrFile)

    if (active.cancelReason) {
      registry.transition(run, 'CANCELLED', active.cancelReason)
    } else if (failure) {
      registry.transition(run, 'FAILED', `Job failed: ${failure}`)
    } else if (exit?.code === 0) {
      registry.transition(run, 'SUCCESS', this.estimateNote(parameters, warm))
    } else {
      registry.transition(run, 'FAILED', await failedDetails(exit, stderrFile, stdoutFile))
    }
  }

  private sparkSubmitArgv(staged: StagedRun, entryPointArguments: string[]): string[] {
    const propertiesFile = path.join(staged.runDir, 'spark-defaults.conf')
    writeFileSync(propertiesFile, propertiesFileText(staged.parameters.conf))
    return sparkSubmitArgv({
      master: this.options.master,
      propertiesFile,
      ...(staged.parameters.className ? { className: staged.parameters.className } : {}),
      jars: [...this.options.jars, ...staged.jars],
      files: staged.files,
      pyFiles: staged.pyFiles,
      archives: staged.archives,
      entryPoint: staged.entryPoint,
      entryPointArguments
    })
  }

  /**
   * The run in its application's warm driver; undefined when it must run cold (no warm
   * capacity, or what it needs only spark-submit gives: the reason goes to its stderr).
   */
  private async runWarm(
    run: LocalJobRun,
    active: ActiveRun,
    staged: StagedRun,
    stdout: WriteStream,
    stderr: WriteStream
  ): Promise<ProcessExit | undefined> {
    const capacity = this.warm
    if (!capacity?.isWarm(run.applicationId)) return undefined
    const cold = (reason: string) => {
      stderr.write(`local EMR Serverless: runs with spark-submit, not the warm driver: ${reason}\n`)
      this.options.log(`job run ${run.jobRunId}: cold: ${reason}`)
      return undefined
    }
    const { parameters } = staged
    if (parameters.className) return cold('a JVM entry point (--class)')
    if (!staged.entryPoint.endsWith('.py')) return cold('the entry point is not a Python file')
    if (staged.archives.length) return cold('--archives are unpacked by spark-submit')
    if (staged.jars.length) return cold('the run ships jars of its own (--jars)')
    const driver = capacity.driver(run.applicationId)
    if (!driver) return cold('the warm driver is stopped')
    if (driver.busy) return cold('the warm driver is running another job run')
    let ui: string | undefined
    try {
      // The UI listens on loopback (SPARK_LOCAL_IP); Spark names it by the host's name.
      const port = /:(\d+)\/?$/.exec((await driver.ready).sparkUiUrl ?? '')?.[1]
      ui = port ? `http://127.0.0.1:${port}` : undefined
    } catch (error) {
      return cold(error instanceof Error ? error.message : String(error))
    }
    if (active.cancelReason) return undefined
    if (driver.busy) return cold('the warm driver is running another job run')
    active.warm = driver
    try {
      const outcome = await driver.run(
        {
          runId: run.jobRunId,
          entryPoint: staged.entryPoint,
          argv: run.request.jobDriver.sparkSubmit.entryPointArguments ?? [],
          pyFiles: staged.pyFiles,
          runDir: staged.runDir,
          conf: parameters.conf
        },
        { stdout, stderr },
        () => {
          run.resources = {
            vCpus: this.cores(),
            memoryGb: memoryGb(parameters.conf['spark.driver.memory'])
          }
          run.sparkUiUrl = ui
          this.options.registry.transition(run, 'RUNNING')
          // A cancel that came while the run was handed over.
          if (active.cancelReason) driver.cancel(run.jobRunId)
        }
      )
      if (outcome.kind === 'cold') return cold(outcome.reason)
      if (outcome.kind === 'crashed') {
        stderr.write(
          `local EMR Serverless: the warm Spark driver ended during the run (${describeExit(outcome.exit)}); the next run gets a new one\n`
        )
        void capacity.discard(run.applicationId, driver)
        return outcome.exit
      }
      if (outcome.replace) void capacity.discard(run.applicationId, driver)
      return { code: outcome.exitCode, signal: null }
    } finally {
      active.warm = undefined
      run.sparkUiUrl = undefined
    }
  }

  /** The run's Spark jobs are cancelled; a driver that does not let go in time is replaced. */
  private cancelWarm(active: ActiveRun, driver: WarmDriver): void {
    driver.cancel(active.run.jobRunId)
    active.killTimer = setTimeout(() => {
      if (active.warm === driver) {
        this.options.log(
          `job run ${active.run.jobRunId}: still running after its cancel; the warm driver is killed`
        )
        void this.warm?.discard(active.run.applicationId, driver)
      }
    }, this.options.warmCancelGraceMs ?? 3_000)
  }

  /**
   * A warm driver for the application: spark-submit's JVM with the service's jars and the
   * static properties every run of it shares, in a folder of its own.
   */
  private startWarmDriver(applicationId: string): WarmDriver {
    this.warmDrivers++
    const folder = path.join(this.options.workDir, applicationId, `warm-driver-${this.warmDrivers}`)
    mkdirSync(folder, { recursive: true })
    const conf: Record<string, string> = {
      'spark.app.name': `local EMR Serverless warm driver (${applicationId})`,
      'spark.sql.warehouse.dir': path.join(folder, 'spark-warehouse'),
      'spark.ui.showConsoleProgress': 'false',
      ...this.options.warmSparkConf,
      ...this.localS3Properties()
    }
    const propertiesFile = path.join(folder, 'spark-defaults.conf')
    writeFileSync(propertiesFile, propertiesFileText(conf))
    const sparkSubmitArgs = sparkSubmitArgv({
      master: this.options.master,
      propertiesFile,
      jars: [...this.options.jars],
      files: [],
      pyFiles: [],
      archives: [],
      entryPoint: '',
      entryPointArguments: []
    })
      .filter(arg => arg !== '')
      .map(shellQuote)
    return new WarmDriver({
      python: this.options.python,
      sparkSubmitArgs,
      propertiesFile,
      folder,
      env: this.driverEnv(folder, conf)
    })
  }

  /** Local defaults < spark-defaults classification < sparkSubmitParameters < the local S3. */
  private parameters(run: LocalJobRun, stderr: WriteStream): SparkSubmitParameters {
    const runDir = path.join(this.options.workDir, run.applicationId, run.jobRunId)
    const { parameters: merged, ignored } = requestParameters(run.request)
    for (const classification of ignored) {
      stderr.write(
        `local EMR Serverless: the '${classification}' classification is not applied to local runs\n`
      )
    }
    merged.conf = {
      'spark.sql.warehouse.dir': path.join(runDir, 'spark-warehouse'),
      'spark.ui.showConsoleProgress': 'false',
      ...merged.conf
    }
    // The platform's own settings win, as EMR's do: the lake is the local S3, whatever the job says.
    Object.assign(merged.conf, this.localS3Properties())
    return merged
  }

  private localS3Properties(): Record<string, string> {
    const secure = this.options.s3Endpoint.startsWith('https:')
    return {
      'spark.hadoop.fs.s3.impl': 'org.apache.hadoop.fs.s3a.S3AFileSystem',
      'spark.hadoop.fs.s3a.impl': 'org.apache.hadoop.fs.s3a.S3AFileSystem',
      'spark.hadoop.fs.s3a.endpoint': this.options.s3Endpoint,
      'spark.hadoop.fs.s3a.endpoint.region': this.options.region,
      'spark.hadoop.fs.s3a.path.style.access': 'true',
      'spark.hadoop.fs.s3a.connection.ssl.enabled': String(secure),
      // From the driver's environment, which this service sets: never the instance metadata.
      'spark.hadoop.fs.s3a.aws.credentials.provider':
        'com.amazonaws.auth.EnvironmentVariableCredentialsProvider'
    }
  }

  private async runDriver(
    run: LocalJobRun,
    active: ActiveRun,
    argv: string[],
    runDir: string,
    parameters: SparkSubmitParameters,
    stdout: WriteStream,
    stderr: WriteStream
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const env = this.driverEnv(runDir, parameters.conf)
    if (!existsSync(this.options.sparkSubmit)) {
      throw new Error(
        `no spark-submit at ${this.options.sparkSubmit} (run scripts/setup-python.sh)`
      )
    }

    const child = spawn(this.options.sparkSubmit, argv, {
      cwd: runDir,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    active.child = child
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
      (resolve, reject) => {
        child.once('error', reject)
        child.once('close', (code, signal) => resolve({ code, signal }))
      }
    )
    child.stdout!.pipe(stdout, { end: false })
    child.stderr!.pipe(stderr, { end: false })
    createInterface({ input: child.stderr! }).on('line', line => {
      const ui = /Successfully started service 'SparkUI' on port (\d+)/.exec(line)
      if (ui) run.sparkUiUrl = `http://127.0.0.1:${ui[1]}`
    })
    run.resources = {
      vCpus: this.cores(),
      memoryGb: memoryGb(parameters.conf['spark.driver.memory'])
    }
    this.options.registry.transition(run, 'RUNNING')
    // A cancel that came while the files were fetched.
    if (active.cancelReason) this.terminate(active)
    try {
      return await exited
    } finally {
      run.sparkUiUrl = undefined
    }
  }

  /** The driver process's environment: the AWS settings of the local S3 and the run's driverEnv. */
  private driverEnv(folder: string, conf: Record<string, string>): NodeJS.ProcessEnv {
    const { credentials } = this.options
    const env: NodeJS.ProcessEnv = {
      ...this.options.baseEnv,
      PATH: [path.dirname(this.options.python), this.options.baseEnv.PATH]
        .filter(Boolean)
        .join(':'),
      PYSPARK_PYTHON: this.options.python,
      PYSPARK_DRIVER_PYTHON: this.options.python,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: this.options.region,
      AWS_DEFAULT_REGION: this.options.region,
      AWS_EC2_METADATA_DISABLED: 'true',
      // Spark's scratch space in the run's folder, and its driver and UI on loopback only.
      SPARK_LOCAL_DIRS: path.join(folder, 'tmp'),
      SPARK_LOCAL_IP: '127.0.0.1'
    }
    if (credentials.sessionToken) env.AWS_SESSION_TOKEN = credentials.sessionToken
    else delete env.AWS_SESSION_TOKEN
    if (this.options.javaHome) env.JAVA_HOME = this.options.javaHome
    for (const [key, value] of Object.entries(conf)) {
      if (key.startsWith(DRIVER_ENV_PREFIX)) env[key.slice(DRIVER_ENV_PREFIX.length)] = value
    }
    return env
  }

  private async uploadLogs(
    run: LocalJobRun,
    stdoutFile: string,
    stderrFile: string
  ): Promise<void> {
    const logUri =
      run.request.configurationOverrides?.monitoringConfiguration?.s3MonitoringConfiguration?.logUri
    if (!logUri) return
    for (const [stream, file] of [
      ['stdout', stdoutFile],
      ['stderr', stderrFile]
    ] as const) {
      const uri = driverLogUri(logUri, run.applicationId, run.jobRunId, stream)
      try {
        await uploadGzipped(this.options.s3, uri, file)
      } catch (error) {
        this.options.log(`job run ${run.jobRunId}: cannot upload ${uri}: ${String(error)}`)
      }
    }
  }

  private cores(): number {
    return localMasterCores(this.options.master, this.options.machineCores)
  }

  private estimateNote(parameters: SparkSubmitParameters, warm: boolean): string {
    const memory = memoryGb(parameters.conf['spark.driver.memory'])
    const how = warm
      ? `a warm Spark driver, --master ${this.options.master}`
      : `spark-submit --master ${this.options.master}`
    return `Local run (${how}): resource utilization is an estimate, wall time x ${this.cores()} local cores and ${memory} GB driver memory.`
  }
}

/** PySpark splits PYSPARK_SUBMIT_ARGS as a shell does (shlex). */
function shellQuote(arg: string): string {
  return /^[\w@%+=:,./[\]-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`
}

function describeExit(exit: ProcessExit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    // Already gone.
  }
}

function closeStream(stream: WriteStream): Promise<void> {
  return new Promise(resolve => stream.end(resolve))
}

/**
 * A FAILED run's stateDetails in the words EMR Serverless uses ("Job failed, please check
 * complete logs in configured logging destination. ExitCode: 1. Last few exceptions: …"),
 * so that what reads the exit code from them (the Spark job action's no-retry-exit-codes)
 * reads a local run as it reads one on AWS. A driver killed by a signal reports 128 + its
 * number, as a shell does.
 */
async function failedDetails(
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined,
  stderrFile: string,
  stdoutFile: string
): Promise<string> {
  const signalNumber = exit?.signal ? osConstants.signals[exit.signal] : undefined
  const code = signalNumber !== undefined ? 128 + signalNumber : (exit?.code ?? 1)
  const error = await lastErrorLine(stderrFile, stdoutFile)
  return (
    `Job failed, please check complete logs in configured logging destination. ExitCode: ${code}.` +
    (error ? ` Last few exceptions: ${error}` : '')
  )
}
