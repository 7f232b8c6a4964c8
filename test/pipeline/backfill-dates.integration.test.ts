import { describe, expect, it } from 'vitest'
import { runAction } from '../support/run-action.js'
import { present } from '../support/present.js'

describe('backfill-dates action', () => {
  it('outputs the dates as JSON for the matrix, and the validated max-parallel', async () => {
    const run = await runAction('backfill-dates', {
      inputs: { start: '2026-01-30', end: '2026-02-02', 'max-days': '31', 'max-parallel': '2' }
    })
    expect(run.code, run.stdout).toBe(0)
    expect(JSON.parse(present(run.outputs.dates, 'the dates output'))).toEqual([
      '2026-01-30',
      '2026-01-31',
      '2026-02-01',
      '2026-02-02'
    ])
    expect(run.outputs.count).toBe('4')
    expect(run.outputs['max-parallel']).toBe('2')
    expect(run.summary).toContain('### Backfill 2026-01-30 … 2026-02-02')
  })

  it('runs one date at a time unless told otherwise: each silver snapshot builds on the last', async () => {
    const run = await runAction('backfill-dates', {
      inputs: { start: '2026-01-30', end: '2026-02-02' }
    })
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs['max-parallel']).toBe('1')
    expect(JSON.parse(present(run.outputs.dates, 'the dates output'))[0]).toBe('2026-01-30')
  })

  it.each([
    [
      { start: '2026-01-01', end: '2026-03-01' },
      "::error::Input 'end': expected a range of at most 31 days (max-days), but 2026-01-01..2026-03-01 has 60, got '2026-03-01'"
    ],
    [
      { start: '2026-01-01', end: '2026-01-02', 'max-parallel': '0' },
      "::error::Input 'max-parallel': expected a whole number from 1 to 20 (at least 1), got '0'"
    ],
    [
      { start: '', end: '2026-01-02' },
      "::error::Input 'start': expected the first date as YYYY-MM-DD (it is required)"
    ]
  ])('%j fails in one line with no output', async (inputs, message) => {
    const run = await runAction('backfill-dates', { inputs })
    expect(run.code).toBe(1)
    expect(run.stdout.split('\n').filter(line => line.startsWith('::error::'))).toEqual([message])
    expect(run.outputs).toEqual({})
  })
})
