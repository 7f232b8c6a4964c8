import { formatDuration } from '../core/duration.js'
import type { Logger } from '../core/log.js'
import type { Clock } from '../core/sleep.js'
import { callGitHub, type GitHubRequest, type Repository } from '../core/github-rest.js'
import { getWorkflowRun, type WorkflowRun } from './workflow-run.js'

/** GitHub re-runs a run at most 50 times (so 51 attempts) and only within 30 days. */
export const GITHUB_MAX_ATTEMPTS = 51
export const GITHUB_RERUN_WINDOW_MS = 30 * 86_400_000

export interface RetryPolicy {
  /** The daily workflow's file (`daily-customer-etl.yml`) or path; no other run is re-run. */
  workflow: string
  /** Attempts in all, the first included (run_attempt counts from 1). */
  maxAttempts: number
  /** Events whose runs may be re-run (schedule, workflow_dispatch). */
  events: readonly string[]
  delayMs: number
}

export type RetryDecision =
  { retry: true; reason: string; nextAttempt: number } | { retry: false; reason: string }

function sameWorkflow(runPath: string, workflow: string): boolean {
  const path = runPath.replace(/@.*$/, '')
  const wanted = workflow.trim().replace(/^\.\//, '')
  return path === wanted || path.endsWith(`/${wanted}`)
}

/**
 * Whether a finished run should get its failed jobs re-run. Only failed runs of the one
 * workflow, from the listed events, below the attempt bound and inside GitHub's window:
 * every other answer is "stop", so a chain of re-runs always ends.
 */
export function decideRetry(run: WorkflowRun, policy: RetryPolicy, now: Date): RetryDecision {
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
  const maxAttempts = Math.min(policy.maxAttempts, GITHUB_MAX_ATTEMPTS)
  if (run.runAttempt >= maxAttempts) {
    return stop(`${label} failed and was the last of ${maxAttempts} attempts; giving up`)
  }
  const ageAtRerun = now.getTime() - run.createdAt.getTime() + policy.delayMs
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
  clock: Clock
  logger: Logger
  signal?: AbortSignal
}

export interface AutoRetryResult {
  retried: boolean
  reason: string
  runAttempt: number
  runUrl: string
}

/**
 * Decides, waits the delay, checks nobody re-ran the run meanwhile, then asks GitHub to
 * re-run the failed jobs (the jobs that passed keep their outputs).
 */
export async function autoRetry(
  request: GitHubRequest,
  { repository, runId, policy, clock, logger, signal }: AutoRetryOptions
): Promise<AutoRetryResult> {
  const run = await getWorkflowRun(request, repository, runId)
  const decision = decideRetry(run, policy, new Date(clock.now()))
  const result = { runAttempt: run.runAttempt, runUrl: run.htmlUrl }
  logger.info(decision.reason)
  if (!decision.retry) return { retried: false, reason: decision.reason, ...result }

  if (policy.delayMs > 0) {
    logger.info(`Waiting ${formatDuration(policy.delayMs)} before the re-run`)
    await clock.sleep(policy.delayMs, signal)
  }
  const current = await getWorkflowRun(request, repository, runId)
  if (current.runAttempt !== run.runAttempt || current.status !== 'completed') {
    const reason =
      `run ${runId} moved on while waiting (now attempt ${current.runAttempt}, ` +
      `${current.status}); leaving it alone`
    logger.info(reason)
    return { retried: false, reason, runAttempt: current.runAttempt, runUrl: current.htmlUrl }
  }
  await callGitHub(
    request,
    'POST /repos/{owner}/{repo}/actions/runs/{run_id}/rerun-failed-jobs',
    { ...repository, run_id: runId },
    { permission: 'actions: write' }
  )
  logger.info(`Requested attempt ${decision.nextAttempt} of run ${runId}`)
  return { retried: true, reason: decision.reason, ...result }
}
