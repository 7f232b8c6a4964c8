/**
 * Rebuilds the README's dashboard screenshot (docs/dashboard.png): the dashboard of the local
 * pipeline's runs (run `npm run pipeline` first), opened from disk in headless Chromium.
 *   npx tsx scripts/dashboard-screenshot.ts [--lake DIR] [--output PNG]
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { silentLogger } from '../src/core/log.js'
import { launchHeadlessChromium } from './lib/headless-browser.js'
import { buildLocalDashboard, dashboardArgs } from './lib/local-dashboard.js'
import { projectRoot } from '../local/src/moto.js'

const { lake, output: png } = dashboardArgs(path.join('docs', 'dashboard.png'))
const site = mkdtempSync(path.join(tmpdir(), 'dashboard-shot-'))
try {
  const outcome = await buildLocalDashboard(lake, site, silentLogger)
  if (!outcome) {
    console.error(`dashboard-screenshot: no run records in ${lake} (run npm run pipeline first)`)
    process.exit(1)
  }
  const browser = await launchHeadlessChromium()
  try {
    const page = await browser.context.newPage()
    // The top of the page: header, grid, totals, the time charts.
    await page.setViewportSize({ width: 1200, height: 1500 })
    await page.goto(pathToFileURL(outcome.html).href)
    await page.waitForSelector('html[data-rendered="true"]')
    mkdirSync(path.dirname(png), { recursive: true })
    await page.screenshot({ path: png })
  } finally {
    await browser.close()
  }
  console.log(`dashboard-screenshot: ${path.relative(projectRoot, png)}`)
} finally {
  rmSync(site, { recursive: true, force: true })
}
