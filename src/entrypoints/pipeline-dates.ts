import { parseTimestamp, type IsoDate } from '../core/calendar.js'
import { CertainFailure, InputError, UserError } from '../core/errors.js'
import { githubRequest } from '../core/github.js'
import { parseRepository } from '../core/github-rest.js'
import type { Inputs } from '../core/inputs.js'
import {
  actionInputs,
  actionLogger,
  maskSecret,
  runAction,
  setOutputs,
  writeSummary
} from '../core/runner.js'
import { openLake } from '../records/open-lake.js'
import { planDates } from '../pipeline/catch-up.js'
import { claimDate } from '../pipeline/date-claim.js'
import {
  ledgerRunOf,
  openDateBook,
  writeDateEntry,
  LEDGER_SCHEMA_VERSION,
  type DateBook
} from '../pipeline/date-ledger.js'
import { dateOutcome } from '../pipeline/date-outcome.js'
import {
  DATES_MODES,
  readClaimSettings,
  readLedgerTarget,
  readNeeds,
  readPlanSettings,
  type DataMarker
} from '../pipeline/dates-inputs.js'
import { resolveLogicalDate } from '../pipeline/logical-date.js'
import { datesSummary, planSummary, runSummary } from '../pipeline/dates-summary.js'
import { runOutcome } from '../pipeline/run-outcome.js'
import { supersededDates } from '../pipeline/run-annotations.js'
import { getWorkflowRun } from '../pipeline/workflow-run.js'
import type { Lake } from '../records/lake.js'

const env = process.env
const workspace = env.GITHUB_WORKSPACE || process.cwd()
const warn = (message: string): void => actionLogger.warning(message)

/** Whether the export of `date` has landed: its marker is there. */
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

async function plan(inputs: Inputs): Promise<void> {
  const target = readLedgerTarget(inputs, env, workspace)
  const settings = readPlanSettings(inputs, env)
  maskSecret(settings.token)
  let runCreatedAt = inputs.has('run-created-at')
    ? parseTimestamp(inputs.raw('run-created-at'), 'run-created-at')
    : undefined
  if (!runCreatedAt && !settings.date) {
    if (!settings.token) inputs.required('github-token', 'a token to read the run creation time')
    const request = githubRequest(settings.token, { logger: actionLogger })
    const run = await getWorkflowRun(
      request,
      parseRepository(env.GITHUB_REPOSITORY),
      Number(env.GITHUB_RUN_ID)
    )
    runCreatedAt = run.createdAt
  }
  runCreatedAt ??= new Date()
  const logical = resolveLogicalDate({ date: '', eventName: settings.eventName, runCreatedAt })
  const explicit = settings.date
    ? resolveLogicalDate({ date: settings.date, eventName: settings.eventName, runCreatedAt }).date
    : undefined
  const dataDate = settings.dataKey ? settings.dataMarker!.dateOf(settings.dataKey) : undefined
  if (dataDate && dataDate > runCreatedAt.toISOString().slice(0, 10)) {
    throw new InputError('data-key', "a marker of a date not after the run's day", settings.dataKey)
  }
  const lake = openLake(target.root, target.aws)
  const book = await openDateBook(lake, target.pipeline, settings.legacy, warn)
  const planned = planDates({
    book,
    logicalDate: logical.date,
    ...(explicit ? { explicitDate: explicit } : {}),
    ...(dataDate ? { dataDate } : {}),
    force: settings.force,
    allowGaps: settings.allowGaps,
    maxCatchUp: settings.maxCatchUp,
    landed: await landedSince(lake, book, settings.dataMarker)
  })
  const why = explicit
    ? `the date given to this ${settings.eventName || 'run'}`
    : dataDate
      ? `the export whose marker started this run (${settings.dataKey})`
      : logical.explanation
  actionLogger.info(`Target ${planned.target}: ${why}`)
  actionLogger.info(planned.message)
  setOutputs({
    dates: JSON.stringify(planned.dates),
    owed: JSON.stringify(planned.owed),
    count: planned.dates.length,
    target: planned.target,
    'last-completed': planned.lastCompleted ?? '',
    'blocked-date': planned.blocked?.date ?? '',
    'blocked-reason': planned.blocked?.entry.reason ?? '',
    message: planned.message,
    refused: planned.refusal ? 'true' : 'false',
    'alert-key':
      planned.refusal && planned.owed.length ? `too many owed from ${planned.owed[0]}` : ''
  })
  await writeSummary(planSummary(planned, why))
  if (planned.refusal) throw new CertainFailure(planned.refusal)
}

