import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { githubRequest } from '../../src/core/github.js'
import { Inputs } from '../../src/core/inputs.js'
import { MemoryLogger } from '../../src/core/log.js'
import { LakeFolder } from '../../src/records/lake.js'
import { issueMarker } from '../../src/notify/message.js'
import { numericBounds } from '../../src/report/model.js'
import { buildDashboard } from '../../src/report/report.js'
import { readReportSettings } from '../../src/report/settings.js'
import { main } from '../../local/src/runner/cli.js'
import { projectRoot } from '../support/moto.js'
import { tempDir } from '../support/temp.js'
import {
  FIXTURE_PIPELINE,
  FIXTURE_TASKS,
  writeFixtureLake,
  type FixtureLake
} from './fixture-lake.js'
import { GitHubStandIn } from './github-stand-in.js'

const NOW = new Date('2026-03-03T06:00:00Z')
let lake: string
let fixture: FixtureLake
let github: GitHubStandIn

beforeAll(async () => {
  lake = tempDir('report-lake')
  fixture = writeFixtureLake(lake, '2026-01-01', 60)
  github = new GitHubStandIn()
  await github.start()
})
afterAll(async () => {
  await github?.stop()
})

const settingsOf = (values: Record<string, string>, env: NodeJS.ProcessEnv = {}) =>
  readReportSettings(
    new Inputs(
      name =>
        ({
          lake,
          pipeline: FIXTURE_PIPELINE,
          end: '2026-03-01',
          output: tempDir('report-out'),
          ...values
        })[name]
    ),
    env,
    projectRoot,
    NOW
  )

