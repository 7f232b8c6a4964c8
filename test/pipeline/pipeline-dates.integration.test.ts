import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runAction, type ActionRun } from '../support/run-action.js'
import { tempDir } from '../support/temp.js'

// dist/pipeline-dates run as the runner runs it, on a lake that is a local folder (the
// action reads and writes its ledger through the same Lake interface as on S3; the S3 side
// runs through the runner against moto in test/local/runner/daily-workflow.test.ts).
const PIPELINE = 'daily-customer-etl'

function lakeWith(completed: string[]): string {
  const lake = tempDir('pipeline-dates-lake')
  const folder = path.join(lake, '_pipeline', 'dates', PIPELINE)
  mkdirSync(folder, { recursive: true })
  for (const date of completed) {
    writeFileSync(
      path.join(folder, `${date}.json`),
      JSON.stringify({
        schema_version: 1,
        pipeline: PIPELINE,
        logical_date: date,
        state: 'completed',
        at: `${date}T23:00:00.000Z`
      })
    )
  }
  return lake
}

const dates = (lake: string, inputs: Record<string, string>): Promise<ActionRun> =>
  runAction('pipeline-dates', {
    inputs: { 'run-records': lake, pipeline: PIPELINE, ...inputs },
    timeoutMs: 60_000
  })

const errorLines = (run: ActionRun): string[] =>
  run.stdout.split('\n').filter(line => line.startsWith('::error'))

describe('pipeline-dates action', () => {
  it('plan: catches up from the last completed date to the day before the run', async () => {
    const lake = lakeWith(['2026-01-01', '2026-01-02', '2026-01-03'])
    const run = await dates(lake, { mode: 'plan', 'run-created-at': '2026-01-07T02:07:00Z' })
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs).toMatchObject({
      dates: '["2026-01-04","2026-01-05","2026-01-06"]',
      count: '3',
      target: '2026-01-06',
      'last-completed': '2026-01-03',
      refused: 'false'
    })
    expect(run.summary).toContain('### Dates to process: 3')
  })

  it('plan: a data-key catches up to its export date; a URL-encoded key is read too', async () => {
    const lake = lakeWith(['2026-01-03'])
    for (const key of [
      'bronze/customers/date=2026-01-05/_SUCCESS',
      'bronze/customers/date%3D2026-01-05/_SUCCESS'
    ]) {
      const run = await dates(lake, {
        mode: 'plan',
        'run-created-at': '2026-01-06T01:30:00Z',
        'data-key': key,
        'data-marker': 'bronze/customers/date={date}/_SUCCESS'
      })
      expect(run.code, run.stdout).toBe(0)
      expect(run.outputs.dates).toBe('["2026-01-04","2026-01-05"]')
    }
  })

  it('claim and finish: a claimed date recorded completed, then found completed by the next claim', async () => {
    const lake = lakeWith(['2026-01-01'])
    const claim = await dates(lake, { mode: 'claim', date: '2026-01-02' })
    expect(claim.outputs).toMatchObject({ run: 'true', ingest: 'true', status: 'run' })
    const needs = JSON.stringify({
      claim: { result: 'success', outputs: { run: 'true' } },
      'compute-aggregates': { result: 'success', outputs: {} }
    })
    const finish = await dates(lake, {
      mode: 'finish',
      date: '2026-01-02',
      needs,
      'last-task': 'compute-aggregates'
    })
    expect(finish.code, finish.stdout).toBe(0)
    expect(finish.outputs.status).toBe('completed')
    const entry = JSON.parse(
      readFileSync(path.join(lake, '_pipeline', 'dates', PIPELINE, '2026-01-02.json'), 'utf8')
    )
    expect(entry).toMatchObject({
      schema_version: 1,
      state: 'completed',
      logical_date: '2026-01-02'
    })
    expect(entry.run).toMatchObject({ id: '1000', attempt: 1 })
    const again = await dates(lake, { mode: 'claim', date: '2026-01-02' })
    expect(again.outputs).toMatchObject({ run: 'false', status: 'nothing-to-do' })
    expect(again.stdout).toMatch(/2026-01-02 was completed by run 1000 .* at \S+; nothing to do/)
  })

  it('finish: a refusal blocks the date and fails the step with the certain-failure annotation', async () => {
    const lake = lakeWith(['2026-01-01'])
    const needs = JSON.stringify({
      'ingest-cdc': {
        result: 'failure',
        outputs: { 'failure-kind': 'certain', 'state-details': 'ExitCode: 65. gap' }
      },
      'compute-aggregates': { result: 'skipped', outputs: {} }
    })
    const run = await dates(lake, {
      mode: 'finish',
      date: '2026-01-02',
      needs,
      'last-task': 'compute-aggregates'
    })
    expect(run.code).toBe(1)
    expect(errorLines(run)).toEqual([
      '::error title=Certain failure (not retried)::2026-01-02 is blocked (refusal): ingest-cdc: ExitCode: 65. gap; no trigger processes it again until a person forces, skips or backfills it'
    ])
    expect(run.outputs.status).toBe('blocked')
  })

  it('bad inputs: one line naming the input, nothing written', async () => {
    const lake = lakeWith([])
    const cases: [Record<string, string>, string][] = [
      [{ mode: 'guess' }, "Input 'mode': expected one of plan, claim, finish, report, got 'guess'"],
      [{ mode: 'plan', date: '2026-02-30' }, "Input 'date': expected a real calendar date"],
      [{ mode: 'plan', force: 'true' }, "Input 'force': expected a date to go with it"],
      [
        { mode: 'plan', 'run-created-at': '2026-01-07T02:07:00Z', 'max-catch-up': '8' },
        "Input 'max-catch-up': expected a whole number from 1 to 7"
      ],
      [
        {
          mode: 'plan',
          date: '2026-01-01',
          'data-key': 'x',
          'data-marker': 'b/date={date}/_SUCCESS'
        },
        "Input 'data-key': expected no data-key when a date is given"
      ],
      [
        {
          mode: 'plan',
          'data-key': 'bronze/other/_SUCCESS',
          'data-marker': 'bronze/customers/date={date}/_SUCCESS'
        },
        "Input 'data-key': expected the key of an export's marker"
      ],
      [
        { mode: 'finish', date: '2026-01-01', needs: '{}', 'last-task': 'compute-aggregates' },
        "Input 'last-task': expected one of the needs"
      ],
      [
        { mode: 'finish', date: '2026-01-01', needs: 'not json' },
        "Input 'needs': expected the needs context"
      ],
      [{ mode: 'claim' }, "Input 'date': expected the logical date"],
      [
        { mode: 'claim', date: '2026-01-01', pipeline: '../x' },
        "Input 'pipeline': expected letters"
      ]
    ]
    for (const [inputs, message] of cases) {
      const run = await dates(lake, inputs)
      expect(run.code, JSON.stringify(inputs)).toBe(1)
      const errors = errorLines(run)
      expect(errors, JSON.stringify(inputs)).toHaveLength(1)
      expect(errors[0], JSON.stringify(inputs)).toContain(message)
      expect(run.stdout + run.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m)
    }
    expect(existsSync(path.join(lake, '_pipeline', 'dates', PIPELINE, '2026-01-01.json'))).toBe(
      false
    )
  })
})

