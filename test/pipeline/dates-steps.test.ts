import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { GitHubRequest } from '../../src/core/github-rest.js'
import { MemoryLogger } from '../../src/core/log.js'
import { readDataMarker, type PlanSettings } from '../../src/pipeline/dates-inputs.js'
import { DateBook } from '../../src/pipeline/date-ledger.js'
import {
  claimStep,
  finishStep,
  planStep,
  reportStep,
  type LedgerDeps
} from '../../src/pipeline/dates-steps.js'
import { runWatchdog } from '../../src/pipeline/watchdog-run.js'
import { Inputs } from '../../src/core/inputs.js'
import { LakeFolder } from '../../src/records/lake.js'
import { tempDir } from '../support/temp.js'

// The pipeline-dates modes and the watchdog's round, in process, on a lake that is a local
// folder; the GitHub API is a fake function in the test (the bundles run against the runner's
// stand-in in the integration lane).
const PIPELINE = 'daily-customer-etl'
const env = {
  GITHUB_RUN_ID: '77',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_REPOSITORY: 'o/r',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_EVENT_NAME: 'schedule'
}

function lake(entries: Record<string, Record<string, unknown>> = {}): {
  dir: string
  deps: LedgerDeps
} {
  const dir = tempDir('dates-steps')
  const folder = path.join(dir, '_pipeline', 'dates', PIPELINE)
  mkdirSync(folder, { recursive: true })
  for (const [date, entry] of Object.entries(entries)) {
    writeFileSync(
      path.join(folder, `${date}.json`),
      JSON.stringify({
        schema_version: 1,
        pipeline: PIPELINE,
        logical_date: date,
        at: `${date}T23:00:00.000Z`,
        ...entry
      })
    )
  }
  const warnings: string[] = []
  return {
    dir,
    deps: {
      lake: new LakeFolder(dir),
      pipeline: PIPELINE,
      env,
      warn: message => warnings.push(message),
      now: () => new Date('2026-01-07T03:00:00Z')
    }
  }
}

const completed = { state: 'completed' }
const marker = readDataMarker(
  new Inputs(name => (name === 'data-marker' ? 'bronze/customers/date={date}/_SUCCESS' : ''))
)

const settings = (over: Partial<PlanSettings> = {}): PlanSettings => ({
  date: '',
  dataKey: '',
  force: false,
  allowGaps: false,
  maxCatchUp: 7,
  eventName: 'schedule',
  ...(marker ? { dataMarker: marker } : {}),
  ...over
})

