import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'

/**
 * Debian's Chromium (scripts/setup-browser.sh installs it), driven by Playwright's library:
 * playwright-core never downloads a browser, so this is the only browser there is.
 */
export function chromiumExecutable(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [env.CHROMIUM_PATH, '/usr/lib/chromium/chromium', '/usr/bin/chromium']
  const found = candidates.find(candidate => candidate && existsSync(candidate))
  if (!found) {
    throw new Error(
      'no Chromium found (looked at CHROMIUM_PATH, /usr/lib/chromium/chromium, /usr/bin/chromium): run bash scripts/setup-browser.sh'
    )
  }
  return found
}

export interface HeadlessBrowser {
  context: BrowserContext
  close(): Promise<void>
}

/**
 * One headless Chromium with a fresh profile in a temporary folder, removed on close; no
 * sandbox (it runs as root in CI), no GPU, no background traffic of its own, so that every
 * request it makes is one the page asked for.
 */
export async function launchHeadlessChromium(): Promise<HeadlessBrowser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'chromium-profile-'))
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumExecutable(),
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync'
      ]
    })
    return {
      context,
      close: async () => {
        try {
          await context.close()
        } finally {
          rmSync(profile, { recursive: true, force: true })
        }
      }
    }
  } catch (error) {
    rmSync(profile, { recursive: true, force: true })
    throw error
  }
}
