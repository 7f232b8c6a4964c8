import { code, join, link, safeMd, table, type Markdown } from '../core/markdown.js'
import { CELL_STATES, type CellState, type DashboardModel } from './model.js'

const SUMMARY_DAYS = 14

/** The job summary: the last 14 dates' grid, the totals, and the records not used. */
export function dashboardSummary(model: DashboardModel, dashboardLink?: string): Markdown {
  const first = Math.max(0, model.dates.length - SUMMARY_DAYS)
  const dates = model.dates.slice(first)
  const mark = (state: CellState): string => CELL_STATES[state].emoji
  const rows = [
    ...(model.runRow
      ? [['workflow run', ...model.runRow.slice(first).map(run => mark(run.state))]]
      : []),
    // The grid has one row per task.
    ...model.tasks.map((task, row) => [
      task,
      ...model.grid[row]!.slice(first).map(c => mark(c.state))
    ])
  ]
  const parts: Markdown[] = [
    safeMd`### Pipeline ${model.pipeline}: runs ${dates[0] ?? ''} to ${dates.at(-1) ?? ''}

`
  ]
  if (dashboardLink)
    parts.push(safeMd`Dashboard: ${link(dashboardLink, dashboardLink)}

`)
  parts.push(table(['task', ...dates.map(date => date.slice(5))], rows))
  parts.push(safeMd`
${(Object.keys(CELL_STATES) as CellState[]).map(state => `${CELL_STATES[state].emoji} ${CELL_STATES[state].label}`).join(' · ')}

`)
  const { totals } = model
  parts.push(
    table(
      [`${model.start} to ${model.end}`, ''],
      [
        ...(Object.keys(CELL_STATES) as CellState[]).map(state => [
          `${CELL_STATES[state].emoji} ${CELL_STATES[state].label}`,
          totals.cells[state]
        ]),
        ['estimated cost', `$${totals.costUsd.toFixed(2)}`],
        ['vCPU-hours', totals.vcpuHours],
        ['memory GB-hours', totals.memoryGbHours],
        ['landed after the SLA', `${totals.slaMisses} of ${totals.landed} dates`]
      ]
    )
  )
  if (model.problems.length) {
    parts.push(safeMd`
**Records not used (${model.problems.length}):**

`)
    for (const problem of model.problems.slice(0, 20)) {
      parts.push(safeMd`- ${code(problem.location)}: ${problem.reason}
`)
    }
    if (model.problems.length > 20)
      parts.push(safeMd`- … and ${model.problems.length - 20} more (see the dashboard)
`)
  }
  return join(parts)
}
