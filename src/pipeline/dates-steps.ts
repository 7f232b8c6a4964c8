import {
  PipelineDatesInput,
  PipelineDatesOutput,
  type PipelineDatesOutputName
} from '../constants/pipeline-dates.js'
import type { IsoDate } from '../core/calendar.js'
import { InputError } from '../core/errors.js'
import type { Markdown } from '../core/markdown.js'
import type { Lake } from '../records/lake.js'
import { planDates } from './catch-up.js'
import { claimDate } from './date-claim.js'
import {
  DATES_FOLDER,
  ledgerRunOf,
  openDateBook,
  writeDateEntry,
  LEDGER_SCHEMA_VERSION,
  type DateBook
} from './date-ledger.js'
import { dateOutcome, type NeedOutcome } from './date-outcome.js'
import type { ClaimSettings, DataMarker, PlanSettings } from './dates-inputs.js'
import { datesSummary, planSummary, runSummary } from './dates-summary.js'
import { resolveLogicalDate } from './logical-date.js'
import { runOutcome } from './run-outcome.js'

/**
 * What one mode of the pipeline-dates action gives back to its entry point: outputs, the
 * job summary, the lines for the log, and the failure (certain or not) that ends the step.
 */
export interface StepResult {
  outputs: Partial<Record<PipelineDatesOutputName, string | number | boolean>>
  summary: Markdown
  lines: string[]
  failure?: { message: string; certain: boolean }
}

export interface LedgerDeps {
  lake: Lake
  pipeline: string
  /** The runner's environment: the run that writes an entry. */
  env: NodeJS.ProcessEnv
  warn: (message: string) => void
  now?: () => Date
}

/** Whether the export of `date` has landed: its marker is there (listed, never read). */
async function hasLanded(
  lake: Lake,
  marker: DataMarker | undefined,
  date: IsoDate
): Promise<boolean> {
  if (!marker) return false
  const key = marker.keyOf(date)
  const folder = key.slice(0, key.lastIndexOf('/') + 1)
  return (await lake.list(folder)).includes(key)
}

/** Blocked dates whose export was missing and has landed since: they may run again. */
async function landedSince(
  lake: Lake,
  book: DateBook,
  marker: DataMarker | undefined
): Promise<Set<IsoDate>> {
  const landed = new Set<IsoDate>()
  for (const entry of book.entries.values()) {
    if (entry.state !== 'blocked' || entry.kind !== 'data-missing') continue
    if (await hasLanded(lake, marker, entry.logical_date)) landed.add(entry.logical_date)
  }
  return landed
}

/** `mode: plan`: the dates a run created at `runCreatedAt` owes. */
export async function planStep(
  settings: PlanSettings,
  runCreatedAt: Date,
  deps: LedgerDeps
): Promise<StepResult> {
  const { eventName } = settings
  const logical = resolveLogicalDate({ date: '', eventName, runCreatedAt })
  const explicit = settings.date
    ? resolveLogicalDate({ date: settings.date, eventName, runCreatedAt }).date
    : undefined
  const dataDate = settings.dataKey ? settings.dataMarker?.dateOf(settings.dataKey) : undefined
  if (dataDate && dataDate > runCreatedAt.toISOString().slice(0, 10)) {
    throw new InputError(
      PipelineDatesInput.DataKey,
      "a marker of a date not after the run's day",
      settings.dataKey
    )
  }
  const book = await openDateBook(deps.lake, deps.pipeline, settings.legacy, deps.warn)
  const planned = planDates({
    book,
    logicalDate: logical.date,
    ...(explicit ? { explicitDate: explicit } : {}),
    ...(dataDate ? { dataDate } : {}),
    force: settings.force,
    allowGaps: settings.allowGaps,
    maxCatchUp: settings.maxCatchUp,
    landed: await landedSince(deps.lake, book, settings.dataMarker)
  })
  const why = explicit
    ? `the date given to this ${eventName || 'run'}`
    : dataDate
      ? `the export whose marker started this run (${settings.dataKey})`
      : logical.explanation
  return {
    outputs: {
      [PipelineDatesOutput.Dates]: JSON.stringify(planned.dates),
      [PipelineDatesOutput.Owed]: JSON.stringify(planned.owed),
      [PipelineDatesOutput.Count]: planned.dates.length,
      [PipelineDatesOutput.Target]: planned.target,
      [PipelineDatesOutput.LastCompleted]: planned.lastCompleted ?? '',
      [PipelineDatesOutput.BlockedDate]: planned.blocked?.date ?? '',
      [PipelineDatesOutput.BlockedReason]: planned.blocked?.entry.reason ?? '',
      [PipelineDatesOutput.Message]: planned.message,
      [PipelineDatesOutput.Refused]: planned.refusal ? 'true' : 'false',
      [PipelineDatesOutput.AlertKey]:
        planned.refusal && planned.owed.length ? `too many owed from ${planned.owed[0]}` : ''
    },
    summary: planSummary(planned, why),
    lines: [`Target ${planned.target}: ${why}`, planned.message],
    ...(planned.refusal ? { failure: { message: planned.refusal, certain: true } } : {})
  }
}

