import { GetJobRunCommand, type EMRServerlessClient } from '@aws-sdk/client-emr-serverless'
import { errorMessage, errorName } from '../core/errors.js'
import type { Logger } from '../core/log.js'
import { sleep as realSleep, type Sleep } from '../core/sleep.js'
import type { StateStore } from '../core/state.js'
import { activeRunsStartedWith, cancelJobRun, TERMINAL_STATES } from './job-runs.js'
import { readHandOver, type RunHandOver } from './run-state.js'

export type PostResult =
  | 'no-run'
  | 'finished'
  | 'left-running'
  | 'already-ended'
  | 'cancelled'
  | 'cancel-failed'
  | 'not-found'

export interface PostOptions {
  sleep?: Sleep
  /** Looks for a run whose StartJobRun was in flight; a request just sent may land late. */
  looks?: number
  lookIntervalMs?: number
}

/**
 * After the main step, whatever became of it (success, failure, cancellation, a killed
 * process): cancels the job run it saved unless that run was marked finished. A run that
 * has already ended is left alone. When the main step died while StartJobRun was in flight
 * (no job run ID saved), finds the run by its name and this step's client token.
 */
export async function cancelRunLeftBehind(
  state: StateStore,
  emr: () => EMRServerlessClient,
  logger: Logger,
  options: PostOptions = {}
): Promise<PostResult> {
  const handOver = readHandOver(state)
  if (!handOver || (!handOver.jobRunId && !handOver.clientToken)) {
    logger.debug('The main step started no job run: nothing to clean up')
    return 'no-run'
  }
  const { applicationId, jobRunId } = handOver
  const which = jobRunId ? `Job run ${jobRunId}` : `The run named ${handOver.runName}`
  if (handOver.finished) {
    logger.debug(`${which} needs nothing more`)
    return 'finished'
  }
  if (!handOver.cancelOnAbort) {
    logger.info(`${which} may still be running; cancel-on-abort is false, so it is left alone`)
    return 'left-running'
  }
  const client = emr()
  if (!jobRunId) return cancelRunInFlight(handOver, client, logger, options)
  try {
    const { jobRun } = await client.send(new GetJobRunCommand({ applicationId, jobRunId }), {
      abortSignal: AbortSignal.timeout(5000)
    })
    if (jobRun?.state && TERMINAL_STATES.has(jobRun.state)) {
      logger.info(`Job run ${jobRunId} already ended ${jobRun.state}`)
      return 'already-ended'
    }
    logger.info(
      `The main step left job run ${jobRunId} ${jobRun?.state ?? 'in an unknown state'}: cancelling it`
    )
  } catch (error) {
    logger.warning(
      `Could not read job run ${jobRunId} (${errorName(error)}: ${errorMessage(error)}): cancelling it anyway`
    )
  }
  return (await cancelJobRun(client, applicationId, jobRunId, logger))
    ? 'cancelled'
    : 'cancel-failed'
}

/**
 * The main step died before StartJobRun answered: the run may exist without the step ever
 * learning its ID. Cancels the active runs of its name that carry its client token, and only
 * those: another run of the same name belongs to another workflow run or attempt (a re-run
 * started meanwhile, say), which waits for it and cancels it itself.
 */
async function cancelRunInFlight(
  { applicationId, runName, clientToken }: RunHandOver,
  client: EMRServerlessClient,
  logger: Logger,
  { sleep = realSleep, looks = 3, lookIntervalMs = 2000 }: PostOptions
): Promise<PostResult> {
  logger.info(
    `The main step stopped while starting job run ${runName}: looking for the run it may have started`
  )
  for (let look = 1; look <= looks; look++) {
    let found
    try {
      found = await activeRunsStartedWith(
        client,
        applicationId,
        runName,
        clientToken,
        AbortSignal.timeout(10_000)
      )
    } catch (error) {
      logger.warning(
        `Could not list the runs named ${runName} (${errorName(error)}: ${errorMessage(error)})`
      )
      return 'cancel-failed'
    }
    if (found.others) {
      logger.info(
        `${found.others} other run(s) named ${runName} are going, started by another workflow run or attempt: left alone`
      )
    }
    if (found.ours.length) {
      let cancelled = true
      for (const id of found.ours) {
        logger.info(`Job run ${id} is the one the main step started: cancelling it`)
        if (!(await cancelJobRun(client, applicationId, id, logger))) cancelled = false
      }
      return cancelled ? 'cancelled' : 'cancel-failed'
    }
    if (look < looks) await sleep(lookIntervalMs)
  }
  logger.info(
    `No run named ${runName} with the main step's client token is going: nothing to cancel`
  )
  return 'not-found'
}
