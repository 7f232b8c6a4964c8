import { safeMd, table, type Markdown } from '../core/markdown.js'
import type { Plan } from './catch-up.js'
import type { RunOutcome } from './run-outcome.js'

const ICONS: Record<string, string> = {
  completed: '✅',
  'nothing to do': '⏭️',
  'nothing-to-do': '⏭️',
  run: '▶️',
  superseded: '⏭️',
  blocked: '⛔',
  refused: '⛔',
  failed: '❌',
  cancelled: '❌',
  'not run': '⏸️',
  owed: '⏸️'
}

/** The plan job's summary: the dates the run owes and why. */
export function planSummary(plan: Plan, why: string): Markdown {
  const heading = plan.refusal
    ? '⛔ No date processed'
    : plan.dates.length
      ? `Dates to process: ${plan.dates.length}`
      : '⏭️ Nothing to do'
  const rows = plan.owed.map(date => [
    date,
    plan.dates.includes(date)
      ? 'to process, in this order'
      : date === plan.blocked?.date
        ? 'blocked: the run stops here'
        : 'owed, not processed by this run'
  ])
  const facts = table(
    ['', ''],
    [
      ['Target', `${plan.target}: ${why}`],
      ['Last completed', plan.lastCompleted ?? 'none'],
      ['Plan', plan.message]
    ]
  )
  return safeMd`### ${heading}

${facts}${
    rows.length
      ? safeMd`
${table(['Date', 'This run'], rows)}`
      : ''
  }`
}

/** A date job's summary line (claim and finish). */
export function datesSummary(date: string, status: string, message: string): Markdown {
  return safeMd`### ${ICONS[status] ?? ''} ${date}: ${status}

${table(['', ''], [['', message]])}`
}

/** The run's summary: every date and how it ended. */
export function runSummary(outcome: RunOutcome): Markdown {
  const icon = outcome.status === 'success' ? '✅' : outcome.status === 'skipped' ? '⏭️' : '❌'
  const rows = outcome.lines.map(line => [
    line.date,
    `${ICONS[line.result] ?? ''} ${line.result}`,
    line.job ?? '',
    line.detail
  ])
  const notRun = outcome.lines.some(line => line.result === 'not run')
  return safeMd`### ${icon} ${outcome.label}

${table(['', ''], [['', outcome.headline]])}${
    rows.length
      ? safeMd`
${table(['Date', 'Result', 'Job', 'Detail'], rows)}`
      : ''
  }${
    notRun
      ? safeMd`
"Re-run failed jobs" continues the dates not run: they depend on the failed one.
`
      : ''
  }`
}
