// Benchmark: the dashboard for 365 days × 5 tasks with quality results, from a lake folder —
// how long building it takes (budget 2 s), how big the page is with Chart.js inlined
// (budget 1 MB), and how long headless Chromium takes to render it fully, from navigation
// start to the last chart drawn (budget 1 s). Prints the figures; exits 1 when one is over
// its budget. `npm run bench -- dashboard` (DAYS=<n> to try other sizes).
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { Inputs } from '../src/core/inputs.js'
import { silentLogger } from '../src/core/log.js'
import { LakeFolder } from '../src/records/lake.js'
import { buildDashboard, type ReportOutcome } from '../src/report/report.js'
import { readReportSettings } from '../src/report/settings.js'
import { launchHeadlessChromium } from '../scripts/lib/headless-browser.js'
import { FIXTURE_PIPELINE, writeFixtureLake } from '../test/report/fixture-lake.js'

const DAYS = Number(process.env.DAYS ?? 365)
const BUDGET = { buildMs: 2000, bytes: 1024 * 1024, renderMs: 1000 }
const NOW = new Date('2027-06-01T00:00:00Z')

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN

const scratch = mkdtempSync(path.join(tmpdir(), 'dashboard-bench-'))
let over = 0
try {
  const lake = path.join(scratch, 'lake')
  const fixture = writeFixtureLake(lake, '2026-01-01', DAYS)
  const values: Record<string, string> = {
    lake,
    pipeline: FIXTURE_PIPELINE,
    end: fixture.dates.at(-1)!,
    days: String(DAYS),
    output: path.join(scratch, 'site')
  }
  const settings = readReportSettings(new Inputs(name => values[name]), {}, scratch, NOW)
  const builds: number[] = []
  let outcome: ReportOutcome | undefined
  for (let run = 0; run < 3; run++) {
    const began = performance.now()
    outcome = await buildDashboard(settings, {
      lake: new LakeFolder(lake),
      logger: silentLogger,
      now: () => NOW
    })
    builds.push(performance.now() - began)
  }
  const files = outcome!.model.dates.length * outcome!.model.tasks.length
  console.log(
    `lake: ${DAYS} dates × ${outcome!.model.tasks.length} tasks (${files} cells), ${outcome!.model.quality.length} quality rules`
  )
  const report = (name: string, value: number, budget: number, unit: string): void => {
    const within = value <= budget
    if (!within) over++
    console.log(
      `${name}: ${value.toFixed(0)} ${unit} (budget ${budget} ${unit}: ${within ? 'within' : 'OVER'})`
    )
  }
  report(
    `build (median of 3; first ${builds[0]?.toFixed(0)} ms)`,
    median(builds),
    BUDGET.buildMs,
    'ms'
  )
  report('page size', outcome!.bytes, BUDGET.bytes, 'bytes')

  const browser = await launchHeadlessChromium()
  try {
    const page = await browser.context.newPage()
    const renders: number[] = []
    const drawing: number[] = []
    for (let run = 0; run < 4; run++) {
      await page.goto(pathToFileURL(outcome!.html).href)
      await page.waitForSelector('html[data-rendered="true"]')
      renders.push(Number(await page.getAttribute('html', 'data-rendered-at')))
      drawing.push(Number(await page.getAttribute('html', 'data-render-ms')))
    }
    const charts = await page.getAttribute('html', 'data-charts')
    console.log(
      `render: ${charts} charts; first load ${renders[0]} ms, then ${renders.slice(1).join(', ')} ms ` +
        `(of which drawing the charts ${drawing.join(', ')} ms); load now ${loadavg()[0]?.toFixed(1)}`
    )
    report(
      'render (navigation start to last chart drawn, median of the 3 after the first)',
      median(renders.slice(1)),
      BUDGET.renderMs,
      'ms'
    )
  } finally {
    await browser.close()
  }
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
process.exit(over ? 1 : 0)
