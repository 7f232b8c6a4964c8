import { BackfillDatesDefault, BackfillDatesInput } from '../constants/backfill-dates.js'
import { InputError } from '../core/errors.js'
import {
  addDays,
  daysBetween,
  formatIsoDate,
  parseIsoDate,
  type IsoDate
} from '../core/calendar.js'

/** The default and the hard cap of one backfill: a month, and GitHub's 256-job matrix limit. */
export const DEFAULT_MAX_DAYS: number = BackfillDatesDefault.MaxDays
export const MATRIX_LIMIT = 256

export interface BackfillRequest {
  start: string
  end: string
  maxDays: number
  /** Dates after this day hold no data yet; the run's own day. */
  today: Date
}

/** Every date from start to end inclusive, oldest first, for a workflow matrix. */
export function expandDateRange({ start, end, maxDays, today }: BackfillRequest): IsoDate[] {
  const first = formatIsoDate(parseIsoDate(start, BackfillDatesInput.Start))
  const last = formatIsoDate(parseIsoDate(end, BackfillDatesInput.End))
  const todayDate = formatIsoDate(today)
  if (daysBetween(first, last) < 0) {
    throw new InputError(BackfillDatesInput.End, `a date on or after start (${first})`, last)
  }
  if (daysBetween(last, todayDate) < 0) {
    throw new InputError(
      BackfillDatesInput.End,
      `a date that is not after today (${todayDate})`,
      last
    )
  }
  const count = daysBetween(first, last) + 1
  if (count > maxDays) {
    throw new InputError(
      BackfillDatesInput.End,
      `a range of at most ${maxDays} days (max-days), but ${first}..${last} has ${count}`,
      last
    )
  }
  return Array.from({ length: count }, (_, index) => addDays(first, index))
}
