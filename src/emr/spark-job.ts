import { retryDelayMs } from '../core/retry-delay.js'
import { randomUUID } from 'node:crypto'
import type { JobDriver, JobRun } from '@aws-sdk/client-emr-serverless'
import { formatDuration } from '../core/duration.js'
import { UserError } from '../core/errors.js'
import type { Logger } from '../core/log.js'
import { systemClock, type Clock } from '../core/sleep.js'
import type { StateStore } from '../core/state.js'
import { ensureApplicationStarted, resolveApplication } from './application.js'
import type { EmrClients } from './clients.js'
import { showDriverLogs, type DriverLogTail } from './driver-logs.js'
import { exitCodeOf, failureKindOf, type FailureKind } from './failure-kind.js'
import { buildJobDriver, startJobRunRequest } from './job-request.js'
import {
  cancelJobRun,
  confirmCancelled,
  dashboardUrl,
  findActiveRun,
  submitJobRun,
  TERMINAL_STATES
} from './job-runs.js'
import { saveHandOver, type RunHandOver } from './run-state.js'
import type { SparkJobSettings } from './settings.js'
import { addUsage, durationSecondsOf, NO_USAGE, usageOf, type Usage } from './usage.js'
import { waitForJobRun } from './waiter.js'

export interface SparkJobDeps extends EmrClients {
  logger: Logger
  state: StateStore
  clock?: Clock
  random?: () => number
  /** Aborted when the workflow is cancelled (SIGINT / SIGTERM). */
  signal?: AbortSignal | undefined
  newClientToken?: () => string
}

/** One submission (or attachment) and how it ended. */
export interface AttemptRecord {
  number: number
  jobRunId: string
  /** True when an already-running run of the same name was adopted instead of started. */
  attached: boolean
  state: string
  stateDetails?: string | undefined
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
  failure?: string | undefined
  /**
   * With `failure`: `certain` when the last run failed with one of `no-retry-exit-codes`
   * (a refusal that no re-run changes), else `transient`.
   */
  failureKind?: FailureKind
}

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
  const job = await prepare(settings, deps)
  const outcome: SparkJobOutcome = {
    applicationId: job.applicationId,
    runName: settings.runName,
    jobRunId: '',
    state: '',
    attempts: [],
    durationSeconds: 0,
    usage: NO_USAGE,
    dashboardUrl: '',
    waited: settings.wait
  }
  for (let number = 1; ; number++) {
    const attemptBegan = job.clock.now()
    const attempt = await attachOrSubmit(job, number)
    outcome.attempts.push(attempt)
    outcome.jobRunId = attempt.jobRunId
    outcome.state = attempt.state
    if (!settings.wait) return leaveRunning(job, outcome, attempt)

    const end = await waitForEnd(job, attempt)
    if (end === 'aborted') return abandon(job, outcome, attempt, 'The workflow was cancelled')
    recordEnd(job, outcome, attempt, attemptBegan, end)
    if (attempt.state === 'SUCCESS') return succeed(job, outcome, attempt, end.jobRun)

    await gatherEvidence(job, outcome, attempt, end.jobRun)
    const next = afterFailure(job, attempt, end)
    outcome.failure =
      'failure' in next ? next.failure : await pauseBeforeRetry(job, attempt, next.delayMs)
    if (outcome.failure) {
      outcome.failureKind = 'certain' in next && next.certain ? 'certain' : 'transient'
      return outcome
    }
  }
}

/** Everything one action run shares across its attempts. */
interface SparkJob {
  settings: SparkJobSettings
  deps: SparkJobDeps
  logger: Logger
  clock: Clock
  random: () => number
  signal?: AbortSignal | undefined
  newClientToken: () => string
  /** When the step began: wait-timeout counts from here, retries included. */
  began: number
  applicationId: string
  totalAttempts: number
  /** Built (and the files staged) once, for the first submission. */
  jobDriver?: JobDriver
  /** What the post step gets; every change is saved at once (the process may die any time). */
  handOver: RunHandOver
}

/** How the wait for one run ended. */
interface RunEnd {
  timedOut: boolean
  /** Whether the service accepted the cancel after a timeout. */
  cancelAccepted: boolean
  jobRun?: JobRun | undefined
}

/** Resolves and starts the application; nothing is submitted yet. */
async function prepare(settings: SparkJobSettings, deps: SparkJobDeps): Promise<SparkJob> {
  const { emr, logger, signal } = deps
  const clock = deps.clock ?? systemClock
  const random = deps.random ?? Math.random
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
  return {
    settings,
    deps,
    logger,
    clock,
    random,
    signal,
    newClientToken: deps.newClientToken ?? randomUUID,
    began,
    applicationId,
    totalAttempts: settings.retries + 1,
    handOver: {
      applicationId,
      runName: settings.runName,
      clientToken: '',
      jobRunId: '',
      finished: false,
      cancelOnAbort: settings.cancelOnAbort
    }
  }
}

function handOver(job: SparkJob, changes: Partial<RunHandOver>): void {
  Object.assign(job.handOver, changes)
  saveHandOver(job.deps.state, job.handOver)
}

