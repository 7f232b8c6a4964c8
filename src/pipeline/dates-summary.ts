import { table } from '../core/markdown.js'
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
export function planSummary(plan: Plan, why: string): string {
  const heading = plan.refusal
    ? `### ⛔ No date processed`
    : plan.dates.length
      ? `### Dates to process: ${plan.dates.length}`
      : '### ⏭️ Nothing to do'
  const rows = plan.owed.map(date => [
    date,
    plan.dates.includes(date)
      ? 'to process, in this order'
      : date === plan.blocked?.date
        ? 'blocked: the run stops here'
        : 'owed, not processed by this run'
  ])
  return (
    `${heading}\n\n${table(
      ['', ''],
      [
        ['Target', `${plan.target}: ${why}`],
        ['Last completed', plan.lastCompleted ?? 'none'],
        ['Plan', plan.message]
      ]
    )}` + (rows.length ? `\n${table(['Date', 'This run'], rows)}` : '')
  )
}

/** A date job's summary line (claim and finish). */
export function datesSummary(date: string, status: string, message: string): string {
  return `### ${ICONS[status] ?? ''} ${date}: ${status}\n\n${table(['', ''], [['', message]])}`
}

/** The run's summary: every date and how it ended. */
export function runSummary(outcome: RunOutcome): string {
  const icon = outcome.status === 'success' ? '✅' : outcome.status === 'skipped' ? '⏭️' : '❌'
  const rows = outcome.lines.map(line => [
    line.date,
    `${ICONS[line.result] ?? ''} ${line.result}`,
    line.job ?? '',
    line.detail
  ])
  return (
    `### ${icon} ${outcome.label}\n\n${table(['', ''], [['', outcome.headline]])}` +
    (rows.length ? `\n${table(['Date', 'Result', 'Job', 'Detail'], rows)}` : '') +
    (outcome.lines.some(line => line.result === 'not run')
      ? '\n"Re-run failed jobs" continues the dates not run: they depend on the failed one.\n'
      : '')
  )
}
