import {
  CancelJobRunCommand,
  GetJobRunCommand,
  GetDashboardForJobRunCommand,
  ListJobRunsCommand,
  StartJobRunCommand,
  type EMRServerlessClient,
  type JobRun,
  type JobRunState,
  type JobRunSummary,
  type StartJobRunCommandInput
} from '@aws-sdk/client-emr-serverless'
import { abortable } from '../core/aws-request.js'
import { errorMessage, errorName } from '../core/errors.js'
import type { Logger } from '../core/log.js'
import { isTransient } from '../core/aws-errors.js'
import { backoffDelay } from '../core/retry.js'
import type { Clock } from '../core/sleep.js'

/** States in which a run may still do work (and cost money). */
export const ACTIVE_STATES: JobRunState[] = [
  'SUBMITTED',
  'PENDING',
  'SCHEDULED',
  'QUEUED',
  'RUNNING'
]
export const TERMINAL_STATES = new Set<string>(['SUCCESS', 'FAILED', 'CANCELLED'])

/**
 * The tag that carries a run's client token: GetJobRun does not return the token itself, and
 * the post step needs it to tell the run its main step started from another of the same name.
 */
export const CLIENT_TOKEN_TAG = 'spark-job:client-token'

/**
 * The newest run of this name that is still going on the application, if any. Lists only
 * active states (every page), then matches the name exactly.
 */
export async function findActiveRun(
  emr: EMRServerlessClient,
  applicationId: string,
  name: string,
  signal?: AbortSignal | undefined
): Promise<JobRunSummary | undefined> {
  return (await listActiveRuns(emr, applicationId, name, signal))[0]
}

/** Every run of this name that is still going on the application, newest first. */
export async function listActiveRuns(
  emr: EMRServerlessClient,
  applicationId: string,
  name: string,
  signal?: AbortSignal | undefined
): Promise<JobRunSummary[]> {
  const matches: JobRunSummary[] = []
  let nextToken: string | undefined
  do {
    let page
    try {
      page = await emr.send(
        new ListJobRunsCommand({ applicationId, states: ACTIVE_STATES, nextToken }),
        abortable(signal)
      )
    } catch (error) {
      // Some implementations answer "no runs yet" this way for an application we just read.
      if (errorName(error) === 'ResourceNotFoundException') return []
      throw error
    }
    for (const run of page.jobRuns ?? []) {
      if (run.name === name && ACTIVE_STATES.includes(run.state as JobRunState)) matches.push(run)
    }
    nextToken = page.nextToken
  } while (nextToken)
  return matches.sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0))
}

/**
 * The IDs of the runs of this name, still going, that a StartJobRun with this client token
 * started (told by their client-token tag), and how many others of the name are going.
 */
export async function activeRunsStartedWith(
  emr: EMRServerlessClient,
  applicationId: string,
  name: string,
  clientToken: string,
  signal?: AbortSignal | undefined
): Promise<{ ours: string[]; others: number }> {
  const ours: string[] = []
  let others = 0
  for (const { id: jobRunId } of await listActiveRuns(emr, applicationId, name, signal)) {
    if (!jobRunId) continue
    // No retry here: the client has retried the request already (docs/operations.md, "Retries and alerts").
    const { jobRun } = await emr.send(
      new GetJobRunCommand({ applicationId, jobRunId }),
      abortable(signal)
    )
    if (jobRun?.tags?.[CLIENT_TOKEN_TAG] === clientToken) ours.push(jobRunId)
    else others++
  }
  return { ours, others }
}

export interface SubmitOptions {
  clock: Clock
  logger: Logger
  random?: () => number
  attempts?: number
  /** Once aborted, no new StartJobRun is sent; a run an earlier try started is still returned. */
  signal?: AbortSignal | undefined
  /** Called when the service refused the first and only try: no run can exist. */
  onRefused?: () => void
}

/**
 * Starts a run. A transient failure (throttling, a dropped connection) may hide a request
 * that did reach the service, so before each new try it looks for an active run of this
 * name: found, that run is ours. The same client token is sent on every try of one submission,
 * which the service uses to deduplicate as well.
 */
export async function submitJobRun(
  emrSubmit: EMRServerlessClient,
  emr: EMRServerlessClient,
  request: StartJobRunCommandInput & { applicationId: string; name: string },
  { clock, logger, random = Math.random, attempts = 6, signal, onRefused }: SubmitOptions
): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    // Not abortable: once sent, its answer says which run to cancel.
    try {
      const { jobRunId } = await emrSubmit.send(new StartJobRunCommand(request))
      if (!jobRunId) throw new Error('StartJobRun answered without a job run ID')
      return jobRunId
    } catch (error) {
      if (!isTransient(error) && attempt === 1) onRefused?.()
      if (!isTransient(error) || attempt >= attempts) throw error
      logger.warning(
        `StartJobRun failed (${errorName(error)}: ${errorMessage(error)}); checking whether the run started`
      )
      // A cancelled workflow cuts the pause short, but still looks for the run the failed
      // try may have started, so that the caller can cancel it.
      await clock.sleep(backoffDelay(attempt - 1, 500, 10_000, random), signal).catch(() => {})
      const started = await findActiveRun(emr, request.applicationId, request.name)
      if (started?.id) {
        logger.info(`The submission did reach the service: job run ${started.id}`)
        return started.id
      }
      signal?.throwIfAborted()
    }
  }
}

/**
 * Cancels a run, quickly: on workflow cancellation the runner kills the process 7.5 s after
 * SIGINT, so each request gets a short deadline. Returns whether the service accepted it.
 */
export async function cancelJobRun(
  emr: EMRServerlessClient,
  applicationId: string,
  jobRunId: string,
  logger: Logger,
  deadlineMs = 5000
): Promise<boolean> {
  const deadline = AbortSignal.timeout(deadlineMs)
  try {
    await emr.send(new CancelJobRunCommand({ applicationId, jobRunId }), { abortSignal: deadline })
    logger.info(`Cancellation of job run ${jobRunId} requested`)
    return true
  } catch (error) {
    logger.warning(
      `Could not cancel job run ${jobRunId}: ${errorName(error)}: ${errorMessage(error)}`
    )
    return false
  }
}

/** After CancelJobRun: the run's state once it is terminal, or after ~10 s at most. */
export async function confirmCancelled(
  emr: EMRServerlessClient,
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

/** The Spark UI link for a run; '' (with a warning) when the service cannot give one. */
export async function dashboardUrl(
  emr: EMRServerlessClient,
  applicationId: string,
  jobRunId: string,
  attempt: number | undefined,
  logger: Logger
): Promise<string> {
  try {
    const { url } = await emr.send(
      new GetDashboardForJobRunCommand({
        applicationId,
        jobRunId,
        ...(attempt && attempt > 1 ? { attempt } : {})
      })
    )
    return url ?? ''
  } catch (error) {
    logger.warning(
      `No Spark UI link for job run ${jobRunId}: ${errorName(error)}: ${errorMessage(error)}`
    )
    return ''
  }
}
