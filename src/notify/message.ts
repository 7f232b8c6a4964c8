import { fence, join, link, safeMd, table, type Markdown } from '../core/markdown.js'
import type { RunLink } from '../core/run-reference.js'

/** `skipped`: the run had nothing to do (its dates were completed, or it was superseded). */
export type PipelineStatus = 'success' | 'failure' | 'skipped'

/** What happened, in the words every channel (issue, comment, webhook) shares. */
export interface PipelineOutcome {
  status: PipelineStatus
  pipeline: string
  logicalDate: string
  failedJobs: readonly string[]
  errorExcerpt: string
  /** The run that tells: linked when it has a page (a local run has none). */
  run: RunLink
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

/** Marks the issue text that told of a once-per-streak failure (an HTML comment: safe key). */
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

function facts(outcome: PipelineOutcome): Markdown {
  return table(
    ['', ''],
    [
      ['pipeline', outcome.pipeline],
      ['logical date', outcome.logicalDate],
      ['failed jobs', outcome.failedJobs.join(', ') || 'see the run'],
      ['run', runCell(outcome.run)]
    ]
  )
}

/** The run's page as its own label, or the run's name when it has no page. */
function runCell(run: RunLink): Markdown {
  return run.url ? link(run.url, run.url) : safeMd`${run.name}`
}

/** The run's dates, one escaped list item each. */
function dateDetails(outcome: PipelineOutcome): Markdown | '' {
  const lines = (outcome.details ?? []).filter(line => line.trim())
  if (!lines.length) return ''
  const items = join(
    lines.map(line => safeMd`- ${line}`),
    '\n'
  )
  return safeMd`

**Dates**

${items}`
}

/** The marker of a once-per-streak failure, after the text (an HTML comment). */
function onceTag(outcome: PipelineOutcome): string {
  return outcome.oncePerStreak ? `\n${onceMarker(outcome.oncePerStreak)}\n` : ''
}

function evidence(outcome: PipelineOutcome): Markdown | '' {
  const text = excerpt(outcome.errorExcerpt)
  return text
    ? safeMd`

**Error excerpt**

${fence(text)}`
    : ''
}

export function issueBody(outcome: PipelineOutcome): string {
  // The marker is an HTML comment that issueMarker() makes safe; the rest is built escaped.
  return `${issueMarker(outcome.pipeline)}\n${safeMd`**${outcome.pipeline}** failed for **${outcome.logicalDate}**.

${facts(outcome)}${dateDetails(outcome)}${evidence(outcome)}

This issue stays open while the pipeline keeps failing: later failures add a comment, and the next successful run closes it.
`}${onceTag(outcome)}`
}

export function failureComment(outcome: PipelineOutcome): string {
  return (
    safeMd`Failed again for **${outcome.logicalDate}**.

${facts(outcome)}${dateDetails(outcome)}${evidence(outcome)}
`.toString() + onceTag(outcome)
  )
}

export function recoveryComment(outcome: PipelineOutcome): string {
  return safeMd`Recovered: **${outcome.pipeline}** succeeded for **${outcome.logicalDate}** (${outcome.run.url ? link('run', outcome.run.url) : outcome.run.name}). Closing.
`.toString()
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
  const { url, name } = outcome.run
  const link = url ? ` <${url}|run>` : ` (${slackEscape(name)})`
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
    const listed = dates.map(line => `• ${slackEscape(line)}`).join('\n')
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: listed.slice(0, 2900) } })
  }
  const text = excerpt(outcome.errorExcerpt)
  if (outcome.status === 'failure' && text) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `\`\`\`${slackEscape(text).slice(-2900)}\`\`\`` }
    })
  }
  const links = [
    url ? `<${url}|Workflow run>` : slackEscape(name),
    issueUrl ? `<${issueUrl}|Issue>` : ''
  ].filter(Boolean)
  if (links.length) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: links.join(' · ') }] })
  }
  return { text: `${slackEscape(headline)}${link}`, blocks }
}
