import { mkdir, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Logger } from '../core/log.js'
import type { GitHubRequest } from '../core/github-rest.js'
import type { Lake } from '../records/lake.js'
import { chartLibrary } from './chart-library.js'
import { readGitHubHistory } from './github-history.js'
import { renderDashboard } from './html.js'
import { loadLake } from './load.js'
import { dashboardSummary } from './markdown.js'
import { buildModel, type DashboardModel } from './model.js'
import type { ReportSettings } from './settings.js'
import type { Markdown } from '../core/markdown.js'

export interface ReportDeps {
  lake: Lake
  logger: Logger
  /** A GitHub client when settings.github is set. */
  github?: GitHubRequest
  now?: () => Date
}

export interface ReportOutcome {
  model: DashboardModel
  /** The page's path. */
  html: string
  bytes: number
  summary: Markdown
}

/** Reads the lake (and the GitHub history), writes the dashboard page, returns the summary. */
export async function buildDashboard(
  settings: ReportSettings,
  deps: ReportDeps
): Promise<ReportOutcome> {
  const now = (deps.now ?? (() => new Date()))()
  const today = now.toISOString().slice(0, 10)
  const [contents, github] = await Promise.all([
    loadLake({
      lake: deps.lake,
      pipeline: settings.pipeline,
      qualityPrefix: settings.qualityPrefix,
      start: settings.start,
      end: settings.end,
      today
    }),
    settings.github && deps.github
      ? readGitHubHistory({
          request: deps.github,
          repository: settings.github.repository,
          workflow: settings.github.workflow,
          pipeline: settings.pipeline,
          issueLabel: settings.github.issueLabel,
          start: settings.start,
          logger: deps.logger
        })
      : Promise.resolve(undefined)
  ])
  const model = buildModel(contents, {
    pipeline: settings.pipeline,
    start: settings.start,
    end: settings.end,
    now,
    tasks: settings.tasks,
    scheduleHour: settings.scheduleHour,
    slaHour: settings.slaHour,
    ...(github ? { github } : {})
  })
  const page = renderDashboard(model, chartLibrary())
  await mkdir(settings.output, { recursive: true })
  const html = path.join(settings.output, 'index.html')
  const temporary = `${html}.${process.pid}.tmp`
  await writeFile(temporary, page)
  await rename(temporary, html)
  const [firstProblem] = model.problems
  if (firstProblem) {
    // One warning, not one per file: the page and the summary list them all.
    deps.logger.warning(
      `${model.problems.length} record(s) not used (listed in the dashboard and the summary); first: ${firstProblem.location}: ${firstProblem.reason}`
    )
  }
  return { model, html, bytes: Buffer.byteLength(page), summary: dashboardSummary(model) }
}
