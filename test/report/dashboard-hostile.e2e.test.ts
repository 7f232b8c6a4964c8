import { execFile } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchHeadlessChromium, type HeadlessBrowser } from '../../scripts/lib/headless-browser.js'
import { projectRoot } from '../support/moto.js'
import { tempDir } from '../support/temp.js'
import { HOSTILE_PIPELINE, writeHostileLake } from './hostile-lake.js'

// The dashboard built by `spark-pipeline report` from a lake whose records and results are
// markup, script and links (test/report/hostile-lake.ts), opened from disk in headless
// Chromium: no script of theirs may run and no request may leave the page. Every payload that
// could load something points at a local "beacon" server that counts what reaches it.

const run = promisify(execFile)

let browser: HeadlessBrowser
let beacon: Server
let page: Page
const beaconHits: string[] = []
/** Requests for anything but the page's own file: answered, or refused and why. */
const outsideRequests: string[] = []
const outsideAnswered: string[] = []
const outsideRefused: string[] = []
const pageErrors: string[] = []

/** What the tests read from the page's window (the test runs in Node, without DOM types). */
interface Watched {
  __pwned?: string
  __violations: string[]
}
interface PageWindow extends Watched {
  document: {
    documentElement: { getAttribute(name: string): string | null }
    images: { length: number }
    body: { append(node: unknown): void }
    createElement(tag: string): { src: string; textContent: string }
    querySelectorAll(selector: string): Iterable<{ attributes: Iterable<{ name: string }> }>
    addEventListener(
      type: string,
      listener: (event: { effectiveDirective: string; blockedURI: string }) => void
    ): void
  }
}

beforeAll(async () => {
  beacon = createServer((request, response) => {
    beaconHits.push(request.url ?? '')
    response.end('')
  })
  await new Promise<void>(resolve => beacon.listen(0, '127.0.0.1', resolve))
  const beaconUrl = `http://127.0.0.1:${(beacon.address() as AddressInfo).port}/beacon`

  const lake = tempDir('hostile-dashboard-lake')
  writeHostileLake(lake, beaconUrl)
  const output = tempDir('hostile-dashboard-site')
  await run(
    process.execPath,
    [
      path.join(projectRoot, 'bin', 'spark-pipeline.mjs'),
      'report',
      ...['--lake', lake, '--pipeline', HOSTILE_PIPELINE, '--end', '2026-03-01', '--days', '3'],
      ...['--output', output]
    ],
    { cwd: projectRoot }
  )

  browser = await launchHeadlessChromium()
  const outside = (url: string): boolean => !url.startsWith('file://')
  browser.context.on('request', request => {
    if (outside(request.url())) outsideRequests.push(request.url())
  })
  browser.context.on('requestfinished', request => {
    if (outside(request.url())) outsideAnswered.push(request.url())
  })
  browser.context.on('requestfailed', request => {
    if (outside(request.url())) outsideRefused.push(request.failure()?.errorText ?? 'failed')
  })
  page = await browser.context.newPage()
  // Installed before the page's own scripts: what the policy refused, and any dialog.
  await page.addInitScript(() => {
    const watched = globalThis as unknown as PageWindow
    watched.__violations = []
    watched.document.addEventListener('securitypolicyviolation', event => {
      watched.__violations.push(`${event.effectiveDirective} ${event.blockedURI}`)
    })
  })
  page.on('dialog', dialog => {
    pageErrors.push(`dialog: ${dialog.message()}`)
    // Not awaited: an event handler; the page goes on once the dialog is gone.
    void dialog.dismiss()
  })
  page.on('pageerror', error => pageErrors.push(error.message))
  await page.goto(pathToFileURL(path.join(output, 'index.html')).href)
  // The page's own scripts (allowed by their hashes) ran to the end.
  await page.waitForSelector('html[data-rendered="true"]')
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await new Promise(resolve => beacon?.close(resolve))
})

describe('a dashboard built from hostile records and results, in headless Chromium', () => {
  it('runs none of their script and sends no request, while its own charts are drawn', async () => {
    const state = await page.evaluate(() => {
      const watched = globalThis as unknown as PageWindow
      const { document } = watched
      return {
        pwned: watched.__pwned ?? null,
        violations: watched.__violations,
        charts: document.documentElement.getAttribute('data-charts'),
        images: document.images.length,
        handlers: [...document.querySelectorAll('*')].flatMap(element =>
          [...element.attributes].filter(a => a.name.startsWith('on')).map(a => a.name)
        )
      }
    })
    expect(state).toEqual({
      pwned: null,
      violations: [],
      charts: expect.stringMatching(/^[1-9]\d*$/),
      images: 0,
      handlers: []
    })
    expect(pageErrors).toEqual([])
    expect(outsideRequests).toEqual([])
    expect(beaconHits).toEqual([])
  })

  it('shows the payloads as text', async () => {
    const rule = await page.$eval(
      'table[data-testid="quality-grid"] tbody th',
      header => header.textContent ?? ''
    )
    expect(rule).toContain(`<script>window.__pwned='script'</script>`)
    const tooltip = await page.$eval(
      'table[data-testid="grid"] td.s-failed',
      cell => cell.getAttribute('title') ?? ''
    )
    expect(tooltip).toContain('Authorization: [redacted]')
    expect(tooltip).toContain('\\u202eexe.txt')
    expect(tooltip).not.toContain('\u202e')
  })

  it('would block a slip in the escaping: its policy lets no other script run and nothing load', async () => {
    const refused = page.waitForEvent('requestfailed', request =>
      request.url().endsWith('/after-load')
    )
    await page.evaluate(
      beaconUrl => {
        const { document } = globalThis as unknown as PageWindow
        const image = document.createElement('img')
        image.src = `${beaconUrl}/after-load`
        document.body.append(image)
        const script = document.createElement('script')
        script.textContent = "window.__pwned = 'injected'"
        document.body.append(script)
        const frame = document.createElement('iframe')
        frame.src = `${beaconUrl}/frame`
        document.body.append(frame)
      },
      `http://127.0.0.1:${(beacon.address() as AddressInfo).port}/beacon`
    )
    await page.waitForFunction(() => (globalThis as unknown as Watched).__violations.length >= 3)
    await refused
    const state = await page.evaluate(() => {
      const watched = globalThis as unknown as Watched
      return { pwned: watched.__pwned ?? null, violations: watched.__violations.sort() }
    })
    expect(state.pwned).toBeNull()
    expect(state.violations.map(violation => violation.split(' ')[0])).toEqual([
      'frame-src',
      'img-src',
      'script-src-elem'
    ])
    // Chromium reports the image's request, refused by the policy before it left the page.
    expect(outsideRequests.length).toBeGreaterThan(0)
    expect(outsideAnswered).toEqual([])
    expect(new Set(outsideRefused)).toEqual(new Set(['csp']))
    expect(beaconHits).toEqual([])
  })
})
