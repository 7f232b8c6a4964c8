import { describe, expect, it } from 'vitest'
import { backfillCommand, planDates, type PlanRequest } from '../../src/pipeline/catch-up.js'
import { claimDate } from '../../src/pipeline/date-claim.js'
import {
  DateBook,
  parseDateEntry,
  type DateEntry,
  type DateState
} from '../../src/pipeline/date-ledger.js'
import { dateOutcome } from '../../src/pipeline/date-outcome.js'
import { runOutcome } from '../../src/pipeline/run-outcome.js'

const PIPELINE = 'daily-customer-etl'

function entry(date: string, state: DateState, extra: Partial<DateEntry> = {}): DateEntry {
  return {
    schema_version: 1,
    pipeline: PIPELINE,
    logical_date: date,
    state,
    at: `${date}T05:00:00.000Z`,
    run: { id: '42', attempt: 1, url: 'https://github.com/o/r/actions/runs/42' },
    ...extra
  }
}

function book(entries: DateEntry[], legacyLast?: string): DateBook {
  return new DateBook(PIPELINE, new Map(entries.map(e => [e.logical_date, e])), legacyLast)
}

const completed = (...dates: string[]): DateEntry[] => dates.map(date => entry(date, 'completed'))

function plan(request: Partial<PlanRequest> & { book: DateBook }) {
  return planDates({
    logicalDate: '2026-01-06',
    force: false,
    allowGaps: false,
    maxCatchUp: 7,
    ...request
  })
}

describe('catch-up: the dates a run owes', () => {
  it('every date after the last completed one, up to the logical date, oldest first', () => {
    const planned = plan({ book: book(completed('2026-01-01', '2026-01-02', '2026-01-03')) })
    expect(planned).toMatchObject({
      mode: 'catch-up',
      target: '2026-01-06',
      dates: ['2026-01-04', '2026-01-05', '2026-01-06'],
      owed: ['2026-01-04', '2026-01-05', '2026-01-06'],
      lastCompleted: '2026-01-03'
    })
    expect(planned.refusal).toBeUndefined()
  })

  it('nothing to do when the logical date is completed, naming the run that completed it', () => {
    const planned = plan({ book: book(completed('2026-01-05', '2026-01-06')) })
    expect(planned.dates).toEqual([])
    expect(planned.message).toBe(
      '2026-01-06 was completed by run 42 (https://github.com/o/r/actions/runs/42) at 2026-01-06T05:00:00.000Z; nothing to do'
    )
  })

  it('a new lake owes its logical date only, not its history', () => {
    expect(plan({ book: book([]) }).dates).toEqual(['2026-01-06'])
  })

  it('more owed dates than max-catch-up fail the run before any work, naming the backfill', () => {
    const planned = plan({
      book: book(completed('2026-01-01')),
      logicalDate: '2026-01-11',
      maxCatchUp: 7
    })
    expect(planned.dates).toEqual([])
    expect(planned.refusal).toBe(
      '10 dates are owed (2026-01-02 … 2026-01-11), more than max-catch-up 7: start a backfill for them: ' +
        'gh workflow run backfill.yml -f start=2026-01-02 -f end=2026-01-11'
    )
    expect(planned.refusal).not.toContain('\n')
    expect(backfillCommand('2026-01-02', '2026-01-11')).toBe(
      'gh workflow run backfill.yml -f start=2026-01-02 -f end=2026-01-11'
    )
  })

  it('stops at a blocked date: the dates before it run, the ones after are owed', () => {
    const blocked = entry('2026-01-05', 'blocked', {
      kind: 'quality',
      task: 'validate-data-quality',
      reason: 'the quality gate failed: 1 blocking rule(s) failed'
    })
    const planned = plan({ book: book([...completed('2026-01-03'), blocked]) })
    expect(planned.dates).toEqual(['2026-01-04'])
    expect(planned.owed).toEqual(['2026-01-04', '2026-01-05', '2026-01-06'])
    expect(planned.blocked?.date).toBe('2026-01-05')
    expect(planned.message).toContain(
      '2026-01-05 is blocked since 2026-01-05T05:00:00.000Z (quality'
    )
  })

  it('a date blocked for a missing export runs again once its export has landed', () => {
    const blocked = entry('2026-01-04', 'blocked', { kind: 'data-missing' })
    const planned = plan({
      book: book([...completed('2026-01-03'), blocked]),
      landed: new Set(['2026-01-04'])
    })
    expect(planned.dates).toEqual(['2026-01-04', '2026-01-05', '2026-01-06'])
  })

  it('replayed dates are owed again (their quality and gold), oldest first', () => {
    const planned = plan({
      book: book([
        ...completed('2026-01-02'),
        entry('2026-01-03', 'replayed', { replayed_by: '2026-01-02' }),
        entry('2026-01-04', 'replayed', { replayed_by: '2026-01-02' })
      ]),
      logicalDate: '2026-01-04'
    })
    expect(planned.dates).toEqual(['2026-01-03', '2026-01-04'])
  })

  it('a lake from before the ledger is caught up from its last real date', () => {
    const planned = plan({ book: book([], '2026-01-03') })
    expect(planned.lastCompleted).toBe('2026-01-03')
    expect(planned.dates).toEqual(['2026-01-04', '2026-01-05', '2026-01-06'])
    const done = plan({ book: book([], '2026-01-06') })
    expect(done.dates).toEqual([])
    expect(done.message).toContain('completed before this pipeline kept its ledger')
  })

  it('the data-arrival trigger catches up to its export date', () => {
    const planned = plan({ book: book(completed('2026-01-03')), dataDate: '2026-01-04' })
    expect(planned.target).toBe('2026-01-04')
    expect(planned.dates).toEqual(['2026-01-04'])
  })
})