/** Attempt `number`: adopts a run of this name that is still going, or starts a new one. */
async function attachOrSubmit(job: SparkJob, number: number): Promise<AttemptRecord> {
  const { deps, logger, settings, signal } = job
  const running = await beforeAnyRun(signal, () =>
    findActiveRun(deps.emr, job.applicationId, settings.runName, signal)
  )
  let jobRunId: string
  if (running?.id) {
    jobRunId = running.id
    logger.info(
      `Job run ${jobRunId} named ${settings.runName} is already ${running.state}: attaching to it instead of starting another`
    )
    handOver(job, { jobRunId, clientToken: '', finished: false })
  } else {
    jobRunId = await submit(job)
    logger.info(`Started job run ${jobRunId} (attempt ${number} of ${job.totalAttempts})`)
  }
  return {
    number,
    jobRunId,
    attached: Boolean(running?.id),
    state: running?.state ?? 'SUBMITTED',
    durationSeconds: 0,
    usage: NO_USAGE,
    logs: []
  }
}

/** Starts a new run with a fresh client token (a retry after a failure is a new run). */
async function submit(job: SparkJob): Promise<string> {
  const { deps, logger, settings, signal, clock, random } = job
  job.jobDriver ??= await beforeAnyRun(signal, () => buildJobDriver(settings, deps, logger))
  const clientToken = job.newClientToken()
  const request = startJobRunRequest(settings, job.applicationId, job.jobDriver, clientToken)
  // A workflow cancelled before this point starts no run at all.
  return beforeAnyRun(signal, async () => {
    handOver(job, { jobRunId: '', clientToken, finished: false })
    const jobRunId = await submitJobRun(deps.emrSubmit, deps.emr, request, {
      clock,
      logger,
      random,
      signal,
      // No run exists, so the post step has nothing to look for.
      onRefused: () => handOver(job, { finished: true })
    })
    handOver(job, { jobRunId })
    return jobRunId
  })
}

/** With wait: false the run is left going on purpose: the post step must not cancel it. */
async function leaveRunning(
  job: SparkJob,
  outcome: SparkJobOutcome,
  attempt: AttemptRecord
): Promise<SparkJobOutcome> {
  handOver(job, { finished: true })
  job.logger.info(`Not waiting for job run ${attempt.jobRunId} (wait: false)`)
  outcome.dashboardUrl = await sparkUiLink(job, attempt.jobRunId)
  return outcome
}

/**
 * Waits for the run to end, within what is left of wait-timeout; past it, cancels the run.
 * 'aborted' when the workflow was cancelled meanwhile.
 */
async function waitForEnd(job: SparkJob, attempt: AttemptRecord): Promise<RunEnd | 'aborted'> {
  const { deps, settings, signal, logger, clock } = job
  const { jobRunId } = attempt
  let result
  try {
    signal?.throwIfAborted()
    result = await waitForJobRun(deps.emr, job.applicationId, jobRunId, {
      pollMinMs: settings.pollIntervalMinMs,
      pollMaxMs: settings.pollIntervalMaxMs,
      timeoutMs: settings.waitTimeoutMs,
      startedAt: job.began,
      clock,
      logger,
      random: job.random,
      signal
    })
  } catch (error) {
    if (!signal?.aborted) throw error
    return 'aborted'
  }
  let jobRun = result.jobRun
  if (result.outcome !== 'timeout') {
    handOver(job, { finished: true })
    return { timedOut: false, cancelAccepted: false, jobRun }
  }
  logger.warning(
    `Job run ${jobRunId} did not finish within wait-timeout (${formatDuration(settings.waitTimeoutMs)}): cancelling it`
  )
  const cancelAccepted = await cancelJobRun(deps.emr, job.applicationId, jobRunId, logger)
  if (cancelAccepted)
    jobRun = (await confirmCancelled(deps.emr, job.applicationId, jobRunId, clock)) ?? jobRun
  // A run whose cancellation was refused may still be going: the post step tries again.
  if (cancelAccepted || TERMINAL_STATES.has(jobRun?.state ?? '')) handOver(job, { finished: true })
  return { timedOut: true, cancelAccepted, jobRun }
}

/** The attempt's final state, duration and cost, added to the outcome. */
function recordEnd(
  job: SparkJob,
  outcome: SparkJobOutcome,
  attempt: AttemptRecord,
  attemptBegan: number,
  { jobRun }: RunEnd
): void {
  attempt.state = jobRun?.state ?? attempt.state
  attempt.stateDetails = jobRun?.stateDetails || undefined
  attempt.durationSeconds = durationSecondsOf(jobRun, job.clock.now() - attemptBegan)
  attempt.usage = usageOf(jobRun)
  outcome.state = attempt.state
  outcome.durationSeconds = attempt.durationSeconds
  outcome.usage = addUsage(outcome.usage, attempt.usage)
}

