import type { Logger } from '../core/log.js'
import {
  callGitHub,
  GitHubApiError,
  type GitHubRequest,
  type Repository
} from '../core/github-rest.js'
import {
  failureComment,
  issueBody,
  issueMarker,
  issueTitle,
  onceMarker,
  recoveryComment,
  type PipelineOutcome
} from './message.js'

export type IssueAction = 'opened' | 'commented' | 'closed' | 'none'

export interface IssueResult {
  action: IssueAction
  issueNumber?: number
  issueUrl?: string
  /** The open issue already told of this once-per-streak failure: say nothing again. */
  alreadyAlerted?: boolean
}

interface IssuePayload {
  number: number
  title?: string
  body?: string | null
  html_url?: string
  pull_request?: unknown
}

const PERMISSION = 'issues: write'
/** Pages of 100 open issues with the label; a streak issue is never that far down. */
const MAX_PAGES = 10

/**
 * The open issue of this pipeline's current failure streak: labelled, and marked with
 * the pipeline (or, for issues written by hand, titled after it). The oldest wins, so a
 * duplicate opened by a race does not start a second thread.
 */
export async function findStreakIssue(
  request: GitHubRequest,
  repository: Repository,
  pipeline: string,
  label: string
): Promise<IssuePayload | undefined> {
  const marker = issueMarker(pipeline)
  const matches: IssuePayload[] = []
  for (let page = 1; page <= MAX_PAGES; page++) {
    const issues = await callGitHub<IssuePayload[]>(
      request,
      'GET /repos/{owner}/{repo}/issues',
      { ...repository, labels: label, state: 'open', per_page: 100, page },
      { permission: PERMISSION }
    )
    for (const issue of issues) {
      if (issue.pull_request) continue
      const titled = (issue.title ?? '').startsWith(`${pipeline} failed`)
      if ((issue.body ?? '').includes(marker) || titled) matches.push(issue)
    }
    if (issues.length < 100) break
  }
  return matches.sort((a, b) => a.number - b.number)[0]
}

/**
 * One issue per failure streak: a failure opens it (or comments on the open one), the next
 * success comments and closes it, and a success with no open issue does nothing.
 */
export async function updateStreakIssue(
  request: GitHubRequest,
  repository: Repository,
  outcome: PipelineOutcome,
  label: string,
  logger: Logger
): Promise<IssueResult> {
  if (outcome.status === 'skipped') {
    logger.info(
      'Nothing was done (the dates were completed, or the run was superseded): no issue changes'
    )
    return { action: 'none' }
  }
  const open = await findStreakIssue(request, repository, outcome.pipeline, label)
  if (outcome.status === 'failure') {
    if (
      open &&
      outcome.oncePerStreak &&
      (await mentions(request, repository, open, onceMarker(outcome.oncePerStreak)))
    ) {
      logger.info(
        `The open issue #${open.number} already tells of this (${outcome.oncePerStreak}): not again`
      )
      return { action: 'none', ...issueOf(open), alreadyAlerted: true }
    }
    if (open) {
      await comment(request, repository, open.number, failureComment(outcome))
      logger.info(`Commented on the open issue #${open.number} (${open.html_url ?? ''})`)
      return { action: 'commented', ...issueOf(open) }
    }
    await ensureLabel(request, repository, label)
    const created = await callGitHub<IssuePayload>(
      request,
      'POST /repos/{owner}/{repo}/issues',
      { ...repository, title: issueTitle(outcome), body: issueBody(outcome), labels: [label] },
      { permission: PERMISSION }
    )
    logger.info(`Opened issue #${created.number} (${created.html_url ?? ''})`)
    return { action: 'opened', ...issueOf(created) }
  }
  if (!open) {
    logger.info(`No open '${label}' issue for ${outcome.pipeline}: nothing to close`)
    return { action: 'none' }
  }
  await comment(request, repository, open.number, recoveryComment(outcome))
  await callGitHub(
    request,
    'PATCH /repos/{owner}/{repo}/issues/{issue_number}',
    { ...repository, issue_number: open.number, state: 'closed', state_reason: 'completed' },
    { permission: PERMISSION }
  )
  logger.info(`Closed issue #${open.number} (${open.html_url ?? ''})`)
  return { action: 'closed', ...issueOf(open) }
}

/** The result's issue number and link (GitHub's answer may leave the link out). */
const issueOf = (issue: IssuePayload): Pick<IssueResult, 'issueNumber' | 'issueUrl'> => ({
  issueNumber: issue.number,
  ...(issue.html_url ? { issueUrl: issue.html_url } : {})
})

const MAX_COMMENT_PAGES = 10

/** Whether the issue's body or one of its comments holds `marker`. */
async function mentions(
  request: GitHubRequest,
  repository: Repository,
  issue: IssuePayload,
  marker: string
): Promise<boolean> {
  if ((issue.body ?? '').includes(marker)) return true
  for (let page = 1; page <= MAX_COMMENT_PAGES; page++) {
    const comments = await callGitHub<{ body?: string | null }[]>(
      request,
      'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
      { ...repository, issue_number: issue.number, per_page: 100, page },
      { permission: PERMISSION }
    )
    if (comments.some(comment => (comment.body ?? '').includes(marker))) return true
    if (comments.length < 100) return false
  }
  return false
}

/**
 * GitHub silently drops labels it cannot apply when an issue is created, and an issue
 * without the label would never be found again: each failure would open a new one.
 */
async function ensureLabel(
  request: GitHubRequest,
  repository: Repository,
  label: string
): Promise<void> {
  try {
    await callGitHub(
      request,
      'GET /repos/{owner}/{repo}/labels/{name}',
      { ...repository, name: label },
      { permission: PERMISSION }
    )
  } catch (error) {
    if (!(error instanceof GitHubApiError && error.status === 404)) throw error
    await callGitHub(
      request,
      'POST /repos/{owner}/{repo}/labels',
      {
        ...repository,
        name: label,
        color: 'd73a4a',
        description: 'A pipeline is failing; closed by its next successful run'
      },
      { permission: PERMISSION }
    )
  }
}

async function comment(
  request: GitHubRequest,
  repository: Repository,
  issueNumber: number,
  body: string
): Promise<void> {
  await callGitHub(
    request,
    'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
    { ...repository, issue_number: issueNumber, body },
    // Posting is not idempotent (a retry after a lost answer posts twice), but a lost
    // alert is worse than a doubled one, so transient failures are retried anyway.
    { permission: PERMISSION }
  )
}
