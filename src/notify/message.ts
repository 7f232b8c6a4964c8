import { cell } from '../core/markdown.js'

/** `skipped`: the run had nothing to do (its dates were completed, or it was superseded). */
export type PipelineStatus = 'success' | 'failure' | 'skipped'

/** What happened, in the words every channel (issue, comment, webhook) shares. */
export interface PipelineOutcome {
  status: PipelineStatus
  pipeline: string
  logicalDate: string
  failedJobs: readonly string[]
  errorExcerpt: string
  runUrl: string
  /** One line per date of the run and how it ended (what was done, what is owed). */
  details?: readonly string[]
  /**
   * A failure that repeats until a person acts (a blocked date): the streak's issue hears of
   * it once; later runs that hit it again neither comment nor post.
   */
  oncePerStreak?: string
}

/** Issues opened by this action carry this marker, so renamed titles are still found. */
export function issueMarker(pipeline: string): string {
  return `<!-- pipeline-notify: ${pipeline.replace(/--/g, '- -')} -->`
}

/** Marks the issue text that alerted of a once-per-streak failure. */
export function onceMarker(key: string): string {
  return `<!-- pipeline-notify-once: ${key.replace(/--/g, '- -').replace(/[<>\r\n]/g, ' ')} -->`
}

export const MAX_EXCERPT_LINES = 40
export const MAX_EXCERPT_CHARS = 3000

/** The last lines of an error, where the cause usually is, within chat and issue limits. */
export function excerpt(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').trim().split('\n')
  let kept = lines.slice(-MAX_EXCERPT_LINES).join('\n')
  const cut = lines.length > MAX_EXCERPT_LINES || kept.length > MAX_EXCERPT_CHARS
  if (kept.length > MAX_EXCERPT_CHARS) kept = kept.slice(-MAX_EXCERPT_CHARS)
  return cut ? `…\n${kept}` : kept
}

export function issueTitle(outcome: PipelineOutcome): string {
  return `${outcome.pipeline} failed for ${outcome.logicalDate}`
}

function fence(text: string): string {
  const marks = text.includes('```') ? '~~~~' : '```'
  return `${marks}\n${text}\n${marks}`
}

function facts(outcome: PipelineOutcome): string {
  const rows = [
    ['pipeline', outcome.pipeline],
    ['logical date', outcome.logicalDate],
    ['failed jobs', outcome.failedJobs.join(', ') || 'see the run'],
    ['run', outcome.runUrl]
  ]
  return [
    '| | |',
    '| --- | --- |',
    ...rows.map(([key, value]) => `| ${key} | ${cell(value)} |`)
  ].join('\n')
}

/** The run's dates, one escaped list item each. */
function dateDetails(outcome: PipelineOutcome): string {
  const lines = (outcome.details ?? []).filter(line => line.trim())
  return lines.length ? `\n\n**Dates**\n\n${lines.map(line => `- ${cell(line)}`).join('\n')}` : ''
}

function onceTag(outcome: PipelineOutcome): string {
  return outcome.oncePerStreak ? `\n${onceMarker(outcome.oncePerStreak)}` : ''
}

function evidence(outcome: PipelineOutcome): string {
  const text = excerpt(outcome.errorExcerpt)
  return text ? `\n\n**Error excerpt**\n\n${fence(text)}` : ''
}

export function issueBody(outcome: PipelineOutcome): string {
  return (
    `${issueMarker(outcome.pipeline)}\n` +
    `**${outcome.pipeline}** failed for **${outcome.logicalDate}**.\n\n` +
    `${facts(outcome)}${dateDetails(outcome)}${evidence(outcome)}\n\n` +
    'This issue stays open while the pipeline keeps failing: later failures add a comment, ' +
    `and the next successful run closes it.\n${onceTag(outcome)}`
  )
}

export function failureComment(outcome: PipelineOutcome): string {
  return (
    `Failed again for **${outcome.logicalDate}**.\n\n` +
    `${facts(outcome)}${dateDetails(outcome)}${evidence(outcome)}\n${onceTag(outcome)}`
  )
}

export function recoveryComment(outcome: PipelineOutcome): string {
  return (
    `Recovered: **${outcome.pipeline}** succeeded for **${outcome.logicalDate}** ` +
    `([run](${outcome.runUrl})). Closing.\n`
  )
}

/** One line for the job summary and the log. */
export function summaryLine(outcome: PipelineOutcome): string {
  if (outcome.status === 'success') {
    return `✅ ${outcome.pipeline} completed for ${outcome.logicalDate}`
  }
  if (outcome.status === 'skipped') {
    return `⏭️ ${outcome.pipeline}: nothing to do for ${outcome.logicalDate}`
  }
  const jobs = outcome.failedJobs.length ? ` (failed: ${outcome.failedJobs.join(', ')})` : ''
  return `❌ ${outcome.pipeline} failed for ${outcome.logicalDate}${jobs}`
}

/** Slack escapes: only &, < and > are special in mrkdwn and plain text. */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

export interface WebhookMessage {
  text: string
  blocks: unknown[]
}

/**
 * A Slack-compatible message: `text` for notifications and clients without blocks (and
 * for Mattermost, Teams workflows and Discord's /slack endpoint), `blocks` for the layout.
 */
export function webhookMessage(outcome: PipelineOutcome, issueUrl?: string): WebhookMessage {
  const headline = summaryLine(outcome)
  const link = outcome.runUrl ? ` <${outcome.runUrl}|run>` : ''
  const fields = [
    `*Pipeline*\n${slackEscape(outcome.pipeline)}`,
    `*Logical date*\n${slackEscape(outcome.logicalDate)}`
  ]
  if (outcome.status === 'failure') {
    fields.push(`*Failed jobs*\n${slackEscape(outcome.failedJobs.join(', ') || 'see the run')}`)
  }
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: headline.slice(0, 150), emoji: true } },
    { type: 'section', fields: fields.map(text => ({ type: 'mrkdwn', text })) }
  ]
  const dates = (outcome.details ?? []).filter(line => line.trim())
  if (dates.length) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: dates
          .map(line => `• ${slackEscape(line)}`)
          .join('\n')
          .slice(0, 2900)
      }
    })
  }
  const text = excerpt(outcome.errorExcerpt)
  if (outcome.status === 'failure' && text) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `\`\`\`${slackEscape(text).slice(-2900)}\`\`\`` }
    })
  }
  const links = [
    outcome.runUrl ? `<${outcome.runUrl}|Workflow run>` : '',
    issueUrl ? `<${issueUrl}|Issue>` : ''
  ].filter(Boolean)
  if (links.length) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: links.join(' · ') }] })
  }
  return { text: `${slackEscape(headline)}${link}`, blocks }
}
