import { readdirSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { addDays, daysBetween } from '../../src/core/calendar.js'
import { Inputs } from '../../src/core/inputs.js'
import type { Logger } from '../../src/core/log.js'
import { LakeFolder } from '../../src/records/lake.js'
import { RUNS_FOLDER } from '../../src/records/record.js'
import { buildDashboard, type ReportOutcome } from '../../src/report/report.js'
import { readReportSettings } from '../../src/report/settings.js'
import { projectRoot } from '../../local/src/moto.js'

/**
 * The dashboard scripts' arguments: `--lake DIR` (the local pipeline's lake, .work/lake) and
 * `--output PATH` (`defaultOutput`, relative to the project), both as absolute paths.
 */
export function dashboardArgs(defaultOutput: string): { lake: string; output: string } {
  const { values } = parseArgs({
    options: { lake: { type: 'string' }, output: { type: 'string' } }
  })
  return {
    lake: path.resolve(values.lake ?? path.join(projectRoot, '.work', 'lake')),
    output: path.resolve(values.output ?? path.join(projectRoot, defaultOutput))
  }
}

export const LOCAL_PIPELINE = 'daily-customer-etl'
const MAX_DAYS = 60

/**
 * The dashboard of the local pipeline's runs (`npm run dashboard`, and the end of `npm run
 * pipeline`): the report over the lake folder, for the dates it holds records of (the local
 * runs process sample dates, not yesterday), at most the last 60 of them.
 */
export async function buildLocalDashboard(
  lake: string,
  output: string,
  logger: Logger
): Promise<ReportOutcome | undefined> {
  let dates: string[]
  try {
    dates = readdirSync(path.join(lake, ...RUNS_FOLDER.split('/'), LOCAL_PIPELINE))
      .map(entry => /^date=(\d{4}-\d{2}-\d{2})$/.exec(entry)?.[1])
      .filter((date): date is string => Boolean(date))
      .sort()
  } catch {
    return undefined
  }
  // Dates up to today only: a record from the future is for the report to point out.
  const today = new Date().toISOString().slice(0, 10)
  const past = dates.filter(date => date <= today)
  const [first] = past
  const end = past.at(-1)
  if (first === undefined || end === undefined) return undefined
  const start = first > addDays(end, 1 - MAX_DAYS) ? first : addDays(end, 1 - MAX_DAYS)
  const values: Record<string, string> = {
    lake,
    pipeline: LOCAL_PIPELINE,
    start,
    end,
    days: String(daysBetween(start, end) + 1),
    output
  }
  const settings = readReportSettings(
    new Inputs(name => values[name]),
    {},
    process.cwd(),
    new Date()
  )
  return buildDashboard(settings, { lake: new LakeFolder(lake), logger })
}
