import { randomUUID } from 'node:crypto'
import {
  GetJobRunCommand,
  type ConfigurationOverrides as ServiceOverrides,
  type JobRun
} from '@aws-sdk/client-emr-serverless'
import { formatDuration } from '../core/duration.js'
import { errorMessage, UserError } from '../core/errors.js'
import type { Logger } from '../core/log.js'
import { systemClock, type Clock } from '../core/sleep.js'
import type { StateStore } from '../core/state.js'
import { ensureApplicationStarted, resolveApplication } from './application.js'
import type { EmrClients } from './clients.js'
import { readDriverLogTail, type DriverLogTail } from './driver-logs.js'
import {
  cancelJobRun,
  dashboardUrl,
  findActiveRun,
  submitJobRun,
  TERMINAL_STATES
} from './job-runs.js'
import type { SparkJobSettings } from './settings.js'
import { sparkSubmitParameters } from './spark-submit.js'
import { stageJobFile } from './staging.js'
import { STATE } from './state-names.js'
import { addUsage, durationSecondsOf, NO_USAGE, usageOf, type Usage } from './usage.js'
import { waitForJobRun } from './waiter.js'

export interface SparkJobDeps extends EmrClients {
  logger: Logger
  state: StateStore
  clock?: Clock
  random?: () => number
  /** Aborted when the workflow is cancelled (SIGINT / SIGTERM). */
  signal?: AbortSignal
  newClientToken?: () => string
}

/** One submission (or attachment) and how it ended. */
export interface AttemptRecord {
  number: number
  jobRunId: string
  /** True when an already-running run of the same name was adopted instead of started. */
  attached: boolean
  state: string
  stateDetails?: string
  durationSeconds: number
  usage: Usage
  logs: DriverLogTail[]
}

export interface SparkJobOutcome {
  applicationId: string
  runName: string
  jobRunId: string
  state: string
  attempts: AttemptRecord[]
  /** Duration of the last attempt. */
  durationSeconds: number
  /** Summed over every attempt: each one was paid for. */
  usage: Usage
  dashboardUrl: string
  waited: boolean
  /** Set when the step must fail; the message says why. */
  failure?: string
}

const DRIVER_LOG_LINES = 50

/**
 * Submits the Spark job run (or attaches to a run of the same name that is still going),
 * waits for it, re-submits a failed run up to `retries` times, and gathers what the report
 * needs. Cancels its run when the signal aborts or the wait limit passes. Throws UserError
 * for problems found before any run exists; every later problem is in `failure`.
 */
