import { parseArgs } from 'node:util'
import { UserError } from '../core/errors.js'
import { githubRequest } from '../core/github.js'
import { Inputs } from '../core/inputs.js'
import type { Logger } from '../core/log.js'
import { openLake } from '../records/open-lake.js'
import { buildDashboard, type ReportOutcome } from './report.js'
import { readReportSettings } from './settings.js'

export const reportUsage = `Usage: spark-pipeline report --lake <s3://bucket/prefix | folder> --pipeline <name> [options]

Builds the pipeline's runs dashboard (index.html) from the run records in the lake
(see docs/operations.md, "The dashboard"); prints the page's path.

Options (the report action's inputs):
  --lake <uri|dir>        the lake's root (required)
  --pipeline <name>       the pipeline (required)
  --output <dir>          where to write index.html (default dashboard)
  --days <n>              dates to show, ending at --end (default 60)
  --start <YYYY-MM-DD>    the first date (default end - days + 1)
  --end <YYYY-MM-DD>      the last date (default yesterday, UTC)
  --tasks <a,b,…>         the grid's rows in order
  --quality-prefix <p>    the quality results' folder in the lake (default _pipeline/quality)
  --schedule <HH:MM>      the schedule (default 02:00)
  --sla <HH:MM>           the landing SLA (default 03:00)
  --summary <file>        also write the markdown summary (last 14 days, totals) there
  --workflow <file>       with the token: the workflow whose runs to read
  --repository <o/r>      with the token: the repository
  --token-env <NAME>      read a GitHub token from the environment variable NAME
  -h, --help              this text`

const STRING_OPTIONS = [
  'lake',
  'pipeline',
  'output',
  'days',
  'start',
  'end',
  'tasks',
  'quality-prefix',
  'schedule',
  'sla',
  'summary',
  'workflow',
  'repository',
  'token-env'
] as const

export type ReportCommand =
  { help: true } | { help: false; inputs: Record<string, string>; summaryFile?: string }

/** The command line as the action's inputs; a wrong option is a UserError of one line. */
export function parseReportArgs(argv: string[], env: NodeJS.ProcessEnv): ReportCommand {
  let values: Record<string, string | boolean | undefined>
  try {
    ;({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        ...Object.fromEntries(STRING_OPTIONS.map(name => [name, { type: 'string' as const }])),
        help: { type: 'boolean', short: 'h' }
      }
    }))
  } catch (error) {
    throw new UserError(error instanceof Error ? error.message : String(error))
  }
  if (values.help) return { help: true }
  const inputs: Record<string, string> = {}
  for (const name of STRING_OPTIONS) {
    const value = values[name]
    if (typeof value === 'string' && !['summary', 'token-env'].includes(name)) inputs[name] = value
  }
  const tokenEnv = values['token-env']
  if (typeof tokenEnv === 'string') {
    const token = env[tokenEnv]
    if (!token)
      throw new UserError(
        `--token-env ${tokenEnv}: the environment variable ${tokenEnv} is not set`
      )
    inputs['github-token'] = token
  }
  const summary = values.summary
  return { help: false, inputs, ...(typeof summary === 'string' ? { summaryFile: summary } : {}) }
}

/** Runs `spark-pipeline report`; the outcome for the caller to print. */
export async function runReportCommand(
  command: Exclude<ReportCommand, { help: true }>,
  env: NodeJS.ProcessEnv,
  cwd: string,
  logger: Logger
): Promise<ReportOutcome> {
  const inputs = new Inputs(name => command.inputs[name])
  const settings = readReportSettings(inputs, env, cwd, new Date())
  return buildDashboard(settings, {
    lake: openLake(settings.lake, settings.aws, env),
    logger,
    ...(settings.github
      ? {
          github: githubRequest(settings.github.token, {
            ...(settings.github.apiUrl ? { baseUrl: settings.github.apiUrl } : {})
          })
        }
      : {})
  })
}
