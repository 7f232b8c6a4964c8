import { SparkJobOutput, type SparkJobOutputName } from '../constants/spark-job.js'
import { formatDuration } from '../core/duration.js'
import { code, details, join, link, safeMd, table, type Markdown } from '../core/markdown.js'
import type { SparkJobOutcome } from './spark-job.js'
import { formatHours } from './usage.js'

/** The action's outputs, by their action.yml names. */
export function sparkJobOutputs(outcome: SparkJobOutcome): Record<SparkJobOutputName, string> {
  return {
    [SparkJobOutput.JobRunId]: outcome.jobRunId,
    [SparkJobOutput.State]: outcome.state,
    [SparkJobOutput.Attempts]: String(outcome.attempts.length),
    [SparkJobOutput.DurationSeconds]: String(outcome.durationSeconds),
    [SparkJobOutput.VcpuHours]: formatHours(outcome.usage.vcpuHours),
    [SparkJobOutput.MemoryGbHours]: formatHours(outcome.usage.memoryGbHours),
    [SparkJobOutput.StorageGbHours]: formatHours(outcome.usage.storageGbHours),
    [SparkJobOutput.DashboardUrl]: outcome.dashboardUrl,
    [SparkJobOutput.FailureKind]: outcome.failure ? (outcome.failureKind ?? 'transient') : '',
    [SparkJobOutput.StateDetails]: outcome.attempts.at(-1)?.stateDetails ?? ''
  }
}

/** The job summary: what ran, how it ended, what it cost, every attempt, the driver's last lines. */
export function sparkJobSummary(outcome: SparkJobOutcome): Markdown {
  const icon = outcome.state === 'SUCCESS' ? '✅' : outcome.failure ? '❌' : '⏳'
  const parts = [
    safeMd`### ${icon} Spark job ${code(outcome.runName)}: ${outcome.state || 'not started'}
`
  ]
  const dashboard = outcome.dashboardUrl
    ? safeMd`${link('Spark UI', outcome.dashboardUrl)} (the link expires after an hour)`
    : 'n/a'
  parts.push(
    table(
      ['', ''],
      [
        ['Application', code(outcome.applicationId)],
        ['Job run', code(outcome.jobRunId)],
        ['State', outcome.state],
        ['Attempts', outcome.attempts.length],
        [
          'Duration',
          outcome.waited ? formatDuration(outcome.durationSeconds * 1000) : 'not waited for'
        ],
        ['Billed vCPU-hours', formatHours(outcome.usage.vcpuHours)],
        ['Billed memory GB-hours', formatHours(outcome.usage.memoryGbHours)],
        ['Billed storage GB-hours', formatHours(outcome.usage.storageGbHours)],
        ['Dashboard', dashboard]
      ]
    )
  )
  if (outcome.failure)
    parts.push(safeMd`
**${outcome.failure}**
`)
  if (outcome.attempts.length > 1 || outcome.attempts.some(attempt => attempt.attached)) {
    parts.push(
      safeMd`
${table(
  ['Attempt', 'Job run', 'How', 'State', 'Duration', 'Details'],
  outcome.attempts.map(attempt => [
    attempt.number,
    code(attempt.jobRunId),
    attempt.attached ? 'attached to a running run' : 'submitted',
    attempt.state,
    formatDuration(attempt.durationSeconds * 1000),
    attempt.stateDetails ?? ''
  ])
)}`
    )
  }
  for (const attempt of outcome.attempts) {
    for (const log of attempt.logs) {
      const title = `Driver ${log.stream}, attempt ${attempt.number} (job run ${attempt.jobRunId})`
      parts.push(
        safeMd`
${
  log.lines
    ? details(`${title}: last ${log.lines.length} lines`, log.lines.join('\n'))
    : safeMd`${title}: ${log.problem}
`
}`
      )
    }
  }
  return join(parts)
}
