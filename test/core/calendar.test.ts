import { describe, expect, it } from 'vitest'
import { formatIsoDate, isIsoDate, parseIsoDate } from '../../src/core/calendar.js'
import { InputError } from '../../src/core/errors.js'

// The one date parser: the logical-date and backfill actions parse with it, the Spark job
// action and the quality gate check their logical-date input with it.
describe('isIsoDate / parseIsoDate', () => {
  it.each(['2026-01-01', '2024-02-29', '2000-02-29', '2026-12-31', '1999-04-30'])(
    '%s is a date',
    text => {
      expect(isIsoDate(text)).toBe(true)
      expect(formatIsoDate(parseIsoDate(text, 'date'))).toBe(text)
    }
  )

  it.each([
    ['2026-1-01', 'a date as YYYY-MM-DD'],
    ['26-01-01', 'a date as YYYY-MM-DD'],
    ['2026/01/01', 'a date as YYYY-MM-DD'],
    ['2026-01-01T00:00:00Z', 'a date as YYYY-MM-DD'],
    ['yesterday', 'a date as YYYY-MM-DD'],
    ['', 'a date as YYYY-MM-DD'],
    ['2026-13-01', 'month 01 to 12'],
    ['2026-00-10', 'month 01 to 12'],
    ['2026-02-29', 'February 2026 has 28 days'],
    ['1900-02-29', 'February 1900 has 28 days'],
    ['2026-04-31', 'April 2026 has 30 days'],
    ['2026-01-00', 'January 2026 has 31 days']
  ])('%s is not (%s)', (text, reason) => {
    expect(isIsoDate(text)).toBe(false)
    expect(() => parseIsoDate(text, 'date')).toThrow(InputError)
    expect(() => parseIsoDate(text, 'date')).toThrow(reason)
  })

  it('parseIsoDate forgives spaces around an input; isIsoDate takes the text as it is', () => {
    expect(formatIsoDate(parseIsoDate(' 2026-01-01 ', 'date'))).toBe('2026-01-01')
    expect(isIsoDate(' 2026-01-01')).toBe(false)
  })

  it('reads years below 100 as written, not as 19xx', () => {
    expect(parseIsoDate('0050-06-01', 'date').getUTCFullYear()).toBe(50)
    expect(formatIsoDate(parseIsoDate('0050-06-01', 'date'))).toBe('0050-06-01')
    // Year 0 is a leap year (proleptic Gregorian), 1900 is not.
    expect(isIsoDate('0000-02-29')).toBe(true)
  })
})
