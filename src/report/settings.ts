import { ReportDefault, ReportInput } from '../constants/report.js'
import path from 'node:path'
import { awsClientSettings, type AwsClientSettings } from '../core/aws.js'
import { addDays, isIsoDate, previousUtcDay, daysBetween } from '../core/calendar.js'
import { InputError } from '../core/errors.js'
import { parseRepository, type Repository } from '../core/github-rest.js'
import type { Inputs } from '../core/inputs.js'
import { parseLakeRoot, type LakeRoot } from '../records/lake.js'
import { NAME } from '../records/record.js'
import { group } from '../core/regex.js'

export interface ReportSettings {
  lake: LakeRoot
  pipeline: string
  qualityPrefix: string
  start: string
  end: string
  tasks: string[]
  scheduleHour: number
  slaHour: number
  /** The folder the page is written to (index.html in it). */
  output: string
  github?: {
    token: string
    repository: Repository
    workflow: string
    issueLabel: string
    apiUrl?: string
  }
  aws?: AwsClientSettings
}

const MAX_DAYS = 1000

/**
 * The report's inputs, shared by the action and `spark-pipeline report`: every mistake is
 * one line naming the input, before anything is read.
 */
export function readReportSettings(
  inputs: Inputs,
  env: NodeJS.ProcessEnv,
  cwd: string,
  now: Date,
  /** The action's: the page goes inside the workspace (`cwd`), never above it. */
  { outputInWorkspace = false }: { outputInWorkspace?: boolean } = {}
): ReportSettings {
  const lake = parseLakeRoot(
    ReportInput.Lake,
    inputs.required(ReportInput.Lake, 'an s3://bucket/prefix URI or a local folder'),
    cwd
  )
  const pipeline = inputs.required(
    ReportInput.Pipeline,
    'the pipeline name the run records are under'
  )
  if (!NAME.test(pipeline))
    throw new InputError(ReportInput.Pipeline, 'letters, digits, _ . - (at most 100)', pipeline)
  const end = inputs.string(ReportInput.End, previousUtcDay(now))
  if (!isIsoDate(end)) throw new InputError(ReportInput.End, 'a date as YYYY-MM-DD', end)
  const days = inputs.integer(ReportInput.Days, ReportDefault.Days, { min: 1, max: MAX_DAYS })
  const start = inputs.string(ReportInput.Start, addDays(end, 1 - days))
  if (!isIsoDate(start)) throw new InputError(ReportInput.Start, 'a date as YYYY-MM-DD', start)
  if (start > end)
    throw new InputError(ReportInput.Start, `a date on or before end (${end})`, start)
  if (daysBetween(start, end) >= MAX_DAYS) {
    throw new InputError(ReportInput.Start, `at most ${MAX_DAYS} days before end (${end})`, start)
  }
  const tasks = inputs.list(ReportInput.Tasks)
  for (const task of tasks)
    if (!NAME.test(task))
      throw new InputError(ReportInput.Tasks, 'task names (letters, digits, _ . -)', task)
  const scheduleHour = hourOf(inputs, ReportInput.Schedule, ReportDefault.Schedule)
  const slaHour = hourOf(inputs, ReportInput.Sla, ReportDefault.Sla)
  const output = path.resolve(cwd, inputs.string(ReportInput.Output, ReportDefault.Output))
  const inside = path.relative(cwd, output)
  if (outputInWorkspace && (inside === '' || inside.startsWith('..') || path.isAbsolute(inside))) {
    throw new InputError(
      ReportInput.Output,
      'a folder inside the workspace, such as _site',
      inputs.string(ReportInput.Output)
    )
  }
  const qualityPrefix = lakeFolder(inputs, ReportInput.QualityPrefix, ReportDefault.QualityPrefix)

  const token = inputs.string(ReportInput.GithubToken)
  let github: ReportSettings['github']
  if (token) {
    const workflow = inputs.required(
      ReportInput.Workflow,
      "the pipeline workflow's file name, e.g. daily-customer-etl.yml"
    )
    github = {
      token,
      repository: inputs.has(ReportInput.Repository)
        ? repositoryInput(inputs.string(ReportInput.Repository))
        : parseRepository(env.GITHUB_REPOSITORY),
      workflow,
      issueLabel: inputs.string(ReportInput.IssueLabel, ReportDefault.IssueLabel),
      ...(env.GITHUB_API_URL ? { apiUrl: env.GITHUB_API_URL } : {})
    }
  }
  const aws = lake.kind === 's3' ? awsClientSettings(inputs, env) : undefined
  return {
    lake,
    pipeline,
    qualityPrefix,
    start,
    end,
    tasks,
    scheduleHour,
    slaHour,
    output,
    ...(github ? { github } : {}),
    ...(aws ? { aws } : {})
  }
}

/** A folder inside the lake: `/`-separated names, no `.` or `..`, no scheme or leading `/`. */
function lakeFolder(inputs: Inputs, name: string, fallback: string): string {
  const text = inputs.string(name, fallback)
  const segments = text.replace(/\/+$/, '').split('/')
  if (!segments.every(segment => /^[A-Za-z0-9_=][A-Za-z0-9_.=-]*$/.test(segment))) {
    throw new InputError(name, 'a folder inside the lake such as _pipeline/quality (no ..)', text)
  }
  return segments.join('/')
}

function repositoryInput(text: string): Repository {
  const match = /^([\w.-]+)\/([\w.-]+)$/.exec(text)
  if (!match) throw new InputError(ReportInput.Repository, 'owner/name', text)
  return { owner: group(match, 1), repo: group(match, 2) }
}

/** `HH:MM` (UTC, of the day after the logical date) as hours; up to 47:59 for the next day. */
function hourOf(inputs: Inputs, name: string, fallback: string): number {
  const text = inputs.string(name, fallback)
  const match = /^(\d{1,2}):([0-5]\d)$/.exec(text)
  if (!match || Number(match[1]) > 47)
    throw new InputError(name, 'a time of day as HH:MM (UTC), e.g. 03:00', text)
  return Number(match[1]) + Number(match[2]) / 60
}