describe('pipeline-dates steps', () => {
  it('plan: the owed dates as outputs, a summary listing them', async () => {
    const { deps } = lake({ '2026-01-03': completed })
    const result = await planStep(settings(), new Date('2026-01-07T02:07:00Z'), deps)
    expect(result.outputs).toMatchObject({
      dates: '["2026-01-04","2026-01-05","2026-01-06"]',
      count: 3,
      refused: 'false'
    })
    expect(result.failure).toBeUndefined()
    expect(result.summary.toString()).toContain('| 2026-01-05 | to process, in this order |')
  })

  it('plan: a blocked date whose export has landed since runs again', async () => {
    const { dir, deps } = lake({
      '2026-01-05': completed,
      '2026-01-06': { state: 'blocked', kind: 'data-missing', reason: 'the export did not land' }
    })
    const first = await planStep(settings(), new Date('2026-01-07T02:07:00Z'), deps)
    expect(first.outputs).toMatchObject({ dates: '[]', 'blocked-date': '2026-01-06' })
    const folder = path.join(dir, 'bronze', 'customers', 'date=2026-01-06')
    mkdirSync(folder, { recursive: true })
    writeFileSync(path.join(folder, '_SUCCESS'), '')
    const landed = await planStep(settings(), new Date('2026-01-07T02:07:00Z'), deps)
    expect(landed.outputs).toMatchObject({ dates: '["2026-01-06"]', 'blocked-date': '' })
  })

  it('plan: too many owed dates is a certain failure with the alert key', async () => {
    const { deps } = lake({ '2026-01-01': completed })
    const result = await planStep(
      settings({ maxCatchUp: 3 }),
      new Date('2026-01-07T02:07:00Z'),
      deps
    )
    expect(result.failure).toMatchObject({ certain: true })
    expect(result.outputs['alert-key']).toBe('too many owed from 2026-01-02')
  })

  it('claim with force marks the later completed dates replayed, by this run', async () => {
    const { dir, deps } = lake({
      '2026-01-01': completed,
      '2026-01-02': completed,
      '2026-01-03': completed
    })
    const result = await claimStep(
      { date: '2026-01-02', explicit: true, force: true, allowGaps: false },
      deps
    )
    expect(result.outputs).toMatchObject({ run: true, 'allow-rewrite': true })
    const replayed = JSON.parse(
      readFileSync(path.join(dir, '_pipeline', 'dates', PIPELINE, '2026-01-03.json'), 'utf8')
    )
    expect(replayed).toMatchObject({
      state: 'replayed',
      replayed_by: '2026-01-02',
      at: '2026-01-07T03:00:00.000Z',
      run: {
        id: '77',
        attempt: 2,
        url: 'https://github.com/o/r/actions/runs/77',
        event: 'schedule'
      }
    })
  })

  it('claim: a refused date is a certain failure', async () => {
    const { deps } = lake({ '2026-01-01': completed })
    const result = await claimStep(
      { date: '2026-01-03', explicit: true, force: false, allowGaps: false },
      deps
    )
    expect(result.outputs.status).toBe('refused')
    expect(result.failure).toMatchObject({ certain: true })
  })

  it('finish: completed, blocked or nothing written', async () => {
    const { dir, deps } = lake()
    const ok = { result: 'success', outputs: {} }
    const done = await finishStep(
      '2026-01-05',
      { 'compute-aggregates': ok },
      'compute-aggregates',
      deps
    )
    expect(done.outputs.status).toBe('completed')
    expect(done.lines[0]).toContain('2026-01-05 completed: recorded in')
    const quality = await finishStep(
      '2026-01-06',
      {
        'validate-data-quality': { result: 'failure', outputs: { passed: 'false', failed: '1' } },
        'compute-aggregates': { result: 'skipped', outputs: {} }
      },
      'compute-aggregates',
      deps
    )
    expect(quality.failure?.message).toContain('2026-01-06 is blocked (quality)')
    const transient = await finishStep(
      '2026-01-07',
      { 'compute-aggregates': { result: 'failure', outputs: {} } },
      'compute-aggregates',
      deps
    )
    expect(transient.outputs.status).toBe('failed')
    expect(transient.failure).toBeUndefined()
    const book = (date: string) =>
      JSON.parse(
        readFileSync(path.join(dir, '_pipeline', 'dates', PIPELINE, `${date}.json`), 'utf8')
      )
    expect(book('2026-01-05').state).toBe('completed')
    expect(book('2026-01-06')).toMatchObject({ state: 'blocked', kind: 'quality' })
    expect(() => book('2026-01-07')).toThrow()
    await expect(finishStep('2026-01-05', {}, 'compute-aggregates', deps)).rejects.toThrow(
      "Input 'last-task'"
    )
  })

  it('report: asks which cancelled dates were superseded, only when a date job was cancelled', async () => {
    const asked: string[][] = []
    const plan = {
      result: 'success',
      outputs: { dates: '["2026-01-05","2026-01-06"]', owed: '["2026-01-05","2026-01-06"]' }
    }
    const result = await reportStep(
      {
        plan,
        'day-1': { result: 'success', outputs: { status: 'completed', message: 'done' } },
        'day-2': { result: 'cancelled', outputs: {} }
      },
      'plan',
      ['day-1', 'day-2'],
      async dates => {
        asked.push(dates)
        return new Set(['2026-01-06'])
      }
    )
    expect(asked).toEqual([['2026-01-05', '2026-01-06']])
    expect(result.outputs).toMatchObject({ status: 'success' })
    expect(String(result.outputs.details)).toContain('2026-01-06: superseded')
    await expect(reportStep({}, 'plan', [], async () => new Set())).rejects.toThrow(
      "Input 'plan-job'"
    )
  })
})

