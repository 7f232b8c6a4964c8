import { errorMessage } from '../core/errors.js'
import type { Logger } from '../core/log.js'
import { callGitHub, type GitHubRequest, type Repository } from '../core/github-rest.js'

export interface FailureEvidence {
  /** Names of the failed jobs, as the run shows them. */
  failedJobs: string[]
  /** The error annotations of those jobs, one block per job. */
  excerpt: string
}

interface JobPayload {
  id: number
  name: string
  conclusion: string | null
  steps?: Array<{ name: string; conclusion: string | null }>
}

interface AnnotationPayload {
  annotation_level?: string
  message?: string
}

const MAX_JOB_PAGES = 5

/** Failed jobs read at most; a run with more failures than this has one root cause anyway. */
const MAX_JOBS = 5

/** The runner adds this to every failed step; it says nothing the job name does not. */
const GENERIC = /^Process completed with exit code \d+\.?$/

/**
 * Reads the failed jobs of the current run and the error annotations their steps wrote
 * (`::error::` lines: the Spark state details, the driver's last lines, the quality rules
 * that failed), so the issue says why without opening the log. Best effort: without
 * `actions: read` / `checks: read` it warns and the notification goes out anyway.
 */
export async function collectFailureEvidence(
  request: GitHubRequest,
  repository: Repository,
  runId: number,
  logger: Logger
): Promise<FailureEvidence> {
  try {
    const failed: JobPayload[] = []
    // A backfill run holds a few jobs per date: read every page, within reason.
    for (let page = 1; page <= MAX_JOB_PAGES; page++) {
      const { jobs } = await callGitHub<{ jobs: JobPayload[] }>(
        request,
        'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs',
        { ...repository, run_id: runId, filter: 'latest', per_page: 100, page },
        { permission: 'actions: read' }
      )
      failed.push(...jobs.filter(job => job.conclusion === 'failure'))
      if (jobs.length < 100) break
    }
    const blocks: string[] = []
    for (const job of failed.slice(0, MAX_JOBS)) {
      const annotations = await callGitHub<AnnotationPayload[]>(
        request,
        'GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations',
        { ...repository, check_run_id: job.id, per_page: 50 },
        { permission: 'checks: read' }
      )
      const messages = annotations
        .filter(annotation => annotation.annotation_level === 'failure')
        .map(annotation => (annotation.message ?? '').trim())
        .filter(message => message && !GENERIC.test(message))
      const step = job.steps?.find(candidate => candidate.conclusion === 'failure')?.name
      const heading = step ? `${job.name} › ${step}` : job.name
      blocks.push([`${heading}:`, ...messages].join('\n'))
    }
    return { failedJobs: failed.map(job => job.name), excerpt: blocks.join('\n\n') }
  } catch (error) {
    logger.warning(`Could not read the failed jobs' errors: ${errorMessage(error)}`)
    return { failedJobs: [], excerpt: '' }
  }
}
