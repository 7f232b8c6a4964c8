import type { IsoDate } from '../core/calendar.js'
import { describeDates } from './catch-up.js'
import type { NeedOutcome } from './date-outcome.js'

/** How one date of the run ended, as a person reads it. */
export type DateResult =
  | 'completed'
  | 'nothing to do'
  | 'blocked'
  | 'refused'
  | 'failed'
  | 'cancelled'
  | 'superseded'
  | 'not run'
  | 'owed'

export interface DateLine {
  date: IsoDate
  result: DateResult
  /** The job of the run that processed it (`day-2`), when one did. */
  job?: string
  detail: string
}

/** What notify gets: `skipped` changes no issue and posts nothing. */
export type NotifyStatus = 'success' | 'failure' | 'skipped'

export interface RunOutcome {
  status: NotifyStatus
  /** The run's dates for a title: "2026-01-04 … 2026-01-06", or the one date. */
  label: string
  lines: DateLine[]
  /** The jobs that failed, for notify's failed-jobs. */
  failedJobs: string[]
  /** A failure that repeats until a person acts: alert once per streak under this key. */
  alertKey?: string
  /** Whether the failure is certain (a refusal or a block): no re-run can change it. */
  certain: boolean
  /** One line for the log and the summary's heading. */
  headline: string
}

export interface RunOutcomeRequest {
  /** The plan job's result and outputs (`dates`, `owed`, `blocked-date`, …). */
  plan: NeedOutcome
  /** The date jobs in order: the n-th processes the plan's n-th date. */
  dateJobs: readonly { id: string; need?: NeedOutcome | undefined }[]
  /** Dates whose job was cancelled because a newer trigger of the same date replaced it. */
  superseded: ReadonlySet<IsoDate>
}

function jsonDates(text: string | undefined): IsoDate[] {
  try {
    const parsed: unknown = JSON.parse(text || '[]')
    return Array.isArray(parsed) ? parsed.filter((d): d is string => typeof d === 'string') : []
  } catch {
    return []
  }
}

function dateLine(
  date: IsoDate,
  id: string,
  need: NeedOutcome | undefined,
  superseded: boolean
): DateLine {
  const outputs = need?.outputs ?? {}
  const status = outputs.status ?? ''
  const detail = outputs.message ?? ''
  const line = (result: DateResult, text = detail): DateLine => ({
    date,
    result,
    job: id,
    detail: text
  })
  switch (need?.result) {
    case 'success':
      if (status === 'completed') return line('completed')
      if (status === 'nothing-to-do') return line('nothing to do')
      return line('failed', detail || `ended without a status (${status || 'none'})`)
    case 'failure':
      if (status === 'blocked') return line('blocked')
      if (status === 'refused') return line('refused')
      return line('failed')
    case 'cancelled':
      return superseded
        ? line('superseded', 'a newer trigger of the same date took its place in the queue')
        : line('cancelled', detail || 'cancelled (by a person, or by a job timeout)')
    default:
      return line('not run', 'an earlier date of this run did not complete')
  }
}

/**
 * The run over its dates: which completed, which had nothing to do, which failed or were
 * not run, what is still owed, and what notify should make of it. A run that only found
 * completed dates, or was replaced in the queue by a newer trigger of the same dates, is
 * `skipped`: no issue is opened, commented on or closed for it.
 */
export function runOutcome(request: RunOutcomeRequest): RunOutcome {
  const { plan } = request
  const dates = jsonDates(plan.outputs.dates)
  const owed = jsonDates(plan.outputs.owed)
  const target = plan.outputs.target ?? ''
  const label = dates.length > 1 ? `${dates[0]} … ${dates.at(-1)}` : dates[0] || target || 'no date'
  if (plan.result !== 'success') {
    const why = plan.outputs.message || `the plan job ended ${plan.result}`
    const refused = plan.outputs.refused === 'true'
    return {
      status: 'failure',
      label: target || label,
      lines: [],
      failedJobs: ['plan'],
      certain: refused,
      ...(refused && plan.outputs['alert-key'] ? { alertKey: plan.outputs['alert-key'] } : {}),
      headline: `No date was processed: ${why}`
    }
  }
  const lines = dates.map((date, index) => {
    const slot = request.dateJobs[index]
    return dateLine(date, slot?.id ?? `date ${index + 1}`, slot?.need, request.superseded.has(date))
  })
  const blockedDate = plan.outputs['blocked-date']
  for (const date of owed.filter(date => !dates.includes(date))) {
    lines.push({
      date,
      result: date === blockedDate ? 'blocked' : 'owed',
      detail:
        date === blockedDate
          ? plan.outputs['blocked-reason'] || 'blocked'
          : `owed: the run stopped at ${blockedDate || 'an earlier date'}`
    })
  }
  const failed = lines.filter(line => ['failed', 'cancelled', 'refused'].includes(line.result))
  const blocked = lines.find(line => line.result === 'blocked')
  const completed = lines.filter(line => line.result === 'completed')
  const failedJobs = lines
    .filter(line => line.job && ['failed', 'cancelled', 'refused', 'blocked'].includes(line.result))
    .map(line => `${line.job} (${line.date})`)
  const done = completed.length
    ? `${describeDates(completed.map(line => line.date))} completed; `
    : ''
  if (failed.length || blocked) {
    const first = failed[0] ?? blocked!
    const certain = !failed.some(line => line.result !== 'refused')
    return {
      status: 'failure',
      label,
      lines,
      failedJobs,
      certain,
      ...(blocked && !failed.length ? { alertKey: `blocked ${blocked.date}` } : {}),
      headline: `${done}${first.date} ${first.result}: ${first.detail}`
    }
  }
  if (completed.length === 0) {
    const superseded = lines.some(line => line.result === 'superseded')
    return {
      status: 'skipped',
      label,
      lines,
      failedJobs: [],
      certain: false,
      headline: superseded
        ? `Superseded: a newer trigger of ${label} took this run's place; nothing was done here`
        : `Nothing to do: ${plan.outputs.message || `${label} is completed`}`
    }
  }
  return {
    status: 'success',
    label,
    lines,
    failedJobs: [],
    certain: false,
    headline: `${describeDates(completed.map(line => line.date))} completed`
  }
}
