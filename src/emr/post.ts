import { GetJobRunCommand, type EMRServerlessClient } from '@aws-sdk/client-emr-serverless'
import { errorMessage, errorName } from '../core/errors.js'
import type { Logger } from '../core/log.js'
import type { StateStore } from '../core/state.js'
import { cancelJobRun, TERMINAL_STATES } from './job-runs.js'
import { readHandOver } from './run-state.js'

export type PostResult =
  'no-run' | 'finished' | 'left-running' | 'already-ended' | 'cancelled' | 'cancel-failed'

/**
 * After the main step, whatever became of it (success, failure, cancellation, a killed
 * process): cancels the job run it saved unless that run was marked finished. A run that
 * has already ended is left alone.
 */
export async function cancelRunLeftBehind(
  state: StateStore,
  emr: () => EMRServerlessClient,
  logger: Logger
): Promise<PostResult> {
  const handOver = readHandOver(state)
  if (!handOver?.jobRunId) {
    logger.debug('The main step started no job run: nothing to clean up')
    return 'no-run'
  }
  const { applicationId, jobRunId } = handOver
  if (handOver.finished) {
    logger.debug(`Job run ${jobRunId} needs nothing more`)
    return 'finished'
  }
  if (!handOver.cancelOnAbort) {
    logger.info(
      `Job run ${jobRunId} may still be running; cancel-on-abort is false, so it is left alone`
    )
    return 'left-running'
  }
  const client = emr()
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