async function succeed(
  job: SparkJob,
  outcome: SparkJobOutcome,
  attempt: AttemptRecord,
  jobRun: JobRun | undefined
): Promise<SparkJobOutcome> {
  job.logger.info(
    `Job run ${attempt.jobRunId} succeeded in ${formatDuration(attempt.durationSeconds * 1000)}`
  )
  outcome.dashboardUrl = await sparkUiLink(job, attempt.jobRunId, jobRun?.attempt)
  return outcome
}

/** What a failed run leaves for the reader: the driver's log tails and the Spark UI link. */
async function gatherEvidence(
  job: SparkJob,
  outcome: SparkJobOutcome,
  attempt: AttemptRecord,
  jobRun: JobRun | undefined
): Promise<void> {
  attempt.logs = await showDriverLogs(
    job.deps.s3,
    job.settings.logUri,
    job.applicationId,
    attempt.jobRunId,
    jobRun?.attempt,
    job.logger
  )
  outcome.dashboardUrl = await sparkUiLink(job, attempt.jobRunId, jobRun?.attempt)
}

function sparkUiLink(job: SparkJob, jobRunId: string, attempt?: number): Promise<string> {
  return dashboardUrl(job.deps.emr, job.applicationId, jobRunId, attempt, job.logger)
}

/**
 * After a run that did not succeed: why the step fails, or how long to pause before the
 * next attempt. Only a FAILED run is submitted again, only while attempts and wait-timeout
 * are left, and never when it exited with one of `no-retry-exit-codes`.
 */
function afterFailure(
  job: SparkJob,
  attempt: AttemptRecord,
  end: RunEnd
): { failure: string; certain?: boolean } | { delayMs: number } {
  const { settings, totalAttempts } = job
  const { jobRunId, number, state } = attempt
  const details = detailsOf(attempt)
  if (end.timedOut) {
    const limit = `wait-timeout (${formatDuration(settings.waitTimeoutMs)})`
    return {
      failure: end.cancelAccepted
        ? `Job run ${jobRunId} did not finish within ${limit} and was cancelled (now ${state})`
        : `Job run ${jobRunId} did not finish within ${limit}; cancelling it failed (the post step tries again)`
    }
  }
  if (
    state === 'FAILED' &&
    failureKindOf(attempt.stateDetails, settings.noRetryExitCodes) === 'certain'
  ) {
    const exitCode = String(exitCodeOf(attempt.stateDetails))
    return {
      certain: true,
      failure:
        `Job run ${jobRunId} ended FAILED${details} (exit code ${exitCode} is in ` +
        `no-retry-exit-codes: a refusal that no re-run changes, not submitted again)`
    }
  }
  if (state !== 'FAILED' || number === totalAttempts) {
    const which =
      totalAttempts > 1 && state === 'FAILED' ? ` (attempt ${number} of ${totalAttempts})` : ''
    return { failure: `Job run ${jobRunId} ended ${state}${details}${which}` }
  }
  const delayMs = retryDelayMs(number, settings.retryDelay, job.random)
  const left = settings.waitTimeoutMs - (job.clock.now() - job.began)
  if (left <= delayMs) {
    return {
      failure: `Job run ${jobRunId} ended FAILED${details}; no time left within wait-timeout for attempt ${number + 1}`
    }
  }
  return { delayMs }
}

/** The pause before the next attempt; a failure message when the workflow is cancelled in it. */
async function pauseBeforeRetry(
  job: SparkJob,
  attempt: AttemptRecord,
  delayMs: number
): Promise<string | undefined> {
  const { jobRunId, number } = attempt
  const details = detailsOf(attempt)
  job.logger.warning(
    `Attempt ${number} of ${job.totalAttempts} failed (job run ${jobRunId}${details}); submitting again in ${formatDuration(delayMs)}`
  )
  try {
    await job.clock.sleep(delayMs, job.signal)
    return undefined
  } catch (error) {
    if (!job.signal?.aborted) throw error
    return `The workflow was cancelled while waiting to retry; the last job run ${jobRunId} had FAILED${details}`
  }
}

function detailsOf(attempt: AttemptRecord): string {
  return attempt.stateDetails ? `: ${attempt.stateDetails}` : ''
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

/** The workflow was cancelled while the run was going: cancel it (unless told not to). */
async function abandon(
  job: SparkJob,
  outcome: SparkJobOutcome,
  attempt: AttemptRecord,
  reason: string
): Promise<SparkJobOutcome> {
  const { deps, logger, settings } = job
  if (!settings.cancelOnAbort) {
    handOver(job, { finished: true })
    outcome.failure = `${reason}; job run ${attempt.jobRunId} was left running (cancel-on-abort: false)`
    return outcome
  }
  const cancelled = await cancelJobRun(deps.emr, job.applicationId, attempt.jobRunId, logger)
  // A failed request leaves the run unfinished, so the post step tries again.
  if (cancelled) handOver(job, { finished: true })
  attempt.state = cancelled ? 'CANCELLING' : attempt.state
  outcome.state = attempt.state
  outcome.failure = cancelled
    ? `${reason}; job run ${attempt.jobRunId} was cancelled`
    : `${reason}; cancelling job run ${attempt.jobRunId} failed (the post step tries again)`
  return outcome
}