describe('watchdog action: bad inputs', () => {
  it('one line naming the input, no request sent', async () => {
    const lake = lakeWith([])
    const base = { 'run-records': lake, pipeline: PIPELINE, ref: 'main', 'github-token': 't0k3n' }
    const cases: [Record<string, string>, string][] = [
      [{ sla: '25:00' }, "Input 'sla': expected a UTC time of day as HH:MM"],
      [{ days: '0' }, "Input 'days': expected a whole number from 1 to 31"],
      [{ workflow: '../evil.yml' }, "Input 'workflow': expected a workflow file name"],
      [
        { 'keep-enabled': 'ok.yml, bad name' },
        "Input 'keep-enabled': expected a workflow file name"
      ],
      [{ 'webhook-url': 'ftp://x' }, "Input 'webhook-url': expected an http(s) URL"],
      [{ ref: '' }, "Input 'ref': expected the branch a dispatched run uses"]
    ]
    for (const [inputs, message] of cases) {
      const run = await runAction('watchdog', {
        inputs: { ...base, ...inputs },
        // Any request would go here and fail differently: none may be sent.
        env: { GITHUB_API_URL: 'http://127.0.0.1:9' },
        timeoutMs: 60_000
      })
      expect(run.code, JSON.stringify(inputs)).toBe(1)
      expect(errorLines(run), JSON.stringify(inputs)).toEqual([expect.stringContaining(message)])
      // Only the runner's own mask command carries it.
      const shown = run.stdout.split('\n').filter(line => !line.startsWith('::add-mask::'))
      expect(shown.join('\n')).not.toContain('t0k3n')
    }
  })
})
