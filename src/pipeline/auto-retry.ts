import { formatDuration } from '../core/duration.js'
import {
  callGitHub,
  GitHubApiError,
  type GitHubRequest,
  type Repository
} from '../core/github-rest.js'
import type { Logger } from '../core/log.js'
import type { Clock } from '../core/sleep.js'
import { retryDelayMs, type RetryDelayPolicy } from '../core/retry-delay.js'
import { errorMessage } from '../core/errors.js'
import { certainFailures } from './run-annotations.js'
import { getRunAttempt, getWorkflowRun, type WorkflowRun } from './workflow-run.js'

/** GitHub re-runs a run at most 50 times (so 51 attempts) and only within 30 days. */
export const GITHUB_MAX_RERUNS = 50
export const GITHUB_RERUN_WINDOW_MS = 30 * 86_400_000

export interface RetryPolicy {
  /** The daily workflow's file (`daily-customer-etl.yml`) or path; no other run is re-run. */
  workflow: string
  /** Re-runs after the first attempt, as the seed's `retries`: 3 = up to 4 attempts. */
  retries: number
  /** Events whose runs may be re-run (schedule, workflow_dispatch). */
  events: readonly string[]
  delay: RetryDelayPolicy
}

export type RetryDecision =
  { retry: true; reason: string; nextAttempt: number } | { retry: false; reason: string }

