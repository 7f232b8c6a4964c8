import { addDays, daysBetween, type IsoDate } from '../core/calendar.js'
import { describeRun } from '../core/run-reference.js'
import type { DateBook, DateEntry } from './date-ledger.js'

/** What starts a run, as far as choosing its dates goes. */
export interface PlanRequest {
  book: DateBook
  /** The run's logical date: the UTC day before it was created. */
  logicalDate: IsoDate
  /** A date given by hand (dispatch, call, backfill): that date only. */
  explicitDate?: IsoDate
  /** The date of the export whose arrival started the run: catch up to it. */
  dataDate?: IsoDate
  /** Re-process the explicit date even when it has completed (implies allow-rewrite). */
  force: boolean
  /** Process the explicit date although the day before it has not completed. */
  allowGaps: boolean
  /** The most dates one run processes; more owed dates fail the run before any work. */
  maxCatchUp: number
  /** Blocked dates whose missing export has landed since (their sensor would now pass). */
  landed?: ReadonlySet<IsoDate>
}

export interface BlockedDate {
  date: IsoDate
  entry: DateEntry
}

export interface Plan {
  mode: 'date' | 'catch-up'
  /** The last date the run is for: the explicit date, or the date it catches up to. */
  target: IsoDate
  /** The dates to process, oldest first; empty when there is nothing to do. */
  dates: IsoDate[]
  /** Every date owed up to `target`, oldest first (`dates` is its beginning). */
  owed: IsoDate[]
  lastCompleted?: IsoDate | undefined
  /** The owed date the run stops at: it fails the same way every time. */
  blocked?: BlockedDate
  /** Why the run fails before any work: a certain failure, never retried. */
  refusal?: string
  /** One line for the log and the job summary. */
  message: string
}

/** `gh workflow run backfill.yml …` for a range: what a person starts when too much is owed. */
export function backfillCommand(start: IsoDate, end: IsoDate): string {
  return `gh workflow run backfill.yml -f start=${start} -f end=${end}`
}

function datesFrom(start: IsoDate, end: IsoDate): IsoDate[] {
  const dates: IsoDate[] = []
  for (let day = start; day <= end; day = addDays(day, 1)) dates.push(day)
  return dates
}

function completedBy(book: DateBook, date: IsoDate): string {
  const entry = book.entry(date)
  if (entry?.state === 'completed') {
    return `${date} was completed by ${describeRun(entry.run)} at ${entry.at}`
  }
  return `${date} was completed before this pipeline kept its ledger (its last task's run record and output say so)`
}

/** Why a blocked date stops the run, in one line. */
export function blockedLine(blocked: BlockedDate): string {
  const { entry } = blocked
  const what = entry.task ? `${entry.task}: ` : ''
  return (
    `${blocked.date} is blocked since ${entry.at} (${entry.kind ?? 'failure'}, ${what}` +
    `${entry.reason ?? 'see the run'}): it fails the same way every time, so no trigger ` +
    `processes it again until a person forces it (force), skips it (allow-gaps on the next ` +
    `date) or backfills it`
  )
}

/**
 * The dates a run owes. An explicit date is that date alone; otherwise every date after the
 * last completed one up to the run's logical date (or the landed export's date), oldest
 * first, at most `maxCatchUp`, stopping at a blocked date. Nothing here reads the clock or
 * the lake: the caller has read the ledger into `book`.
 */
export function planDates(request: PlanRequest): Plan {
  const { book } = request
  if (request.explicitDate) return planExplicit(request, request.explicitDate)

  const target = request.dataDate ?? request.logicalDate
  const lastCompleted = book.lastCompleted()
  if (lastCompleted !== undefined && lastCompleted >= target) {
    const message = book.isCompleted(target)
      ? `${completedBy(book, target)}; nothing to do`
      : `every date up to ${target} is done (the last completed is ${lastCompleted}); nothing to do`
    return { mode: 'catch-up', target, dates: [], owed: [], lastCompleted, message }
  }
  // A lake with no completed date starts at its earliest known date (a first date that was
  // blocked), or at the target itself: a new pipeline owes no history.
  const known = [...book.entries.keys()].sort()
  const first =
    lastCompleted !== undefined
      ? addDays(lastCompleted, 1)
      : known[0] !== undefined && known[0] < target
        ? known[0]
        : target
  const owed = datesFrom(first, target)
  const base = { mode: 'catch-up' as const, target, owed, lastCompleted }
  if (owed.length > request.maxCatchUp) {
    const refusal =
      `${owed.length} dates are owed (${owed[0]} … ${target}), more than max-catch-up ` +
      `${request.maxCatchUp}: start a backfill for them: ` +
      backfillCommand(owed[0]!, target)
    return { ...base, dates: [], refusal, message: refusal }
  }
  const dates: IsoDate[] = []
  for (const date of owed) {
    const entry = book.entry(date)
    if (entry?.state === 'blocked' && !request.landed?.has(date)) {
      const blocked = { date, entry }
      const before = dates.length ? `${describeDates(dates)}, then stopping: ` : ''
      return { ...base, dates, blocked, message: `${before}${blockedLine(blocked)}` }
    }
    dates.push(date)
  }
  const since = lastCompleted ? ` (the last completed is ${lastCompleted})` : ''
  return { ...base, dates, message: `${describeDates(dates)}${since}` }
}

function planExplicit(request: PlanRequest, date: IsoDate): Plan {
  const { book } = request
  const base = { mode: 'date' as const, target: date, lastCompleted: book.lastCompleted() }
  if (book.isCompleted(date) && !request.force) {
    const message = `${completedBy(book, date)}; nothing to do (force: true processes it again)`
    return { ...base, dates: [], owed: [], message }
  }
  if (!request.force && !request.allowGaps && !book.predecessorReady(date)) {
    const refusal = gapRefusal(book, date)
    return { ...base, dates: [], owed: [date], refusal, message: refusal }
  }
  const how = request.force ? ' (force: processed again, later dates replayed)' : ''
  return { ...base, dates: [date], owed: [date], message: `${date}: the date asked for${how}` }
}

/** The one line that refuses a date whose predecessor has not completed. */
export function gapRefusal(book: DateBook, date: IsoDate): string {
  const previous = addDays(date, -1)
  const entry = book.entry(previous)
  const state =
    entry?.state === 'blocked'
      ? `is blocked (${entry.reason ?? entry.kind ?? 'see its run'})`
      : entry?.state === 'replayed'
        ? 'was replayed by a rewrite and its quality and gold are owed'
        : 'has not completed'
  return (
    `${date}: the day before, ${previous}, ${state}; a date is processed only after the one ` +
    `before it: process ${previous} first, or dispatch ${date} with allow-gaps to skip it`
  )
}

/** "2026-01-04, 2026-01-05 and 2026-01-06 (3 dates)" */
export function describeDates(dates: readonly IsoDate[]): string {
  if (dates.length === 0) return 'no date'
  if (dates.length === 1) return dates[0]!
  const span = daysBetween(dates[0]!, dates.at(-1)!) + 1
  const listed =
    dates.length <= 4
      ? `${dates.slice(0, -1).join(', ')} and ${dates.at(-1)}`
      : `${dates[0]} … ${dates.at(-1)}`
  return span === dates.length ? `${listed} (${dates.length} dates)` : listed
}