describe('an explicit date', () => {
  const history = book(completed('2026-01-01', '2026-01-02', '2026-01-03'))

  it('is processed alone when the day before it completed', () => {
    const planned = plan({ book: history, explicitDate: '2026-01-04' })
    expect(planned).toMatchObject({ mode: 'date', dates: ['2026-01-04'] })
  })

  it('is refused before any work when the day before it has not completed', () => {
    const planned = plan({ book: history, explicitDate: '2026-01-05' })
    expect(planned.dates).toEqual([])
    expect(planned.refusal).toBe(
      '2026-01-05: the day before, 2026-01-04, has not completed; a date is processed only after ' +
        'the one before it: process 2026-01-04 first, or dispatch 2026-01-05 with allow-gaps to skip it'
    )
  })

  it('runs past the gap with allow-gaps or force', () => {
    expect(plan({ book: history, explicitDate: '2026-01-05', allowGaps: true }).dates).toEqual([
      '2026-01-05'
    ])
    expect(plan({ book: history, explicitDate: '2026-01-05', force: true }).dates).toEqual([
      '2026-01-05'
    ])
  })

  it('a completed date is nothing to do unless forced', () => {
    expect(plan({ book: history, explicitDate: '2026-01-02' }).dates).toEqual([])
    expect(plan({ book: history, explicitDate: '2026-01-02', force: true }).dates).toEqual([
      '2026-01-02'
    ])
  })

  it('the first date of a lake needs no predecessor', () => {
    expect(plan({ book: book([]), explicitDate: '2026-01-01' }).dates).toEqual(['2026-01-01'])
  })
})