export async function runSparkJob(
  settings: SparkJobSettings,
  deps: SparkJobDeps
): Promise<SparkJobOutcome> {
  const { emr, logger, state, signal } = deps
  const clock = deps.clock ?? systemClock
  const random = deps.random ?? Math.random
  const newClientToken = deps.newClientToken ?? randomUUID
  const began = clock.now()

  const application = await beforeAnyRun(signal, () =>
    resolveApplication(emr, settings.application)
  )
  const applicationId =
    ('applicationId' in application ? application.applicationId : application.id) ??
    settings.application
  logger.info(
    `Application ${application.name ?? ''} (${applicationId}); run name ${settings.runName}`
  )
  await beforeAnyRun(signal, () =>
    ensureApplicationStarted(emr, applicationId, {
      clock,
      logger,
      random,
      signal,
      timeoutMs: settings.waitTimeoutMs,
      pollMinMs: settings.pollIntervalMinMs,
      pollMaxMs: settings.pollIntervalMaxMs
    })
  )

  const outcome: SparkJobOutcome = {
    applicationId,
    runName: settings.runName,
    jobRunId: '',
    state: '',
    attempts: [],
    durationSeconds: 0,
    usage: NO_USAGE,
    dashboardUrl: '',
    waited: settings.wait
  }
  const totalAttempts = settings.retries + 1
  let jobDriver: Awaited<ReturnType<typeof buildJobDriver>> | undefined

  for (let number = 1; number <= totalAttempts; number++) {
    const attemptBegan = clock.now()
    const running = await beforeAnyRun(signal, () =>
      findActiveRun(emr, applicationId, settings.runName, signal)
    )
    let jobRunId: string
    let attached = false
    if (running?.id) {
      jobRunId = running.id
      attached = true
      logger.info(
        `Job run ${jobRunId} named ${settings.runName} is already ${running.state}: attaching to it instead of starting another`
      )
    } else {
      jobDriver ??= await beforeAnyRun(signal, () => buildJobDriver(settings, deps))
      const clientToken = newClientToken()
      const request = {
        applicationId,
        name: settings.runName,
        clientToken,
        executionRoleArn: settings.executionRoleArn,
        jobDriver,
        configurationOverrides: configurationOverrides(settings),
        tags: settings.tags,
        executionTimeoutMinutes: settings.executionTimeoutMinutes
      }
      // A workflow cancelled before this point starts no run at all.
      jobRunId = await beforeAnyRun(signal, () =>
        submitJobRun(deps.emrSubmit, emr, request, { clock, logger, random, signal })
      )
      logger.info(`Started job run ${jobRunId} (attempt ${number} of ${totalAttempts})`)
    }
    outcome.jobRunId = jobRunId
    saveRunState(state, applicationId, jobRunId, false, settings.cancelOnAbort)
    const record: AttemptRecord = {
      number,
      jobRunId,
      attached,
      state: running?.state ?? 'SUBMITTED',
      durationSeconds: 0,
      usage: NO_USAGE,
      logs: []
    }
    outcome.attempts.push(record)
    outcome.state = record.state

    if (!settings.wait) {
      // Left running on purpose: the post step must not cancel it.
      saveRunState(state, applicationId, jobRunId, true, settings.cancelOnAbort)
      logger.info(`Not waiting for job run ${jobRunId} (wait: false)`)
      outcome.dashboardUrl = await dashboardUrl(emr, applicationId, jobRunId, undefined, logger)
      return outcome
    }

    let jobRun: JobRun | undefined
    let timedOut: boolean
    let cancelAccepted = false
    try {
      signal?.throwIfAborted()
      const result = await waitForJobRun(emr, applicationId, jobRunId, {
        pollMinMs: settings.pollIntervalMinMs,
        pollMaxMs: settings.pollIntervalMaxMs,
        timeoutMs: settings.waitTimeoutMs,
        startedAt: began,
        clock,
        logger,
        random,
        signal
      })
      jobRun = result.jobRun
      timedOut = result.outcome === 'timeout'
    } catch (error) {
      if (!signal?.aborted) throw error
      return abandon(outcome, record, settings, deps, 'The workflow was cancelled')
    }

    if (timedOut) {
      logger.warning(
        `Job run ${jobRunId} did not finish within wait-timeout (${formatDuration(settings.waitTimeoutMs)}): cancelling it`
      )
      cancelAccepted = await cancelJobRun(emr, applicationId, jobRunId, logger)
      if (cancelAccepted)
        jobRun = (await confirmCancelled(deps, applicationId, jobRunId, clock)) ?? jobRun
    }
    // A run whose cancellation was refused may still be going: the post step tries again.
    if (!timedOut || cancelAccepted || TERMINAL_STATES.has(jobRun?.state ?? ''))
      saveRunState(state, applicationId, jobRunId, true, settings.cancelOnAbort)
    record.state = jobRun?.state ?? record.state
    record.stateDetails = jobRun?.stateDetails || undefined
    record.durationSeconds = durationSecondsOf(jobRun, clock.now() - attemptBegan)
    record.usage = usageOf(jobRun)
    outcome.state = record.state
    outcome.durationSeconds = record.durationSeconds
    outcome.usage = addUsage(outcome.usage, record.usage)

    if (record.state === 'SUCCESS') {
      logger.info(
        `Job run ${jobRunId} succeeded in ${formatDuration(record.durationSeconds * 1000)}`
      )
      outcome.dashboardUrl = await dashboardUrl(
        emr,
        applicationId,
        jobRunId,
        jobRun?.attempt,
        logger
      )
      return outcome
    }

    record.logs = await driverLogs(settings, deps, applicationId, jobRunId, jobRun?.attempt)
    outcome.dashboardUrl = await dashboardUrl(emr, applicationId, jobRunId, jobRun?.attempt, logger)
    const details = record.stateDetails ? `: ${record.stateDetails}` : ''
    if (timedOut) {
      outcome.failure = cancelAccepted
        ? `Job run ${jobRunId} did not finish within wait-timeout (${formatDuration(settings.waitTimeoutMs)}) and was cancelled (now ${record.state})`
        : `Job run ${jobRunId} did not finish within wait-timeout (${formatDuration(settings.waitTimeoutMs)}); cancelling it failed (the post step tries again)`
      return outcome
    }
    if (record.state !== 'FAILED' || number === totalAttempts) {
      outcome.failure = `Job run ${jobRunId} ended ${record.state}${details}${
        totalAttempts > 1 && record.state === 'FAILED'
          ? ` (attempt ${number} of ${totalAttempts})`
          : ''
      }`
      return outcome
    }
    const left = settings.waitTimeoutMs - (clock.now() - began)
    if (left <= settings.retryDelayMs) {
      outcome.failure = `Job run ${jobRunId} ended FAILED${details}; no time left within wait-timeout for attempt ${number + 1}`
      return outcome
    }
    logger.warning(
      `Attempt ${number} of ${totalAttempts} failed (job run ${jobRunId}${details}); submitting again in ${formatDuration(settings.retryDelayMs)}`
    )
    try {
      await clock.sleep(settings.retryDelayMs, signal)
    } catch (error) {
      if (!signal?.aborted) throw error
      outcome.failure = `The workflow was cancelled while waiting to retry; the last job run ${jobRunId} had FAILED${details}`
      return outcome
    }
  }
  throw new Error('unreachable: the attempt loop always returns')
}

