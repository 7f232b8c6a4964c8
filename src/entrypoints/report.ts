import { ReportInput, ReportOutput } from '../constants/report.js'
import { githubRequest } from '../core/github.js'
import {
  actionInputs,
  actionLogger,
  maskSecret,
  runAction,
  setOutputs,
  writeSummary
} from '../core/runner.js'
import { openLake } from '../records/open-lake.js'
import { buildDashboard } from '../report/report.js'
import { readReportSettings } from '../report/settings.js'

await runAction(async () => {
  const inputs = actionInputs()
  maskSecret(inputs.string(ReportInput.GithubToken))
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd()
  const settings = readReportSettings(inputs, process.env, workspace, new Date(), {
    outputInWorkspace: true
  })
  const outcome = await buildDashboard(settings, {
    lake: openLake(settings.lake, settings.aws),
    logger: actionLogger,
    ...(settings.github
      ? {
          github: githubRequest(settings.github.token, {
            logger: actionLogger,
            ...(settings.github.apiUrl ? { baseUrl: settings.github.apiUrl } : {})
          })
        }
      : {})
  })
  const { totals } = outcome.model
  setOutputs({
    [ReportOutput.Html]: outcome.html,
    [ReportOutput.Dir]: settings.output,
    [ReportOutput.Failed]: totals.cells.failed,
    [ReportOutput.CostUsd]: totals.costUsd.toFixed(4),
    [ReportOutput.RecordsNotUsed]: outcome.model.problems.length
  })
  await writeSummary(outcome.summary)
  actionLogger.info(
    `Dashboard for ${settings.pipeline} ${settings.start} to ${settings.end} written to ${outcome.html} (${Math.round(outcome.bytes / 1024)} KiB)`
  )
})
