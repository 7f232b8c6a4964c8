import { LogicalDateInput, LogicalDateOutput } from '../constants/logical-date.js'
import { safeMd } from '../core/markdown.js'
import { githubRequest } from '../core/github.js'
import {
  actionInputs,
  actionLogger,
  maskSecret,
  runAction,
  setOutputs,
  writeSummary
} from '../core/runner.js'
import { parseTimestamp } from '../core/calendar.js'
import { parseRepository } from '../core/github-rest.js'
import { resolveLogicalDate } from '../pipeline/logical-date.js'
import { getWorkflowRun } from '../pipeline/workflow-run.js'

await runAction(async () => {
  const inputs = actionInputs()
  const date = inputs.string(LogicalDateInput.Date)
  const eventName = inputs.string(LogicalDateInput.EventName, process.env.GITHUB_EVENT_NAME ?? '')
  const token = inputs.string(LogicalDateInput.GithubToken)
  maskSecret(token)
  let runCreatedAt = inputs.has(LogicalDateInput.RunCreatedAt)
    ? parseTimestamp(inputs.raw(LogicalDateInput.RunCreatedAt), LogicalDateInput.RunCreatedAt)
    : undefined

  if (date) {
    // A given date is only checked against the run's day, never derived from the clock.
    runCreatedAt ??= new Date()
  } else if (!runCreatedAt) {
    if (!token)
      inputs.required(LogicalDateInput.GithubToken, 'a token to read the run creation time')
    const request = githubRequest(token, { logger: actionLogger })
    const run = await getWorkflowRun(
      request,
      parseRepository(process.env.GITHUB_REPOSITORY),
      Number(process.env.GITHUB_RUN_ID)
    )
    runCreatedAt = run.createdAt
  }

  const logicalDate = resolveLogicalDate({ date, eventName, runCreatedAt })
  actionLogger.info(`Logical date ${logicalDate.explanation}`)
  setOutputs({
    [LogicalDateOutput.Date]: logicalDate.date,
    [LogicalDateOutput.Source]: logicalDate.source,
    [LogicalDateOutput.RunCreatedAt]: runCreatedAt?.toISOString() ?? ''
  })
  await writeSummary(safeMd`### Logical date: ${logicalDate.date}

${logicalDate.explanation}
`)
})