function sameWorkflow(runPath: string, workflow: string): boolean {
  const path = runPath.replace(/@.*$/, '')
  const wanted = workflow.trim().replace(/^\.\//, '')
  return path === wanted || path.endsWith(`/${wanted}`)
}

/**
 * Whether a finished run should get its failed jobs re-run, the wait before it being
 * `delayMs`. Only failed runs of the one workflow, from the listed events, below the
 * attempt bound and inside GitHub's window: every other answer is "stop", so a chain of
 * re-runs always ends.
 */
export function decideRetry(
  run: WorkflowRun,
  policy: RetryPolicy,
  now: Date,
  delayMs: number
): RetryDecision {
  const stop = (reason: string): RetryDecision => ({ retry: false, reason })
  const label = `run ${run.id} attempt ${run.runAttempt}`
  if (!sameWorkflow(run.path, policy.workflow)) {
    return stop(`${label} is of ${run.path || 'an unknown workflow'}, not ${policy.workflow}`)
  }
  if (run.status !== 'completed') {
    return stop(`${label} is still ${run.status}; only a completed run can be re-run`)
  }
  if (run.conclusion !== 'failure') {
    return stop(
      `${label} ended ${run.conclusion ?? 'without a conclusion'}; only failures are re-run`
    )
  }
  if (!policy.events.includes(run.event)) {
    return stop(`${label} was started by ${run.event}; re-runs are for ${policy.events.join(', ')}`)
  }
  const maxAttempts = Math.min(policy.retries, GITHUB_MAX_RERUNS) + 1
  if (run.runAttempt >= maxAttempts) {
    return stop(
      `${label} failed and was the last of ${maxAttempts} attempts (retries: ${policy.retries}); giving up`
    )
  }
  const ageAtRerun = now.getTime() - run.createdAt.getTime() + delayMs
  if (ageAtRerun > GITHUB_RERUN_WINDOW_MS) {
    return stop(`${label} is older than GitHub's 30-day re-run window`)
  }
  return {
    retry: true,
    nextAttempt: run.runAttempt + 1,
    reason: `${label} failed; re-running its failed jobs as attempt ${run.runAttempt + 1} of ${maxAttempts}`
  }
}

export interface AutoRetryOptions {
  repository: Repository
  runId: number
  policy: RetryPolicy
  /** All this step may spend waiting and watching; keep it below the job's timeout-minutes. */
  timeoutMs: number
  /** How often a running attempt is read. */
  pollIntervalMs: number
  clock: Clock
  logger: Logger
  random?: () => number
  signal?: AbortSignal
}

export interface AutoRetryResult {
  /** Re-runs this step requested. */
  reruns: number
  reason: string
  /** The last attempt of the run this step saw, and how it stood. */
  runAttempt: number
  /** success, failure, cancelled…, or the status (in_progress) of an attempt still going. */
  conclusion: string
  runUrl: string
}

/**
 * Re-runs the failed jobs of a failed run, waits for that attempt to finish, and repeats
 * until an attempt passes, the retries are used up or the timeout would be passed. One
 * step does the whole chain: a re-run requested with the job's GITHUB_TOKEN fires no
 * workflow_run event, so no later auto-retry run would see the next failure.
 */
export async function autoRetry(
  request: GitHubRequest,
  options: AutoRetryOptions
): Promise<AutoRetryResult> {
  const { repository, runId, policy, timeoutMs, clock, logger, random, signal } = options
  const deadline = clock.now() + timeoutMs
  let reruns = 0
  const finish = (reason: string, run: WorkflowRun): AutoRetryResult => {
    logger.info(reason)
    return {
      reruns,
      reason,
      runAttempt: run.runAttempt,
      conclusion: run.status === 'completed' ? (run.conclusion ?? 'unknown') : run.status,
      runUrl: run.htmlUrl
    }
  }

  let run = await getWorkflowRun(request, repository, runId)
  for (;;) {
    const delayMs = retryDelayMs(run.runAttempt, policy.delay, random)
    const decision = decideRetry(run, policy, new Date(clock.now()), delayMs)
    if (!decision.retry) return finish(decision.reason, run)
    const certain = await certainFailuresOf(request, repository, runId, logger)
    if (certain.length) {
      const more = certain.length > 1 ? ` (and ${certain.length - 1} more)` : ''
      return finish(`not retried: ${certain[0]}${more}`, run)
    }
    logger.info(decision.reason)
    if (delayMs >= deadline - clock.now()) {
      return finish(
        `waiting ${formatDuration(delayMs)} before attempt ${decision.nextAttempt} would leave ` +
          `nothing of the ${formatDuration(timeoutMs)} timeout to watch it; leaving run ${runId} as it is`,
        run
      )
    }
    if (delayMs > 0) {
      logger.info(`Waiting ${formatDuration(delayMs)} before the re-run`)
      await clock.sleep(delayMs, signal)
    }
    const current = await getWorkflowRun(request, repository, runId)
    if (current.runAttempt !== run.runAttempt || current.status !== 'completed') {
      return finish(
        `run ${runId} moved on while waiting (now attempt ${current.runAttempt}, ` +
          `${current.status}); leaving it alone`,
        current
      )
    }
    await callGitHub(
      request,
      'POST /repos/{owner}/{repo}/actions/runs/{run_id}/rerun-failed-jobs',
      { ...repository, run_id: runId },
      { permission: 'actions: write' }
    )
    reruns++
    logger.info(`Requested attempt ${decision.nextAttempt} of run ${runId}`)
    const attempt = await waitForAttempt(request, options, decision.nextAttempt, deadline)
    if (attempt.status !== 'completed') {
      return finish(
        `run ${runId} attempt ${attempt.runAttempt} was still ${attempt.status} when the ` +
          `${formatDuration(timeoutMs)} timeout ran out; it is not watched any more`,
        attempt
      )
    }
    if (attempt.conclusion === 'success') {
      return finish(
        `run ${runId} attempt ${attempt.runAttempt} succeeded after ${reruns} re-run(s)`,
        attempt
      )
    }
    logger.info(`Run ${runId} attempt ${attempt.runAttempt} ended ${attempt.conclusion}`)
    run = attempt
  }
}

/**
 * The failures of the run's latest attempt that its actions marked certain (a refusal, a
 * blocked date): a re-run would repeat them, and pay for it. Unreadable (no `checks: read`),
 * the failure counts as transient: a needless re-run costs less than a lost night.
 */
async function certainFailuresOf(
  request: GitHubRequest,
  repository: Repository,
  runId: number,
  logger: Logger
): Promise<string[]> {
  try {
    return await certainFailures(request, repository, runId)
  } catch (error) {
    logger.warning(
      `Could not read whether run ${runId} failed for a certain reason (needs actions: read and checks: read): ${errorMessage(error)}; re-running it as a transient failure`
    )
    return []
  }
}

/**
 * Reads the attempt every poll interval until it has completed or the deadline is reached,
 * whichever comes first; returns it as last seen.
 */
async function waitForAttempt(
  request: GitHubRequest,
  { repository, runId, pollIntervalMs, clock, logger, signal }: AutoRetryOptions,
  attemptNumber: number,
  deadline: number
): Promise<WorkflowRun> {
  let lastStatus = ''
  for (;;) {
    const left = deadline - clock.now()
    if (left > 0) await clock.sleep(Math.min(pollIntervalMs, left), signal)
    const attempt = await readAttempt(request, repository, runId, attemptNumber)
    if (attempt.status !== lastStatus) {
      logger.info(`Run ${runId} attempt ${attemptNumber}: ${attempt.status}`)
      lastStatus = attempt.status
    }
    if (attempt.status === 'completed' || clock.now() >= deadline) return attempt
  }
}

/**
 * An attempt that was just requested may not be readable at once; then the run itself
 * says where it stands (and a run that is gone fails the call as it should).
 */
async function readAttempt(
  request: GitHubRequest,
  repository: Repository,
  runId: number,
  attemptNumber: number
): Promise<WorkflowRun> {
  try {
    return await getRunAttempt(request, repository, runId, attemptNumber)
  } catch (error) {
    if (!(error instanceof GitHubApiError && error.status === 404)) throw error
    const run = await getWorkflowRun(request, repository, runId)
    return { ...run, runAttempt: attemptNumber, status: 'queued', conclusion: null }
  }
}