/** Work that happens before any run exists: an abort there just stops, with one clear line. */
async function beforeAnyRun<T>(
  signal: AbortSignal | undefined,
  work: () => Promise<T>
): Promise<T> {
  try {
    signal?.throwIfAborted()
    return await work()
  } catch (error) {
    if (signal?.aborted)
      throw new UserError('The workflow was cancelled before a job run started; nothing to cancel')
    throw error
  }
}

async function buildJobDriver(settings: SparkJobSettings, { s3, logger }: SparkJobDeps) {
  const stage = (file: SparkJobSettings['entryPoint']) =>
    stageJobFile(s3, file, settings.stagingUri, logger)
  const entryPoint = await stage(settings.entryPoint)
  const files: string[] = []
  for (const file of settings.files) files.push(await stage(file))
  const pyFiles: string[] = []
  for (const file of settings.pyFiles) pyFiles.push(await stage(file))
  const parameters = sparkSubmitParameters({
    sparkConf: settings.sparkConf,
    files,
    pyFiles,
    raw: settings.sparkSubmitParameters
  })
  return {
    sparkSubmit: {
      entryPoint,
      ...(settings.entryPointArguments.length
        ? { entryPointArguments: settings.entryPointArguments }
        : {}),
      ...(parameters ? { sparkSubmitParameters: parameters } : {})
    }
  }
}

