import { describe, expect, it } from 'vitest'
import { DEFAULT_MAX_DAYS, expandDateRange } from '../../src/pipeline/backfill-dates.js'

const today = new Date('2026-11-25T08:00:00Z')

describe('backfill date ranges', () => {
  it('expands start..end inclusive, oldest first, across month and leap-day boundaries', () => {
    expect(
      expandDateRange({
        start: '2028-02-27',
        end: '2028-03-02',
        maxDays: 31,
        today: new Date('2030-01-01T00:00:00Z')
      })
    ).toEqual(['2028-02-27', '2028-02-28', '2028-02-29', '2028-03-01', '2028-03-02'])
    expect(expandDateRange({ start: '2025-12-31', end: '2026-01-01', maxDays: 31, today })).toEqual(
      ['2025-12-31', '2026-01-01']
    )
  })

  it('a single day is a range of one', () => {
    expect(expandDateRange({ start: '2026-11-24', end: '2026-11-24', maxDays: 1, today })).toEqual([
      '2026-11-24'
    ])
  })

  it('accepts exactly max-days and refuses one more, saying how long the range is', () => {
    expect(
      expandDateRange({ start: '2026-01-01', end: '2026-01-31', maxDays: DEFAULT_MAX_DAYS, today })
    ).toHaveLength(31)
    expect(() =>
      expandDateRange({ start: '2026-01-01', end: '2026-02-01', maxDays: DEFAULT_MAX_DAYS, today })
    ).toThrow(
      "Input 'end': expected a range of at most 31 days (max-days), but 2026-01-01..2026-02-01 has 32, got '2026-02-01'"
    )
  })

  it('refuses an end before the start', () => {
    expect(() =>
      expandDateRange({ start: '2026-03-02', end: '2026-03-01', maxDays: 31, today })
    ).toThrow("Input 'end': expected a date on or after start (2026-03-02), got '2026-03-01'")
  })

  it('refuses dates in the future, which hold no data yet', () => {
    expect(() =>
      expandDateRange({ start: '2026-11-20', end: '2026-11-26', maxDays: 31, today })
    ).toThrow("Input 'end': expected a date that is not after today (2026-11-25), got '2026-11-26'")
  })

  it('names the input holding an impossible date', () => {
    expect(() =>
      expandDateRange({ start: '2026-02-30', end: '2026-03-02', maxDays: 31, today })
    ).toThrow(/^Input 'start': expected a real calendar date/)
    expect(() =>
      expandDateRange({ start: '2026-02-01', end: 'today', maxDays: 31, today })
    ).toThrow("Input 'end': expected a date as YYYY-MM-DD, got 'today'")
  })
})