describe('the data model, from 60 days × 5 tasks of fixture records', () => {
  it('counts every state, sums the cost, and skips (and lists) every bad record', async () => {
    const logger = new MemoryLogger()
    const { model } = await buildDashboard(settingsOf({}), {
      lake: new LakeFolder(lake),
      logger,
      now: () => NOW
    })
    expect(model.dates).toHaveLength(60)
    expect(model.dates[0]).toBe('2026-01-01')
    expect(model.tasks).toEqual([...FIXTURE_TASKS])
    const expectedCounts: Record<string, number> = {}
    for (const task of FIXTURE_TASKS)
      for (const state of fixture.expected[task])
        expectedCounts[state] = (expectedCounts[state] ?? 0) + 1
    expect(
      Object.fromEntries(Object.entries(model.totals.cells).filter(([, count]) => count > 0))
    ).toEqual(expectedCounts)
    expect(model.totals.costUsd).toBeCloseTo(fixture.costUsd, 4)
    expect(model.problems).toHaveLength(fixture.badFiles)
    expect(logger.lines).toEqual([
      expect.stringMatching(
        /^warning: 4 record\(s\) not used \(listed in the dashboard and the summary\); first: .*quality-gate\.json: not valid JSON/
      )
    ])
    // The sensor's landing time, in hours after 00:00 UTC of the run day, against the 03:00 SLA.
    const landed = model.landing.hoursAfterMidnight
    expect(landed[0]).toBe(1)
    expect(landed[20]).toBeNull()
    expect(model.totals.slaMisses).toBe(landed.filter(hours => hours !== null && hours > 3).length)
    expect(model.totals.slaMisses).toBeGreaterThan(0)
    // Every quality rule over time, and the bounds of the plain ones.
    const email = model.quality.find(rule => rule.rule === 'emails mostly present')!
    expect(email).toMatchObject({ severity: 'error', max: 2 })
    expect(email.statuses[7]).toBe('fail')
    expect(email.statuses[0]).toBe('pass')
    expect(model.rows.map(series => series.name)).toEqual([
      'ingest-cdc rows in',
      'ingest-cdc rows out'
    ])
    expect(model.rows[0]?.values[0]).toBe(200)
  })

  it('writes the last 14 days and the totals as markdown for the job summary', async () => {
    const built = await buildDashboard(settingsOf({}), {
      lake: new LakeFolder(lake),
      logger: new MemoryLogger(),
      now: () => NOW
    })
    const summary = built.summary.toString()
    expect(summary).toContain('### Pipeline daily-customer-etl: runs 2026-02-16 to 2026-03-01')
    const header = summary.split('\n').find(line => line.startsWith('| task |'))!
    expect(header.split('|').length - 3).toBe(14)
    // 2026-02-27 (date 57) failed in ingest-cdc: the tasks after it are skipped.
    const row = (task: string): string[] =>
      summary
        .split('\n')
        .find(line => line.startsWith(`| ${task} |`))!
        .split('|')
        .slice(2, -1)
        .map(cell => cell.trim())
    expect(row('ingest-cdc')[11]).toBe('❌')
    expect(row('compute-aggregates')[11]).toBe('⏭️')
    expect(row('compute-aggregates')[13]).toBe('⏳')
    expect(summary).toContain('| estimated cost | $')
    expect(summary).toContain('**Records not used (4):**')
    expect(summary).toMatch(
      /date=2099-01-01\/ingest-cdc\.json`: logical\\_date 2099-01-01 is in the future/
    )
  })

  it('shows a lake without any record as missing, without failing', async () => {
    const { model, summary } = await buildDashboard(
      settingsOf({ lake: tempDir('empty-lake'), days: '3' }),
      {
        lake: new LakeFolder(tempDir('empty-lake')),
        logger: new MemoryLogger(),
        now: () => NOW
      }
    )
    expect(model.tasks).toEqual([])
    expect(model.header.latestState).toBeUndefined()
    expect(summary.toString()).toContain('| task | 02-27 | 02-28 | 03-01 |')
  })

  it.each([
    ['>= 1', { min: 1 }],
    ['<= 2', { max: 2 }],
    ['>= 0 and <= 100', { min: 0, max: 100 }],
    ['ratio >= 0.8 and ratio <= 1.5 vs avg of last 7', {}]
  ])('reads the plain bound %s for the metric chart', (bound, expected) => {
    expect(JSON.parse(JSON.stringify(numericBounds(bound)))).toEqual(expected)
  })
})

describe('report inputs', () => {
  it.each([
    [{ days: '0' }, "Input 'days': expected a whole number from 1 to 1000 (at least 1), got '0'"],
    [
      { start: '2026-03-05' },
      "Input 'start': expected a date on or before end (2026-03-01), got '2026-03-05'"
    ],
    [{ end: '2026-02-30' }, "Input 'end': expected a date as YYYY-MM-DD, got '2026-02-30'"],
    [{ sla: '3am' }, "Input 'sla': expected a time of day as HH:MM (UTC), e.g. 03:00, got '3am'"],
    [
      { pipeline: 'a/b' },
      "Input 'pipeline': expected letters, digits, _ . - (at most 100), got 'a/b'"
    ],
    [
      { 'github-token': 't' },
      "Input 'workflow': expected the pipeline workflow's file name, e.g. daily-customer-etl.yml (it is required)"
    ]
  ])('%j is refused with one line naming the input', (values, message) => {
    expect(() => settingsOf(values)).toThrow(message)
  })

  it('defaults to the 60 dates up to yesterday (UTC)', () => {
    const settings = settingsOf({ end: '' })
    expect([settings.start, settings.end]).toEqual(['2026-01-02', '2026-03-02'])
  })
})

describe('with the GitHub run history (a local stand-in of the REST API)', () => {
  it('adds the workflow runs row, the latest run and its jobs, and the open failure issue', async () => {
    github.failWith = undefined
    github.requests.length = 0
    github.runs = [
      {
        id: 9059,
        run_attempt: 1,
        status: 'in_progress',
        conclusion: null,
        event: 'workflow_dispatch',
        created_at: '2026-03-02T02:00:00Z',
        display_title: 'Daily customer ETL for 2026-03-01 (workflow_dispatch)'
      },
      {
        id: 9057,
        run_attempt: 1,
        status: 'completed',
        conclusion: 'failure',
        event: 'schedule',
        created_at: '2026-02-28T02:00:00Z',
        display_title: 'Daily customer ETL for the previous day (schedule)'
      },
      {
        id: 9008,
        run_attempt: 2,
        status: 'completed',
        conclusion: 'success',
        event: 'schedule',
        created_at: '2026-01-10T02:00:00Z',
        display_title: 'Daily customer ETL for the previous day (schedule)'
      }
    ]
    github.jobs = [
      { name: 'resolve the logical date', conclusion: 'success' },
      { name: 'compute aggregates (silver → gold)', conclusion: null }
    ]
    github.issues = [
      {
        number: 12,
        title: 'daily-customer-etl failed',
        body: `${issueMarker(FIXTURE_PIPELINE)}\nfailed`,
        labels: ['pipeline-failure']
      },
      { number: 3, title: 'unrelated', body: '', labels: ['bug'] }
    ]
    const settings = settingsOf({
      'github-token': 'ghs_not-a-real-token',
      workflow: 'daily-customer-etl.yml',
      repository: 'example/pipeline'
    })
    const outcome = await buildDashboard(settings, {
      lake: new LakeFolder(lake),
      logger: new MemoryLogger(),
      github: githubRequest(settings.github!.token, { baseUrl: github.url }),
      now: () => NOW
    })
    const { model } = outcome
    expect(model.runRow!.map(cell => cell.state).slice(-3)).toEqual([
      'failed',
      'missing',
      'running'
    ])
    expect(model.runRow![8]).toMatchObject({
      state: 'retried',
      link: 'https://github.com/example/pipeline/actions/runs/9008'
    })
    expect(model.header.latestRun).toMatchObject({ id: '9059', status: 'in_progress' })
    expect(model.header.latestRun!.jobs).toHaveLength(2)
    expect(model.header.openIssue).toEqual({
      number: 12,
      title: 'daily-customer-etl failed',
      url: 'https://github.com/example/pipeline/issues/12'
    })
    const page = readFileSync(outcome.html, 'utf8')
    expect(page).toContain(
      'Open failure issue: <a href="https://github.com/example/pipeline/issues/12">#12 daily-customer-etl failed</a>'
    )
    expect(page).toContain('<tr class="run"><th scope="row">workflow run</th>')
    expect(outcome.summary.toString()).toContain('| workflow run |')
    const runsRequest = github.requests.find(request =>
      request.path.endsWith('/actions/workflows/daily-customer-etl.yml/runs')
    )!
    expect(runsRequest.query.get('created')).toBe('>=2026-01-01')
    expect(runsRequest.headers.authorization).toBe('token ghs_not-a-real-token')
  })

  it('builds from the lake alone, with one warning, when the API refuses', async () => {
    github.failWith = 401
    const settings = settingsOf({
      'github-token': 'expired',
      workflow: 'daily-customer-etl.yml',
      repository: 'example/pipeline'
    })
    const logger = new MemoryLogger()
    const { model } = await buildDashboard(settings, {
      lake: new LakeFolder(lake),
      logger,
      github: githubRequest('expired', { baseUrl: github.url }),
      now: () => NOW
    })
    github.failWith = undefined
    expect(model.runRow).toBeUndefined()
    expect(model.grid).toHaveLength(5)
    expect(logger.lines[0]).toMatch(
      /^warning: GitHub run history not read \(the dashboard shows the lake's records only\): .*401/
    )
  })
})

describe('spark-pipeline report (the CLI)', () => {
  // The bin's entry function, run here: bin/spark-pipeline.mjs makes its answer the exit code
  // (the bin itself as a process: test/local/runner/cli.integration.test.ts). What it prints goes to
  // process.stdout and process.stderr, caught for the test.
  const cli = async (args: string[]) => {
    let stdout = ''
    let stderr = ''
    const catcher = (add: (text: string) => void) => (chunk: string | Uint8Array) => {
      add(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
      return true
    }
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(catcher(t => (stdout += t)))
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(catcher(t => (stderr += t)))
    try {
      const code = await main(['report', ...args])
      return { code, stdout, stderr }
    } finally {
      out.mockRestore()
      err.mockRestore()
    }
  }

  it('writes the page and the summary and prints the path', async () => {
    const output = tempDir('cli-out')
    const summary = path.join(output, 'summary.md')
    const result = await cli([
      '--lake',
      lake,
      '--pipeline',
      FIXTURE_PIPELINE,
      '--end',
      '2026-03-01',
      '--output',
      output,
      '--summary',
      summary
    ])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain(
      `dashboard: ${path.join(output, 'index.html')} (60 dates × 5 tasks;`
    )
    expect(readFileSync(path.join(output, 'index.html'), 'utf8')).toContain(
      '<table class="grid" data-testid="grid">'
    )
    expect(readFileSync(summary, 'utf8')).toContain('### Pipeline daily-customer-etl')
    expect(result.stderr).toMatch(/^warning: 4 record\(s\) not used/)
  })

  it('refuses a bad option with one line and exit code 2', async () => {
    const result = await cli(['--lake', lake, '--pipeline', FIXTURE_PIPELINE, '--days', 'many'])
    expect(result.code).toBe(2)
    expect(result.stderr).toBe(
      "spark-pipeline report: Input 'days': expected a whole number from 1 to 1000, got 'many'\n"
    )
  })
})
describe('what a record says is data', () => {
  it('links only to http(s) addresses and escapes every text it shows', async () => {
    const dir = tempDir('hostile-lake')
    const write = (task: string, record: Record<string, unknown>): void => {
      const folder = path.join(dir, '_pipeline', 'runs', 'daily', 'date=2026-03-01')
      mkdirSync(folder, { recursive: true })
      writeFileSync(path.join(folder, `${task}.json`), JSON.stringify(record))
    }
    const base = {
      schema_version: 1,
      pipeline: 'daily',
      logical_date: '2026-03-01',
      started_at: '2026-03-02T02:00:00Z'
    }
    write('a', {
      ...base,
      task: 'a',
      state: 'failure',
      run: { id: '1', attempt: 1, url: 'javascript:alert(1)' },
      message: '<img src=x onerror=alert(1)>'
    })
    write('b', {
      ...base,
      task: 'b',
      state: 'success',
      run: { id: '2', attempt: 1, url: 'https://github.com/o/r/actions/runs/2/attempts/1' }
    })
    // Written by a local run: named, and linked nowhere.
    write('c', {
      ...base,
      task: 'c',
      state: 'success',
      run: { id: '1772416800', attempt: 1, local: true }
    })
    const { model, html } = await buildDashboard(
      settingsOf({ lake: dir, pipeline: 'daily', days: '1' }),
      {
        lake: new LakeFolder(dir),
        logger: new MemoryLogger(),
        now: () => NOW
      }
    )
    expect(model.grid.map(row => row[0]?.link)).toEqual([
      undefined,
      'https://github.com/o/r/actions/runs/2/attempts/1',
      undefined
    ])
    expect(model.grid[2]?.[0]?.title).toBe('success · local run 1772416800')
    const page = readFileSync(html, 'utf8')
    expect(page).not.toContain('javascript:alert')
    expect(page).not.toContain('<img src=x')
    expect(page).toContain('&#60;img src=x onerror=alert(1)&#62;')
  })
})

describe('landing times far from the run day', () => {
  it('are left off the chart and named instead (a backfill, sample data)', async () => {
    const dir = tempDir('late-lake')
    for (const [date, landed] of [
      ['2026-02-28', '2026-03-01T01:30:00Z'],
      ['2026-03-01', '2026-06-01T00:00:00Z']
    ]) {
      const folder = path.join(dir, '_pipeline', 'runs', 'daily', `date=${date}`)
      mkdirSync(folder, { recursive: true })
      writeFileSync(
        path.join(folder, 'wait.json'),
        JSON.stringify({
          schema_version: 1,
          pipeline: 'daily',
          task: 'wait',
          logical_date: date,
          state: 'success',
          started_at: landed,
          sensor: { found: true, waited_seconds: 0, landed_at: landed, objects: 1, bytes: 1 }
        })
      )
    }
    const { model, html } = await buildDashboard(
      settingsOf({ lake: dir, pipeline: 'daily', days: '2' }),
      {
        lake: new LakeFolder(dir),
        logger: new MemoryLogger(),
        now: () => new Date('2026-07-01T00:00:00Z')
      }
    )
    expect(model.landing.hoursAfterMidnight).toEqual([1.5, null])
    expect(model.landing.farLate).toEqual(['2026-03-01'])
    expect(model.totals).toMatchObject({ landed: 2, slaMisses: 1 })
    expect(readFileSync(html, 'utf8')).toContain(
      'Landed more than 48 hours after the run day (not drawn): 1 date(s), 2026-03-01.'
    )
  })
})