/** The overrides as given, with `log-uri` (when set) as the S3 log location. */
function configurationOverrides(settings: SparkJobSettings): ServiceOverrides | undefined {
  const overrides = settings.configurationOverrides
    ? structuredClone(settings.configurationOverrides)
    : {}
  if (settings.logUri) {
    const monitoring = (overrides.monitoringConfiguration ??= {}) as Record<string, unknown>
    const s3 = (monitoring.s3MonitoringConfiguration ?? {}) as Record<string, unknown>
    monitoring.s3MonitoringConfiguration = { ...s3, logUri: `${settings.logUri}/` }
  }
  // Checked in settings to be an object with the service's shape; the service validates the rest.
  return Object.keys(overrides).length ? (overrides as ServiceOverrides) : undefined
}

function saveRunState(
  state: StateStore,
  applicationId: string,
  jobRunId: string,
  finished: boolean,
  cancelOnAbort: boolean
): void {
  state.save(STATE.applicationId, applicationId)
  state.save(STATE.jobRunId, jobRunId)
  state.save(STATE.finished, String(finished))
  state.save(STATE.cancelOnAbort, String(cancelOnAbort))
}

/** The workflow was cancelled while the run was going: cancel it (unless told not to). */
async function abandon(
  outcome: SparkJobOutcome,
  record: AttemptRecord,
  settings: SparkJobSettings,
  deps: SparkJobDeps,
  reason: string
): Promise<SparkJobOutcome> {
  const { emr, logger, state } = deps
  if (!settings.cancelOnAbort) {
    saveRunState(state, outcome.applicationId, record.jobRunId, true, false)
    outcome.failure = `${reason}; job run ${record.jobRunId} was left running (cancel-on-abort: false)`
    return outcome
  }
  const cancelled = await cancelJobRun(emr, outcome.applicationId, record.jobRunId, logger)
  // A failed request leaves the flag unset, so the post step tries again.
  if (cancelled) saveRunState(state, outcome.applicationId, record.jobRunId, true, true)
  record.state = cancelled ? 'CANCELLING' : record.state
  outcome.state = record.state
  outcome.failure = cancelled
    ? `${reason}; job run ${record.jobRunId} was cancelled`
    : `${reason}; cancelling job run ${record.jobRunId} failed (the post step tries again)`
  return outcome
}

/** After CancelJobRun: the run's state once it is terminal, or after ~10 s at most. */
async function confirmCancelled(
  { emr }: SparkJobDeps,
  applicationId: string,
  jobRunId: string,
  clock: Clock
): Promise<JobRun | undefined> {
  let jobRun: JobRun | undefined
  for (let poll = 0; poll < 20; poll++) {
    try {
      jobRun = (await emr.send(new GetJobRunCommand({ applicationId, jobRunId }))).jobRun
      if (jobRun?.state && TERMINAL_STATES.has(jobRun.state)) return jobRun
    } catch {
      // The cancel was accepted; the report just shows the last state seen.
    }
    await clock.sleep(500)
  }
  return jobRun
}

async function driverLogs(
  settings: SparkJobSettings,
  { s3, logger }: SparkJobDeps,
  applicationId: string,
  jobRunId: string,
  attempt: number | undefined
): Promise<DriverLogTail[]> {
  if (!settings.logUri) {
    logger.info(
      'No S3 log location (log-uri) is set, so the driver logs cannot be shown here: set log-uri to see them in this log'
    )
    return []
  }
  const tails: DriverLogTail[] = []
  for (const stream of ['stderr', 'stdout'] as const) {
    let tail: DriverLogTail
    try {
      tail = await readDriverLogTail(s3, settings.logUri, applicationId, jobRunId, stream, {
        attempt,
        maxLines: DRIVER_LOG_LINES
      })
    } catch (error) {
      tail = {
        stream,
        uri: settings.logUri,
        problem: `cannot read the ${stream} log: ${errorMessage(error)}`
      }
    }
    if (tail.lines) {
      logger.group(
        `Driver ${stream} of job run ${jobRunId} (last ${tail.lines.length} lines of ${tail.uri})`,
        tail.lines
      )
    } else {
      logger.info(`Driver ${stream}: ${tail.problem}`)
    }
    tails.push(tail)
  }
  return tails
}