async function claim(inputs: Inputs): Promise<void> {
  const target = readLedgerTarget(inputs, env, workspace)
  const settings = readClaimSettings(inputs)
  const lake = openLake(target.root, target.aws)
  const book = await openDateBook(lake, target.pipeline, settings.legacy, warn)
  const entry = book.entry(settings.date)
  const landed =
    entry?.state === 'blocked' && entry.kind === 'data-missing'
      ? await hasLanded(lake, settings.dataMarker, settings.date)
      : false
  const claimed = claimDate({ book, ...settings, landed })
  const run = ledgerRunOf(env)
  for (const date of claimed.replay) {
    await writeDateEntry(lake, {
      schema_version: LEDGER_SCHEMA_VERSION,
      pipeline: target.pipeline,
      logical_date: date,
      state: 'replayed',
      at: new Date().toISOString(),
      ...(run ? { run } : {}),
      replayed_by: settings.date
    })
  }
  actionLogger.info(claimed.message)
  const status = claimed.status === 'completed' ? 'nothing-to-do' : claimed.status
  setOutputs({
    run: claimed.status === 'run',
    status,
    ingest: claimed.ingest,
    'allow-rewrite': claimed.allowRewrite,
    'allow-gaps': claimed.allowGaps,
    message: claimed.message
  })
  await writeSummary(datesSummary(settings.date, status, claimed.message))
  if (claimed.status === 'blocked' || claimed.status === 'refused') {
    throw new CertainFailure(claimed.message)
  }
}

async function finish(inputs: Inputs): Promise<void> {
  const target = readLedgerTarget(inputs, env, workspace)
  const date = readClaimSettings(inputs).date
  const needs = readNeeds(inputs)
  const lastTask = inputs.required('last-task', 'the job whose success completes the date')
  if (!(lastTask in needs)) {
    throw new InputError(
      'last-task',
      `one of the needs (${Object.keys(needs).join(', ')})`,
      lastTask
    )
  }
  const outcome = dateOutcome(needs, lastTask)
  const lake = openLake(target.root, target.aws)
  const run = ledgerRunOf(env)
  const base = {
    schema_version: LEDGER_SCHEMA_VERSION,
    pipeline: target.pipeline,
    logical_date: date,
    at: new Date().toISOString(),
    ...(run ? { run } : {})
  }
  if (outcome.status === 'completed') {
    await writeDateEntry(lake, { ...base, state: 'completed' })
    actionLogger.info(
      `${date} completed: recorded in ${lake.locate(`_pipeline/dates/${target.pipeline}/`)}`
    )
  } else if (outcome.status === 'blocked') {
    await writeDateEntry(lake, {
      ...base,
      state: 'blocked',
      kind: outcome.kind,
      task: outcome.task,
      reason: outcome.reason
    })
  } else {
    actionLogger.info(`${date}: ${outcome.message}`)
  }
  setOutputs({ status: outcome.status, message: outcome.message })
  await writeSummary(datesSummary(date, outcome.status, outcome.message))
  if (outcome.status === 'blocked') {
    throw new CertainFailure(
      `${date} is blocked (${outcome.kind}): ${outcome.message}; no trigger processes it again until a person forces, skips or backfills it`
    )
  }
}

async function report(inputs: Inputs): Promise<void> {
  const needs = readNeeds(inputs)
  const planJob = inputs.string('plan-job', 'plan')
  const planNeed = needs[planJob]
  if (!planNeed) {
    throw new InputError('plan-job', `one of the needs (${Object.keys(needs).join(', ')})`, planJob)
  }
  const dateJobs = inputs.list('date-jobs').map(id => ({ id, need: needs[id] }))
  const token = inputs.string('github-token')
  maskSecret(token)
  let superseded = new Set<string>()
  const cancelled = dateJobs.some(job => job.need?.result === 'cancelled')
  if (cancelled && token && env.GITHUB_RUN_ID) {
    try {
      const dates = JSON.parse(planNeed.outputs.dates || '[]') as string[]
      const request = githubRequest(token, { logger: actionLogger })
      superseded = await supersededDates(
        request,
        parseRepository(env.GITHUB_REPOSITORY),
        Number(env.GITHUB_RUN_ID),
        dates
      )
    } catch (error) {
      warn(`Could not tell a superseded date from a cancelled one: ${(error as Error).message}`)
    }
  }
  const outcome = runOutcome({ plan: planNeed, dateJobs, superseded })
  actionLogger.info(outcome.headline)
  setOutputs({
    status: outcome.status,
    label: outcome.label,
    'failed-jobs': outcome.failedJobs.join('\n'),
    details: outcome.lines
      .map(line => `${line.date}: ${line.result}${line.detail ? ` (${line.detail})` : ''}`)
      .join('\n'),
    'once-per-streak': outcome.alertKey ?? ''
  })
  await writeSummary(runSummary(outcome))
  if (outcome.status === 'failure') {
    throw outcome.certain ? new CertainFailure(outcome.headline) : new UserError(outcome.headline)
  }
}

await runAction(async () => {
  const inputs = actionInputs()
  const mode = inputs.choice('mode', DATES_MODES, 'plan')
  if (mode === 'plan') await plan(inputs)
  else if (mode === 'claim') await claim(inputs)
  else if (mode === 'finish') await finish(inputs)
  else await report(inputs)
})
