import type { Logger } from '../core/log.js'
import type { GitHubRequest, Repository } from '../core/github-rest.js'
import { collectFailureEvidence } from './evidence.js'
import { updateStreakIssue, type IssueResult } from './issues.js'
import { summaryLine, webhookMessage, type PipelineOutcome } from './message.js'
import { postWebhook, type WebhookOptions } from './webhook.js'

export interface NotifyOptions {
  repository: Repository
  outcome: PipelineOutcome
  label: string
  /** Secret; '' for none. */
  webhookUrl: string
  logger: Logger
  webhook?: WebhookOptions
  /**
   * The run to read failed jobs and their errors from, when the outcome is a failure that
   * came without an error excerpt (undefined: do not look).
   */
  evidenceRunId?: number | undefined
}

export interface NotifyResult extends IssueResult {
  summary: string
  webhookSent: boolean
  /** Errors of the channels that failed, in order (issue first); empty when all worked. */
  failures: unknown[]
}

/**
 * Updates the failure-streak issue, then posts to the webhook. Each channel is tried even
 * when the other failed, so one broken channel never swallows the alert; the caller
 * reports the failures after setting its outputs.
 */
export async function notify(
  request: GitHubRequest,
  { repository, outcome: given, label, webhookUrl, logger, webhook, evidenceRunId }: NotifyOptions
): Promise<NotifyResult> {
  let outcome = given
  if (outcome.status === 'failure' && !outcome.errorExcerpt && evidenceRunId) {
    const evidence = await collectFailureEvidence(request, repository, evidenceRunId, logger)
    outcome = {
      ...outcome,
      failedJobs: outcome.failedJobs.length ? outcome.failedJobs : evidence.failedJobs,
      errorExcerpt: evidence.excerpt
    }
  }
  const summary = summaryLine(outcome)
  logger.info(summary)
  const failures: unknown[] = []
  let issue: IssueResult = { action: 'none' }
  try {
    issue = await updateStreakIssue(request, repository, outcome, label, logger)
  } catch (error) {
    failures.push(error)
  }
  let webhookSent = false
  // Nothing done is no news; an alert already given this streak is not given twice.
  if (webhookUrl && outcome.status !== 'skipped' && !issue.alreadyAlerted) {
    try {
      await postWebhook(webhookUrl, webhookMessage(outcome, issue.issueUrl), webhook)
      webhookSent = true
      logger.info('Posted the message to the webhook')
    } catch (error) {
      failures.push(error)
    }
  }
  return { ...issue, summary, webhookSent, failures }
}
