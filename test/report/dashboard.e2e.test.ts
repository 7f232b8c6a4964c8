import { mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Inputs } from '../../src/core/inputs.js'
import { silentLogger } from '../../src/core/log.js'
import { LakeFolder } from '../../src/records/lake.js'
import { CELL_STATES, type CellState } from '../../src/report/model.js'
import { buildDashboard, type ReportOutcome } from '../../src/report/report.js'
import { readReportSettings } from '../../src/report/settings.js'
import { launchHeadlessChromium, type HeadlessBrowser } from '../../scripts/lib/headless-browser.js'
import { projectRoot } from '../support/moto.js'
import { tempDir } from '../support/temp.js'
import {
  FIXTURE_PIPELINE,
  FIXTURE_TASKS,
  writeFixtureLake,
  type FixtureLake
} from './fixture-lake.js'

// The dashboard built from 60 days × 5 tasks of fixture records, opened from disk in a real
// headless Chromium (Debian's, driven by playwright-core): one browser for the whole file.
const NOW = new Date('2026-03-03T06:00:00Z')
/** Test artefacts (the screenshot) go here; CI keeps the folder. */
const ARTIFACTS =
  process.env.TEST_ARTIFACTS_DIR ?? path.join(projectRoot, '.work', 'test-artifacts')

let browser: HeadlessBrowser
let fixture: FixtureLake
let outcome: ReportOutcome
let page: Page
const consoleErrors: string[] = []
const outsideRequests: string[] = []

beforeAll(async () => {
  const lake = tempDir('dashboard-lake')
  fixture = writeFixtureLake(lake, '2026-01-01', 60)
  const values: Record<string, string> = {
    lake,
    pipeline: FIXTURE_PIPELINE,
    end: fixture.dates.at(-1)!,
    days: '60',
    output: tempDir('dashboard-page')
  }
  const settings = readReportSettings(new Inputs(name => values[name]), {}, projectRoot, NOW)
  outcome = await buildDashboard(settings, {
    lake: new LakeFolder(lake),
    logger: silentLogger,
    now: () => NOW
  })

  browser = await launchHeadlessChromium()
  browser.context.on('request', request => {
    if (!request.url().startsWith('file://')) outsideRequests.push(request.url())
  })
  page = await browser.context.newPage()
  page.on('console', message => {
    if (message.type() === 'error') consoleErrors.push(message.text())
  })
  page.on('pageerror', error => consoleErrors.push(error.message))
  await page.goto(pathToFileURL(outcome.html).href)
  await page.waitForSelector('html[data-rendered="true"]')
}, 120_000)

afterAll(async () => {
  await browser?.close()
})

/** What the page's window has that Node's globalThis does not (the tests run in both). */
interface BrowserGlobals {
  getComputedStyle(element: unknown): { backgroundColor: string }
  Chart: { getChart(canvas: unknown): unknown }
}

/** The grid as the browser shows it: per row, its name and each cell's class, text, link. */
async function gridOf(
  target: Page
): Promise<
  { name: string; cells: { state: string; text: string; href: string | null; colour: string }[] }[]
> {
  return target.$$eval('table[data-testid="grid"] tbody tr', rows =>
    rows.map(row => ({
      name: row.querySelector('th')!.textContent!,
      cells: [...row.querySelectorAll('td')].map(td => ({
        state: [...td.classList].find(name => name.startsWith('s-'))!.slice(2),
        text: td.textContent!,
        href: td.querySelector('a')?.getAttribute('href') ?? null,
        colour: (globalThis as unknown as BrowserGlobals).getComputedStyle(td).backgroundColor
      }))
    }))
  )
}