/** `mode: claim`: is the date still owed, may it run; marks the dates a rewrite replays. */
export async function claimStep(settings: ClaimSettings, deps: LedgerDeps): Promise<StepResult> {
  const book = await openDateBook(deps.lake, deps.pipeline, settings.legacy, deps.warn)
  const entry = book.entry(settings.date)
  const landed =
    entry?.state === 'blocked' && entry.kind === 'data-missing'
      ? await hasLanded(deps.lake, settings.dataMarker, settings.date)
      : false
  const claimed = claimDate({ book, ...settings, landed })
  const run = ledgerRunOf(deps.env)
  const at = (deps.now?.() ?? new Date()).toISOString()
  for (const date of claimed.replay) {
    await writeDateEntry(deps.lake, {
      schema_version: LEDGER_SCHEMA_VERSION,
      pipeline: deps.pipeline,
      logical_date: date,
      state: 'replayed',
      at,
      ...(run ? { run } : {}),
      replayed_by: settings.date
    })
  }
  const status = claimed.status === 'completed' ? 'nothing-to-do' : claimed.status
  const stops = claimed.status === 'blocked' || claimed.status === 'refused'
  return {
    outputs: {
      [PipelineDatesOutput.Run]: claimed.status === 'run',
      [PipelineDatesOutput.Status]: status,
      [PipelineDatesOutput.Ingest]: claimed.ingest,
      [PipelineDatesOutput.AllowRewrite]: claimed.allowRewrite,
      [PipelineDatesOutput.AllowGaps]: claimed.allowGaps,
      [PipelineDatesOutput.Message]: claimed.message
    },
    summary: datesSummary(settings.date, status, claimed.message),
    lines: [claimed.message],
    ...(stops ? { failure: { message: claimed.message, certain: true } } : {})
  }
}

/** `mode: finish`: writes the date completed or blocked, from how its jobs ended. */
export async function finishStep(
  date: IsoDate,
  needs: Record<string, NeedOutcome>,
  lastTask: string,
  deps: LedgerDeps
): Promise<StepResult> {
  if (!(lastTask in needs)) {
    throw new InputError(
      PipelineDatesInput.LastTask,
      `one of the needs (${Object.keys(needs).join(', ')})`,
      lastTask
    )
  }
  const outcome = dateOutcome(needs, lastTask)
  const run = ledgerRunOf(deps.env)
  const base = {
    schema_version: LEDGER_SCHEMA_VERSION,
    pipeline: deps.pipeline,
    logical_date: date,
    at: (deps.now?.() ?? new Date()).toISOString(),
    ...(run ? { run } : {})
  }
  const lines: string[] = []
  if (outcome.status === 'completed') {
    await writeDateEntry(deps.lake, { ...base, state: 'completed' })
    lines.push(
      `${date} completed: recorded in ${deps.lake.locate(`${DATES_FOLDER}/${deps.pipeline}/`)}`
    )
  } else if (outcome.status === 'blocked') {
    const { kind, task, reason } = outcome
    await writeDateEntry(deps.lake, { ...base, state: 'blocked', kind, task, reason })
  } else {
    lines.push(`${date}: ${outcome.message}`)
  }
  return {
    outputs: {
      [PipelineDatesOutput.Status]: outcome.status,
      [PipelineDatesOutput.Message]: outcome.message
    },
    summary: datesSummary(date, outcome.status, outcome.message),
    lines,
    ...(outcome.status === 'blocked'
      ? {
          failure: {
            certain: true,
            message:
              `${date} is blocked (${outcome.kind}): ${outcome.message}; no trigger processes ` +
              'it again until a person forces, skips or backfills it'
          }
        }
      : {})
  }
}

function plannedDates(plan: NeedOutcome): string[] {
  try {
    const parsed: unknown = JSON.parse(plan.outputs[PipelineDatesOutput.Dates] || '[]')
    return Array.isArray(parsed)
      ? parsed.filter((date): date is string => typeof date === 'string')
      : []
  } catch {
    return []
  }
}

/**
 * `mode: report`: the run over its dates. `superseded` tells, for the dates whose jobs were
 * cancelled, which were replaced in the queue by a newer trigger (the GitHub API knows).
 */
export async function reportStep(
  needs: Record<string, NeedOutcome>,
  planJob: string,
  dateJobIds: readonly string[],
  superseded: (dates: string[]) => Promise<Set<string>>
): Promise<StepResult> {
  const plan = needs[planJob]
  if (!plan) {
    throw new InputError(
      PipelineDatesInput.PlanJob,
      `one of the needs (${Object.keys(needs).join(', ')})`,
      planJob
    )
  }
  const dateJobs = dateJobIds.map(id => ({ id, need: needs[id] }))
  const cancelled = dateJobs.some(job => job.need?.result === 'cancelled')
  const outcome = runOutcome({
    plan,
    dateJobs,
    superseded: cancelled ? await superseded(plannedDates(plan)) : new Set()
  })
  return {
    outputs: {
      [PipelineDatesOutput.Status]: outcome.status,
      [PipelineDatesOutput.Label]: outcome.label,
      [PipelineDatesOutput.FailedJobs]: outcome.failedJobs.join('\n'),
      [PipelineDatesOutput.Details]: outcome.lines
        .map(line => `${line.date}: ${line.result}${line.detail ? ` (${line.detail})` : ''}`)
        .join('\n'),
      [PipelineDatesOutput.OncePerStreak]: outcome.alertKey ?? ''
    },
    summary: runSummary(outcome),
    lines: [outcome.headline],
    ...(outcome.status === 'failure'
      ? { failure: { message: outcome.headline, certain: outcome.certain } }
      : {})
  }
}