describe('the claim, inside the date’s concurrency group', () => {
  const history = book(completed('2026-01-01', '2026-01-02', '2026-01-03'))
  const claim = (request: Partial<Parameters<typeof claimDate>[0]>) =>
    claimDate({
      book: history,
      date: '2026-01-04',
      explicit: false,
      force: false,
      allowGaps: false,
      landed: false,
      ...request
    })

  it('runs an owed date with its ingest', () => {
    expect(claim({})).toMatchObject({ status: 'run', ingest: true, allowRewrite: false })
  })

  it('ends a date another trigger completed meanwhile, saying by which run', () => {
    const result = claim({ date: '2026-01-03' })
    expect(result.status).toBe('completed')
    expect(result.message).toBe(
      '2026-01-03 was completed by run 42 (https://github.com/o/r/actions/runs/42) at 2026-01-03T05:00:00.000Z; nothing to do'
    )
  })

  it('force processes a completed date again and replays the later ones', () => {
    const result = claim({ date: '2026-01-02', force: true })
    expect(result).toMatchObject({
      status: 'run',
      ingest: true,
      allowRewrite: true,
      replay: ['2026-01-03']
    })
  })

  it('force on a pre-ledger lake replays its later dates too', () => {
    const legacy = book([], '2026-01-05')
    expect(claim({ book: legacy, date: '2026-01-03', force: true }).replay).toEqual([
      '2026-01-04',
      '2026-01-05'
    ])
  })

  it('a replayed date runs without its ingest', () => {
    const replayed = book([...completed('2026-01-03'), entry('2026-01-04', 'replayed')])
    expect(claim({ book: replayed })).toMatchObject({ status: 'run', ingest: false })
  })

  it('a blocked date stops a catch-up but runs when asked for by date', () => {
    const blocked = book([
      ...completed('2026-01-03'),
      entry('2026-01-04', 'blocked', { kind: 'refusal', reason: 'gap' })
    ])
    expect(claim({ book: blocked }).status).toBe('blocked')
    expect(claim({ book: blocked, explicit: true }).status).toBe('run')
    expect(claim({ book: blocked, landed: true }).status).toBe('run')
  })

  it('refuses a date whose predecessor has not completed, unless allow-gaps', () => {
    expect(claim({ date: '2026-01-05' })).toMatchObject({ status: 'refused', ingest: false })
    expect(claim({ date: '2026-01-05', allowGaps: true })).toMatchObject({
      status: 'run',
      allowGaps: true
    })
  })
})

describe('how a date ended', () => {
  const ok = { result: 'success', outputs: {} }

  it('completed when the last task succeeded', () => {
    expect(
      dateOutcome(
        {
          claim: ok,
          'wait-for-data': { result: 'success', outputs: { found: 'true' } },
          'ingest-cdc': ok,
          'validate-data-quality': { result: 'success', outputs: { passed: 'true' } },
          'compute-aggregates': ok
        },
        'compute-aggregates'
      ).status
    ).toBe('completed')
  })

  it('blocked by a refusal, a failed gate or a missing export', () => {
    expect(
      dateOutcome(
        {
          'ingest-cdc': {
            result: 'failure',
            outputs: { 'failure-kind': 'certain', 'state-details': 'ExitCode: 65.\nbronze gap' }
          },
          'compute-aggregates': { result: 'skipped', outputs: {} }
        },
        'compute-aggregates'
      )
    ).toMatchObject({
      status: 'blocked',
      kind: 'refusal',
      task: 'ingest-cdc',
      reason: 'ExitCode: 65. bronze gap'
    })
    expect(
      dateOutcome(
        {
          'validate-data-quality': { result: 'failure', outputs: { passed: 'false', failed: '2' } }
        },
        'compute-aggregates'
      )
    ).toMatchObject({
      status: 'blocked',
      kind: 'quality',
      reason: 'the quality gate failed: 2 blocking rule(s) failed'
    })
  })

  it('failed, and nothing recorded, after a transient failure or a cancel', () => {
    expect(
      dateOutcome(
        {
          'ingest-cdc': { result: 'failure', outputs: { 'failure-kind': 'transient' } },
          'compute-aggregates': { result: 'skipped', outputs: {} }
        },
        'compute-aggregates'
      ).status
    ).toBe('failed')
    expect(
      dateOutcome(
        { 'compute-aggregates': { result: 'cancelled', outputs: {} } },
        'compute-aggregates'
      ).status
    ).toBe('failed')
  })
})

