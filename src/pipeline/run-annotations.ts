import { CERTAIN_FAILURE_TITLE } from '../core/errors.js'
import { callGitHub, type GitHubRequest, type Repository } from '../core/github-rest.js'

interface JobPayload {
  id: number
  name: string
  conclusion: string | null
}

interface AnnotationPayload {
  annotation_level?: string
  title?: string | null
  message?: string
}

export interface JobAnnotations {
  name: string
  conclusion: string | null
  annotations: { level: string; title: string; message: string }[]
}

const MAX_JOB_PAGES = 5

/**
 * What GitHub writes on a job it cancels because a newer run or job of its concurrency
 * group took its place in the queue ("… for '<group>' exists").
 */
export const SUPERSEDED_PREFIX = 'Canceling since a higher priority waiting request for'

/**
 * The jobs of a run (its latest attempt) whose conclusion `wanted` accepts, with their
 * annotations (`actions: read` for the jobs, `checks: read` for the annotations).
 */
export async function jobAnnotations(
  request: GitHubRequest,
  repository: Repository,
  runId: number,
  wanted: (conclusion: string | null) => boolean
): Promise<JobAnnotations[]> {
  const jobs: JobPayload[] = []
  for (let page = 1; page <= MAX_JOB_PAGES; page++) {
    const { jobs: pageJobs } = await callGitHub<{ jobs: JobPayload[] }>(
      request,
      'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs',
      { ...repository, run_id: runId, filter: 'latest', per_page: 100, page },
      { permission: 'actions: read' }
    )
    jobs.push(...pageJobs.filter(job => wanted(job.conclusion)))
    if (pageJobs.length < 100) break
  }
  const result: JobAnnotations[] = []
  for (const job of jobs) {
    const annotations = await callGitHub<AnnotationPayload[]>(
      request,
      'GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations',
      { ...repository, check_run_id: job.id, per_page: 50 },
      { permission: 'checks: read' }
    )
    result.push({
      name: job.name,
      conclusion: job.conclusion,
      annotations: annotations.map(annotation => ({
        level: annotation.annotation_level ?? '',
        title: annotation.title ?? '',
        message: annotation.message ?? ''
      }))
    })
  }
  return result
}

/** The certain failures of a run's failed jobs: the messages marked not to be retried. */
export async function certainFailures(
  request: GitHubRequest,
  repository: Repository,
  runId: number
): Promise<string[]> {
  const jobs = await jobAnnotations(
    request,
    repository,
    runId,
    conclusion => conclusion === 'failure'
  )
  return jobs.flatMap(job =>
    job.annotations
      .filter(
        annotation => annotation.level === 'failure' && annotation.title === CERTAIN_FAILURE_TITLE
      )
      .map(annotation => `${job.name}: ${annotation.message}`)
  )
}

/**
 * The dates among `dates` whose jobs GitHub cancelled because a newer trigger of the same
 * date replaced them in the queue: the concurrency group named in the annotation holds the
 * date (`daily-customer-etl-<date>`).
 */
export async function supersededDates(
  request: GitHubRequest,
  repository: Repository,
  runId: number,
  dates: readonly string[]
): Promise<Set<string>> {
  const jobs = await jobAnnotations(
    request,
    repository,
    runId,
    conclusion => conclusion === 'cancelled'
  )
  const superseded = new Set<string>()
  for (const job of jobs) {
    for (const annotation of job.annotations) {
      if (!annotation.message.startsWith(SUPERSEDED_PREFIX)) continue
      for (const date of dates) if (annotation.message.includes(date)) superseded.add(date)
    }
  }
  return superseded
}
