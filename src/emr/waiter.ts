import {
  GetJobRunCommand,
  type EMRServerlessClient,
  type JobRun
} from '@aws-sdk/client-emr-serverless'
import { abortable } from '../core/aws-request.js'
import { errorMessage, errorName } from '../core/errors.js'
import type { Logger } from '../core/log.js'
import { isThrottling, isTransient } from '../core/aws-errors.js'
import type { Clock } from '../core/sleep.js'
import { TERMINAL_STATES } from './job-runs.js'

/**
 * The pause before poll number `step` (0-based): grows ×1.5 from `minMs` to `maxMs`, then
 * drawn from its upper half so many runners polling at once drift apart, never below `minMs`.
 * Each throttled call in a row doubles it (still capped), and the next success brings it back.
 */
export function pollDelay(
  step: number,
  minMs: number,
  maxMs: number,
  random: () => number = Math.random,
  throttledInARow = 0
): number {
  const nominal = Math.min(maxMs, minMs * 1.5 ** step * 2 ** throttledInARow)
  return Math.round(Math.max(minMs, nominal * (0.5 + 0.5 * random())))
}

export interface WaitOptions {
  pollMinMs: number
  pollMaxMs: number
  /** Gives up (outcome 'timeout') once this much time has passed since `startedAt`. */
  timeoutMs: number
  startedAt?: number
  clock: Clock
  logger: Logger
  random?: () => number
  signal?: AbortSignal | undefined
}

export interface WaitResult {
  outcome: 'terminal' | 'timeout'
  /** The last answer from the service (undefined only when every poll failed). */
  jobRun?: JobRun | undefined
  polls: number
}

/**
 * Polls GetJobRun until the run reaches SUCCESS, FAILED or CANCELLED. Every other state,
 * including QUEUED and states this code has never heard of, means "still going". A state
 * change is logged once; throttling and network errors are logged and polled through.
 * Aborting the signal rejects at once with the signal's reason.
 */
export async function waitForJobRun(
  emr: EMRServerlessClient,
  applicationId: string,
  jobRunId: string,
  {
    pollMinMs,
    pollMaxMs,
    timeoutMs,
    startedAt,
    clock,
    logger,
    random = Math.random,
    signal
  }: WaitOptions
): Promise<WaitResult> {
  const start = startedAt ?? clock.now()
  let step = 0
  let polls = 0
  let lastState: string | undefined
  let jobRun: JobRun | undefined
  let failuresInARow = 0
  let throttledInARow = 0
  for (;;) {
    signal?.throwIfAborted()
    polls++
    try {
      const answer = await emr.send(
        new GetJobRunCommand({ applicationId, jobRunId }),
        abortable(signal)
      )
      jobRun = answer.jobRun
      if (failuresInARow > 0)
        logger.info(`GetJobRun answers again after ${failuresInARow} failed call(s)`)
      failuresInARow = 0
      throttledInARow = 0
    } catch (error) {
      signal?.throwIfAborted()
      if (!isTransient(error)) throw error
      failuresInARow++
      throttledInARow = isThrottling(error) ? throttledInARow + 1 : 0
      const detail = `${errorName(error)}: ${errorMessage(error)}`
      if (failuresInARow === 1) logger.warning(`GetJobRun failed (${detail}); still waiting`)
      else logger.debug(`GetJobRun failed ${failuresInARow} times in a row (${detail})`)
    }
    const state = jobRun?.state
    if (state && state !== lastState) {
      logger.info(
        `Job run ${jobRunId}: ${state}${jobRun?.stateDetails ? ` (${jobRun.stateDetails})` : ''}`
      )
      lastState = state
      step = 0
    }
    if (state && TERMINAL_STATES.has(state)) return { outcome: 'terminal', jobRun, polls }
    const left = timeoutMs - (clock.now() - start)
    if (left <= 0) return { outcome: 'timeout', jobRun, polls }
    await clock.sleep(
      Math.min(left, pollDelay(step++, pollMinMs, pollMaxMs, random, throttledInARow)),
      signal
    )
  }
}
