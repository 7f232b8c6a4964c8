import { describe, expect, it } from 'vitest'
import { InputError } from '../../src/core/errors.js'
import { parseIsoDate, parseTimestamp, previousUtcDay } from '../../src/core/calendar.js'
import { resolveLogicalDate } from '../../src/pipeline/logical-date.js'

const at = (iso: string): Date => new Date(iso)

describe('scheduled runs process the previous UTC day of the run creation', () => {
  it.each([
    ['2026-03-01T02:00:00Z', '2026-02-28', 'Mar 1 → Feb 28'],
    ['2028-03-01T02:00:00Z', '2028-02-29', 'Mar 1 of a leap year → Feb 29'],
    ['2027-01-01T02:00:00Z', '2026-12-31', 'Jan 1 → Dec 31 of the previous year'],
    ['2026-01-02T02:00:00Z', '2026-01-01', "Airflow's example: Jan 2 02:00 → Jan 1"],
    ['2100-03-01T02:00:00Z', '2100-02-28', '2100 is not a leap year']
  ])('created %s → %s (%s)', (created, expected) => {
    const resolved = resolveLogicalDate({
      date: '',
      eventName: 'schedule',
      runCreatedAt: at(created)
    })
    expect(resolved).toMatchObject({ date: expected, source: 'run-created' })
    expect(resolved.explanation).toContain('scheduled run')
  })

  it('a late cron run created at 23:59 still gives the day before its creation, not before the clock', () => {
    // Cron is best effort: the 02:00 run of Mar 1 may be created hours late and its job may
    // only start after midnight. Only the creation time counts.
    const resolved = resolveLogicalDate({
      date: '',
      eventName: 'schedule',
      runCreatedAt: at('2026-03-01T23:59:00Z')
    })
    expect(resolved.date).toBe('2026-02-28')
  })

  it('uses the UTC day of a creation time given with an offset', () => {
    // 01:30 in +03:00 is still Feb 28 in UTC, so the logical date is Feb 27.
    const created = parseTimestamp('2026-03-01T01:30:00+03:00', 'run-created-at')
    expect(
      resolveLogicalDate({ date: '', eventName: 'schedule', runCreatedAt: created }).date
    ).toBe('2026-02-27')
  })

  it('an empty dispatch date means yesterday of the run creation', () => {
    const resolved = resolveLogicalDate({
      date: '  ',
      eventName: 'workflow_dispatch',
      runCreatedAt: at('2026-07-15T09:12:00Z')
    })
    expect(resolved).toMatchObject({ date: '2026-07-14', source: 'run-created' })
  })

  it('refuses to guess without a creation time', () => {
    expect(() => resolveLogicalDate({ date: '', eventName: 'schedule' })).toThrow(
      /Input 'run-created-at'/
    )
  })
})

describe('a given date (dispatch or workflow_call)', () => {
  const runCreatedAt = at('2026-11-25T08:00:00Z')

  it('is used as is, from either event', () => {
    for (const eventName of ['workflow_dispatch', 'workflow_call']) {
      expect(resolveLogicalDate({ date: '2024-02-29', eventName, runCreatedAt })).toMatchObject({
        date: '2024-02-29',
        source: 'input'
      })
    }
  })

  it("may be the run's own day, not a later one", () => {
    expect(resolveLogicalDate({ date: '2026-11-25', eventName: 'x', runCreatedAt }).date).toBe(
      '2026-11-25'
    )
    expect(() =>
      resolveLogicalDate({ date: '2026-11-26', eventName: 'workflow_dispatch', runCreatedAt })
    ).toThrow(
      "Input 'date': expected a date that is not after the run's day (2026-11-25), got '2026-11-26'"
    )
  })

  it.each([
    [
      '2026-02-30',
      "Input 'date': expected a real calendar date as YYYY-MM-DD (February 2026 has 28 days), got '2026-02-30'"
    ],
    [
      '2025-02-29',
      "Input 'date': expected a real calendar date as YYYY-MM-DD (February 2025 has 28 days), got '2025-02-29'"
    ],
    [
      '2026-04-31',
      "Input 'date': expected a real calendar date as YYYY-MM-DD (April 2026 has 30 days), got '2026-04-31'"
    ],
    [
      '2026-13-01',
      "Input 'date': expected a real calendar date as YYYY-MM-DD (month 01 to 12), got '2026-13-01'"
    ],
    [
      '2026-00-10',
      "Input 'date': expected a real calendar date as YYYY-MM-DD (month 01 to 12), got '2026-00-10'"
    ],
    [
      '2026-01-00',
      "Input 'date': expected a real calendar date as YYYY-MM-DD (January 2026 has 31 days), got '2026-01-00'"
    ],
    ['yesterday', "Input 'date': expected a date as YYYY-MM-DD, got 'yesterday'"],
    ['2026-3-1', "Input 'date': expected a date as YYYY-MM-DD, got '2026-3-1'"],
    [
      '2026-03-01T00:00:00Z',
      "Input 'date': expected a date as YYYY-MM-DD, got '2026-03-01T00:00:00Z'"
    ]
  ])('%s is refused with one clear line', (date, message) => {
    let thrown: unknown
    try {
      resolveLogicalDate({ date, eventName: 'workflow_dispatch', runCreatedAt })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(InputError)
    expect((thrown as Error).message).toBe(message)
    expect((thrown as Error).message).not.toContain('\n')
  })
})

describe('calendar helpers', () => {
  it('parses real dates to UTC midnight', () => {
    expect(parseIsoDate('2028-02-29', 'date').toISOString()).toBe('2028-02-29T00:00:00.000Z')
  })

  it('needs a time zone on timestamps, so the day does not depend on the runner', () => {
    expect(() => parseTimestamp('2026-03-01T02:00:00', 'run-created-at')).toThrow(
      /Input 'run-created-at': expected an ISO 8601 time with a time zone/
    )
    expect(parseTimestamp('2026-03-01T02:00:00Z', 'run-created-at').toISOString()).toBe(
      '2026-03-01T02:00:00.000Z'
    )
  })

  it('the previous day of the first instant of a day is the day before', () => {
    expect(previousUtcDay(at('2026-03-01T00:00:00Z'))).toBe('2026-02-28')
    expect(previousUtcDay(at('2026-02-28T23:59:59.999Z'))).toBe('2026-02-27')
  })
})
