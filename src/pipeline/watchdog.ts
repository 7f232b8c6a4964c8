import { addDays, formatIsoDate, type IsoDate } from '../core/calendar.js'
import { InputError } from '../core/errors.js'
import type { BlockedDate } from './catch-up.js'
import type { DateBook } from './date-ledger.js'

/** A time of day in UTC, `HH:MM`. */
export interface TimeOfDay {
  hours: number
  minutes: number
}

export function parseTimeOfDay(text: string, input: string): TimeOfDay {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text.trim())
  if (!match) throw new InputError(input, 'a UTC time of day as HH:MM, such as 06:00', text)
  return { hours: Number(match[1]), minutes: Number(match[2]) }
}

export const formatTimeOfDay = ({ hours, minutes }: TimeOfDay): string =>
  `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`

/** When date `date` must have completed: the SLA time on the day after it. */
export function deadlineOf(date: IsoDate, sla: TimeOfDay): Date {
  const next = addDays(date, 1)
  return new Date(`${next}T${formatTimeOfDay(sla)}:00Z`)
}

export interface WatchRequest {
  book: DateBook
  now: Date
  sla: TimeOfDay
  /** How many recent dates are checked (the pipeline's max-catch-up). */
  days: number
}

export interface Watch {
  /** The dates checked: past their deadline, newest last. */
  checked: IsoDate[]
  /** Checked dates not completed, oldest first (a catch-up owes them). */
  overdue: IsoDate[]
  /** The first overdue date, when it is blocked: a catch-up stops there. */
  blocked?: BlockedDate
  /** The most recent date whose deadline has not come yet (not checked). */
  notYetDue?: IsoDate
}

/**
 * Which of the last `days` dates are past their deadline and not completed. Dates before the
 * pipeline's first known date are not owed, nor are dates before its last completed one (a
 * date a person skipped with allow-gaps stays skipped); a pipeline that never completed a
 * date is checked on its latest due date only.
 */
export function watchDates({ book, now, sla, days }: WatchRequest): Watch {
  const today = formatIsoDate(now)
  const due: IsoDate[] = []
  let notYetDue: IsoDate | undefined
  for (let back = days; back >= 1; back--) {
    const date = addDays(today, -back)
    if (now.getTime() >= deadlineOf(date, sla).getTime()) due.push(date)
    else notYetDue = date
  }
  const last = book.lastCompleted()
  const firstKnown = [...book.entries.keys()].sort()[0]
  // A pre-ledger lake's dates up to its last one count as done; a ledger starts at its first.
  const checked = book.legacyLast
    ? due
    : firstKnown
      ? due.filter(date => date >= firstKnown)
      : due.slice(-1)
  const overdue = checked.filter(date => !book.isCompleted(date) && (!last || date > last))
  const first = overdue[0]
  const entry = first ? book.entry(first) : undefined
  return {
    checked,
    overdue,
    ...(first && entry?.state === 'blocked' ? { blocked: { date: first, entry } } : {}),
    ...(notYetDue ? { notYetDue } : {})
  }
}
