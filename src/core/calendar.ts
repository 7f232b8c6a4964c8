import { InputError } from '../core/errors.js'

const DAY_MS = 86_400_000
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December'
]

/** A calendar day as YYYY-MM-DD, the form every job and lake partition uses. */
export type IsoDate = string

export function daysInMonth(year: number, month: number): number {
  return utcMidnight(year, month + 1, 0).getUTCDate()
}

/** Date.UTC reads the years 0 to 99 as 1900 to 1999; setUTCFullYear takes them as written. */
function utcMidnight(year: number, month: number, day: number): Date {
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  return date
}

/**
 * Parses YYYY-MM-DD into UTC midnight, rejecting dates that do not exist (2026-02-30,
 * 2026-13-01): `new Date()` would silently roll them over into the next month.
 */
export function parseIsoDate(text: string, input: string): Date {
  const value = text.trim()
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!match) throw new InputError(input, 'a date as YYYY-MM-DD', value)
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  if (month < 1 || month > 12) {
    throw new InputError(input, 'a real calendar date as YYYY-MM-DD (month 01 to 12)', value)
  }
  const monthDays = daysInMonth(year, month)
  if (day < 1 || day > monthDays) {
    // month is 1 to 12 here (checked above).
    const name = `${MONTHS[month - 1]!} ${year}`
    throw new InputError(
      input,
      `a real calendar date as YYYY-MM-DD (${name} has ${monthDays} days)`,
      value
    )
  }
  return utcMidnight(year, month, day)
}

/** Whether the text, as it is, is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(text: string): boolean {
  try {
    parseIsoDate(text, 'date')
  } catch (error) {
    if (error instanceof InputError) return false
    throw error
  }
  return text === text.trim()
}

/**
 * Parses an ISO 8601 timestamp that names its time zone (`2026-03-01T02:13:44Z` or
 * `+01:00`): without one the day it falls on would depend on the runner's zone.
 */
export function parseTimestamp(text: string, input: string): Date {
  const value = text.trim()
  const expected = 'an ISO 8601 time with a time zone, such as 2026-03-01T02:13:44Z'
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(value)) {
    throw new InputError(input, expected, value)
  }
  const instant = new Date(value)
  if (Number.isNaN(instant.getTime())) throw new InputError(input, expected, value)
  return instant
}

export function formatIsoDate(instant: Date): IsoDate {
  return instant.toISOString().slice(0, 10)
}

/** The UTC calendar day before the one `instant` falls on. */
export function previousUtcDay(instant: Date): IsoDate {
  const midnight = Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate())
  return formatIsoDate(new Date(midnight - DAY_MS))
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return formatIsoDate(new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS))
}

/** Whole days from `start` to `end` (0 when equal, negative when end is earlier). */
export function daysBetween(start: IsoDate, end: IsoDate): number {
  return Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / DAY_MS)
}