describe('the run over its dates', () => {
  const plan = (dates: string[], extra: Record<string, string> = {}) => ({
    result: 'success',
    outputs: {
      dates: JSON.stringify(dates),
      owed: JSON.stringify(dates),
      target: dates.at(-1) ?? '',
      ...extra
    }
  })
  const slot = (status: string, result = 'success') => ({
    result,
    outputs: { status, message: status }
  })

  it('success when every date completed', () => {
    const outcome = runOutcome({
      plan: plan(['2026-01-04', '2026-01-05']),
      dateJobs: [
        { id: 'day-1', need: slot('completed') },
        { id: 'day-2', need: slot('completed') }
      ],
      superseded: new Set()
    })
    expect(outcome).toMatchObject({ status: 'success', label: '2026-01-04 … 2026-01-05' })
  })

  it('a failure stops the run: the later dates are reported not run', () => {
    const outcome = runOutcome({
      plan: plan(['2026-01-04', '2026-01-05', '2026-01-06']),
      dateJobs: [
        { id: 'day-1', need: slot('completed') },
        { id: 'day-2', need: slot('failed', 'failure') },
        { id: 'day-3', need: { result: 'skipped', outputs: {} } }
      ],
      superseded: new Set()
    })
    expect(outcome.status).toBe('failure')
    expect(outcome.certain).toBe(false)
    expect(outcome.lines.map(line => `${line.date} ${line.result}`)).toEqual([
      '2026-01-04 completed',
      '2026-01-05 failed',
      '2026-01-06 not run'
    ])
    expect(outcome.failedJobs).toEqual(['day-2 (2026-01-05)'])
  })

  it('nothing to do is skipped: no issue opened or closed', () => {
    const outcome = runOutcome({
      plan: plan(['2026-01-06']),
      dateJobs: [{ id: 'day-1', need: slot('nothing-to-do') }],
      superseded: new Set()
    })
    expect(outcome.status).toBe('skipped')
    const none = runOutcome({
      plan: plan([], { message: '2026-01-06 was completed by run 42; nothing to do' }),
      dateJobs: [],
      superseded: new Set()
    })
    expect(none).toMatchObject({ status: 'skipped' })
    expect(none.headline).toContain('was completed by run 42')
  })

  it('a date replaced in the queue by a newer trigger is superseded, not a failure', () => {
    const outcome = runOutcome({
      plan: plan(['2026-01-06']),
      dateJobs: [{ id: 'day-1', need: { result: 'cancelled', outputs: {} } }],
      superseded: new Set(['2026-01-06'])
    })
    expect(outcome.status).toBe('skipped')
    expect(outcome.headline).toMatch(/^Superseded/)
    const cancelled = runOutcome({
      plan: plan(['2026-01-06']),
      dateJobs: [{ id: 'day-1', need: { result: 'cancelled', outputs: {} } }],
      superseded: new Set()
    })
    expect(cancelled.status).toBe('failure')
  })

  it('a blocked date is a certain failure, alerted once per streak', () => {
    const outcome = runOutcome({
      plan: plan(['2026-01-04'], {
        owed: JSON.stringify(['2026-01-04', '2026-01-05']),
        'blocked-date': '2026-01-05',
        'blocked-reason': 'gap'
      }),
      dateJobs: [{ id: 'day-1', need: slot('completed') }],
      superseded: new Set()
    })
    expect(outcome).toMatchObject({
      status: 'failure',
      certain: true,
      alertKey: 'blocked 2026-01-05'
    })
  })

  it('a refused plan is a certain failure', () => {
    const outcome = runOutcome({
      plan: {
        result: 'failure',
        outputs: {
          refused: 'true',
          message: '10 dates are owed',
          'alert-key': 'too many owed from x'
        }
      },
      dateJobs: [],
      superseded: new Set()
    })
    expect(outcome).toMatchObject({
      status: 'failure',
      certain: true,
      alertKey: 'too many owed from x'
    })
  })
})

describe('a ledger entry read from the lake is untrusted', () => {
  const good = JSON.stringify(entry('2026-01-03', 'completed'))

  it('reads a valid entry', () => {
    expect(parseDateEntry(good, PIPELINE, '2026-01-03').state).toBe('completed')
  })

  it.each([
    ['not JSON', '{', 'not valid JSON'],
    [
      'another version',
      JSON.stringify({ ...entry('2026-01-03', 'completed'), schema_version: 2 }),
      'schema_version 2'
    ],
    [
      'another date',
      good.replace('"logical_date":"2026-01-03"', '"logical_date":"2026-01-04"'),
      'not its key'
    ],
    ['an unknown state', good.replace('"completed"', '"done"'), 'state "done"'],
    ['no time', good.replace(/"at":"[^"]+"/, '"at":"soon"'), 'no valid time']
  ])('refuses %s', (_what, text, message) => {
    expect(() => parseDateEntry(text, PIPELINE, '2026-01-03')).toThrow(message)
  })

  it('drops a run link that is not http(s)', () => {
    const hostile = JSON.stringify({
      ...entry('2026-01-03', 'completed'),
      run: { id: '1', attempt: 1, url: 'javascript:alert(1)' }
    })
    expect(parseDateEntry(hostile, PIPELINE, '2026-01-03').run?.url).toBeUndefined()
  })
})