/** A fake GitHub REST API: the routes the watchdog calls, answered from a few fields. */
function fakeGitHub(state = 'active', visibility = 'private') {
  const calls: string[] = []
  const issues: { number: number; body: string; comments: string[] }[] = []
  const request: GitHubRequest = async (route, parameters = {}) => {
    calls.push(route)
    const ok = (data: unknown) => ({ status: 200, data })
    if (route === 'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}') return ok({ state })
    if (route === 'GET /repos/{owner}/{repo}')
      return ok({ visibility, private: visibility !== 'public' })
    if (route.endsWith('/enable') || route.endsWith('/dispatches'))
      return { status: 204, data: undefined }
    if (route === 'GET /repos/{owner}/{repo}/issues')
      return ok(issues.map(issue => ({ ...issue, labels: [] })))
    if (route === 'GET /repos/{owner}/{repo}/labels/{name}') return ok({ name: 'pipeline-failure' })
    if (route === 'POST /repos/{owner}/{repo}/issues') {
      issues.push({ number: issues.length + 1, body: String(parameters.body), comments: [] })
      return { status: 201, data: { number: issues.length } }
    }
    if (route === 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments') return ok([])
    throw new Error(`unexpected ${route}`)
  }
  return { request, calls, issues }
}

describe('the watchdog round', () => {
  const book = (last: string, blocked?: string) =>
    new DateBook(
      PIPELINE,
      new Map([
        [
          last,
          {
            schema_version: 1,
            pipeline: PIPELINE,
            logical_date: last,
            state: 'completed',
            at: 'x'
          } as const
        ],
        ...(blocked
          ? [
              [
                blocked,
                {
                  schema_version: 1,
                  pipeline: PIPELINE,
                  logical_date: blocked,
                  state: 'blocked',
                  at: 'x',
                  kind: 'refusal'
                } as const
              ] as const
            ]
          : [])
      ])
    )
  const round = (github: ReturnType<typeof fakeGitHub>, dates: DateBook) =>
    runWatchdog({
      request: github.request,
      repository: { owner: 'o', repo: 'r' },
      book: dates,
      now: new Date('2026-01-07T06:41:00Z'),
      sla: { hours: 6, minutes: 0 },
      days: 7,
      pipeline: PIPELINE,
      workflow: 'daily-customer-etl.yml',
      keepEnabled: ['watchdog.yml'],
      ref: 'main',
      dispatch: true,
      label: 'pipeline-failure',
      webhookUrl: '',
      run: { name: 'run 9', url: 'https://github.com/o/r/actions/runs/9' },
      logger: new MemoryLogger()
    })

  it('overdue dates: the issue, and a dispatch', async () => {
    const github = fakeGitHub()
    const result = await round(github, book('2026-01-04'))
    expect(result.failing).toBe(true)
    expect(result.dispatched).toBe(true)
    expect(result.watch.overdue).toEqual(['2026-01-05', '2026-01-06'])
    expect(github.issues).toHaveLength(1)
  })

  it('a blocked first overdue date: no dispatch, alerted once per streak', async () => {
    const github = fakeGitHub()
    const result = await round(github, book('2026-01-04', '2026-01-05'))
    expect(result.dispatched).toBe(false)
    expect(github.issues[0]?.body).toContain('pipeline-notify-once: blocked 2026-01-05')
  })

  it('a public repository keeps its scheduled workflows enabled; a disabled one is enabled again', async () => {
    const github = fakeGitHub('disabled_inactivity', 'public')
    const result = await round(github, book('2026-01-06'))
    expect(result.enabled).toEqual(['daily-customer-etl.yml', 'watchdog.yml'])
    expect(result.lines).toContain(
      'Enabled daily-customer-etl.yml again (it was disabled_inactivity)'
    )
    expect(result.failing).toBe(false)
    expect(github.calls).not.toContain(
      'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches'
    )
  })
})