describe('the dashboard in headless Chromium', () => {
  it('logs no console error and requests nothing outside file://', () => {
    expect(consoleErrors).toEqual([])
    expect(outsideRequests).toEqual([])
  })

  it('shows a grid of 60 dates × 5 tasks, each cell in its state, coloured and marked', async () => {
    const grid = await gridOf(page)
    expect(grid.map(row => row.name)).toEqual([...FIXTURE_TASKS])
    const headers = await page.$$eval('table[data-testid="grid"] thead th.d', cells =>
      cells.map(cell => cell.textContent)
    )
    expect(headers).toEqual(fixture.dates.map(date => date.slice(5)))
    const colours = new Map<string, string>()
    const expectedRows: Record<string, readonly string[] | undefined> = fixture.expected
    for (const row of grid) {
      expect(row.cells).toHaveLength(60)
      expect(row.cells.map(cell => cell.state)).toEqual(expectedRows[row.name])
      for (const cell of row.cells) {
        expect(cell.text).toBe(CELL_STATES[cell.state as CellState].mark)
        colours.set(cell.state, cell.colour)
      }
    }
    // Every state appears, and no two share a colour (the marks tell them apart too).
    expect([...colours.keys()].sort()).toEqual(Object.keys(CELL_STATES).sort())
    expect(new Set(colours.values()).size).toBe(colours.size)
  })

  it('links each recorded cell to its workflow run attempt', async () => {
    const grid = await gridOf(page)
    const ingest = grid.find(row => row.name === 'ingest-cdc')!
    // Date 8 (2026-01-09) was a re-run of the workflow: the link is to attempt 2.
    expect(ingest.cells[8]).toMatchObject({
      state: 'retried',
      href: 'https://github.com/example/pipeline/actions/runs/9008/attempts/2'
    })
    expect(ingest.cells[0]?.href).toBe(
      'https://github.com/example/pipeline/actions/runs/9000/attempts/1'
    )
    for (const row of grid)
      for (const cell of row.cells) if (cell.state === 'missing') expect(cell.href).toBeNull()
  })

  it('renders every chart with Chart.js, each with a title and a table fallback', async () => {
    const charts = await page.$$eval('figure.chart', figures =>
      figures.map(figure => {
        const canvas = figure.querySelector('canvas')!
        const chart = (globalThis as unknown as BrowserGlobals).Chart.getChart(canvas)
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
        let painted = 0
        for (let index = 3; index < pixels.length; index += 4) if (pixels[index] > 0) painted++
        return {
          title: figure.querySelector('h3')?.textContent ?? '',
          drawn: Boolean(chart),
          painted,
          tableRows: figure.querySelectorAll('details table tr').length
        }
      })
    )
    const titles = charts.map(chart => chart.title)
    expect(titles).toEqual(
      expect.arrayContaining([
        'Duration per task (minutes)',
        'Estimated cost per day and task (US$)',
        'Quality rules passed, warned and failed per day',
        'Rows in and out per task',
        expect.stringMatching(/^Landing time of the data .*schedule 02:00, SLA 03:00/),
        expect.stringMatching(/^snapshot is not empty \(customers, error; >= 1\)/)
      ])
    )
    expect(charts.length).toBeGreaterThanOrEqual(8)
    for (const chart of charts) {
      expect(chart, chart.title).toMatchObject({ drawn: true })
      expect(chart.painted, chart.title).toBeGreaterThan(1000)
      expect(chart.tableRows, chart.title).toBeGreaterThan(1)
    }
    expect(await page.getAttribute('html', 'data-charts')).toBe(String(charts.length))
  })

  it('lists the bad records it skipped and says what is wrong with each', async () => {
    const items = await page.$$eval('#problems li', list => list.map(item => item.textContent))
    expect(items).toHaveLength(fixture.badFiles)
    expect(items.join('\n')).toMatch(/quality-gate\.json: not valid JSON \(truncated\?\)/)
    expect(items.join('\n')).toMatch(
      /compute-aggregates\.json: schema_version 2, this report reads version 1/
    )
    expect(items.join('\n')).toMatch(/data-quality-metrics\.json: negative duration \(-5 s\)/)
    expect(items.join('\n')).toMatch(
      /date=2099-01-01\/ingest-cdc\.json: logical_date 2099-01-01 is in the future/
    )
  })

  it('shows the grid without JavaScript', async () => {
    const noScript = await browser.context.newPage()
    const session = await browser.context.newCDPSession(noScript)
    await session.send('Emulation.setScriptExecutionDisabled', { value: true })
    await noScript.goto(pathToFileURL(outcome.html).href)
    const grid = await gridOf(noScript)
    expect(grid.flatMap(row => row.cells.map(cell => cell.state))).toEqual(
      FIXTURE_TASKS.flatMap(task => fixture.expected[task])
    )
    expect(await noScript.getAttribute('html', 'data-rendered')).toBeNull()
    await noScript.close()
  })

  it('saves a screenshot as a test artefact', async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    const file = path.join(ARTIFACTS, 'dashboard-60x5.png')
    await page.screenshot({ path: file, fullPage: true })
    expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG')
  })
})
