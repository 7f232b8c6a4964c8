import { addDays } from '../core/calendar.js'
import { errorMessage } from '../core/errors.js'
import { callGitHub, type GitHubRequest, type Repository } from '../core/github-rest.js'
import type { Logger } from '../core/log.js'
import { isWebUrl } from '../core/markdown.js'
import { findStreakIssue } from '../notify/issues.js'
import { group } from '../core/regex.js'

export interface WorkflowRunInfo {
  id: string
  attempt: number
  status: string
  conclusion: string | null
  url: string
  createdAt: string
  event: string
  /** The date the run processed, when it can be told from the run alone. */
  logicalDate?: string
  /** The run's jobs (read for the latest run only: one request, not one per date). */
  jobs?: { name: string; conclusion: string | null; url: string }[]
}

export interface GitHubHistory {
  /** Newest first. */
  runs: WorkflowRunInfo[]
  openIssue?: { number: number; title: string; url: string }
}

export interface HistoryOptions {
  request: GitHubRequest
  repository: Repository
  /** The workflow's file name (daily-customer-etl.yml) or ID. */
  workflow: string
  pipeline: string
  /** The failure-streak issues' label (the notify action's `label`). */
  issueLabel: string
  /** Runs created before this date are not read. */
  start: string
  logger: Logger
}

interface RunPayload {
  id: number
  run_attempt?: number
  status: string | null
  conclusion: string | null
  html_url: string
  created_at: string
  event: string
  display_title?: string
}

const MAX_PAGES = 10
const PERMISSION = 'actions: read'

/**
 * The workflow's runs since `start` (conclusion, attempt, link), the latest run's jobs, and
 * the open failure-streak issue. A failed request is one warning and the dashboard is
 * built from the lake alone: the history is extra, the records are the source.
 */
export async function readGitHubHistory(
  options: HistoryOptions
): Promise<GitHubHistory | undefined> {
  const { request, repository, workflow, logger } = options
  try {
    const runs: WorkflowRunInfo[] = []
    for (let page = 1; page <= MAX_PAGES; page++) {
      const data = await callGitHub<{ workflow_runs: RunPayload[] }>(
        request,
        'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
        {
          ...repository,
          workflow_id: workflow,
          // The run of the range's first date is created the day after it.
          created: `>=${options.start}`,
          per_page: 100,
          page
        },
        { permission: PERMISSION }
      )
      runs.push(...data.workflow_runs.map(runInfo))
      if (data.workflow_runs.length < 100) break
    }
    const latest = runs[0]
    if (latest) {
      const data = await callGitHub<{
        jobs: { name: string; conclusion: string | null; html_url: string }[]
      }>(
        request,
        'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs',
        { ...repository, run_id: Number(latest.id), per_page: 100 },
        { permission: PERMISSION }
      )
      latest.jobs = data.jobs.map(job => ({
        name: job.name,
        conclusion: job.conclusion,
        url: webUrl(job.html_url)
      }))
    }
    const issue = await findStreakIssue(request, repository, options.pipeline, options.issueLabel)
    return {
      runs,
      ...(issue
        ? {
            openIssue: {
              number: issue.number,
              title: issue.title ?? '',
              url: webUrl((issue as { html_url?: string }).html_url)
            }
          }
        : {})
    }
  } catch (error) {
    logger.warning(
      `GitHub run history not read (the dashboard shows the lake's records only): ${errorMessage(error).split('\n')[0]}`
    )
    return undefined
  }
}

function runInfo(run: RunPayload): WorkflowRunInfo {
  return {
    id: String(run.id),
    attempt: run.run_attempt ?? 1,
    status: run.status ?? 'completed',
    conclusion: run.conclusion,
    url: webUrl(run.html_url),
    createdAt: run.created_at,
    event: run.event,
    ...logicalDateOf(run)
  }
}

/**
 * A scheduled run processes the day before it was created; a manual or called run names
 * its date in the run name ("… for 2026-01-01 …"). Anything else is left undated.
 */
function logicalDateOf(run: RunPayload): { logicalDate?: string } {
  const named = /\b(\d{4}-\d{2}-\d{2})\b/.exec(run.display_title ?? '')
  if (named) return { logicalDate: group(named, 1) }
  if (run.event === 'schedule' && /^\d{4}-\d{2}-\d{2}T/.test(run.created_at)) {
    return { logicalDate: addDays(run.created_at.slice(0, 10), -1) }
  }
  return {}
}

/** Only http(s) links reach the page, as for the run records: an answer is data too. */
const webUrl = (url: unknown): string => (isWebUrl(url) ? url : '')
