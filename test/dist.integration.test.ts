import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { differences } from '../scripts/check-dist.mjs'
import { projectRoot } from './support/moto.js'
import { runAction } from './support/run-action.js'

const distDir = path.join(projectRoot, 'dist')
const bundles = readdirSync(distDir).filter(name =>
  statSync(path.join(distDir, name)).isDirectory()
)

describe('dist/', () => {
  // The freshness check itself rebuilds every bundle, so it runs once in the test script
  // (scripts/check-dist.mjs), not here under a per-test timeout; this proves it can fail.
  describe('the freshness check (scripts/check-dist.mjs)', () => {
    let trees: string
    beforeEach(() => {
      trees = mkdtempSync(path.join(tmpdir(), 'dist-check-'))
    })
    afterEach(() => rmSync(trees, { recursive: true, force: true }))

    function tree(name: string, files: Record<string, string>): string {
      const dir = path.join(trees, name)
      for (const [file, text] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
        writeFileSync(path.join(dir, file), text)
      }
      return dir
    }

    it('passes identical trees and names every stale, missing or extra file', () => {
      const fresh = { 'a/index.js': 'new', 'a/package.json': '{}', 'b/index.js': 'b' }
      expect(differences(tree('same', fresh), tree('fresh', fresh))).toEqual([])
      const committed = tree('committed', {
        'a/index.js': 'old',
        'a/package.json': '{}',
        'c/index.js': 'gone'
      })
      expect(differences(committed, path.join(trees, 'fresh'))).toEqual([
        'missing: dist/b/index.js',
        'not built from src/: dist/c/index.js',
        'stale: dist/a/index.js'
      ])
    })
  })

  it('has one bundle per entry point, each an ES module', () => {
    const entries = readdirSync(path.join(projectRoot, 'src', 'entrypoints'))
      .filter(file => file.endsWith('.ts'))
      .map(file => file.slice(0, -3))
      .sort()
    expect(bundles.sort()).toEqual(entries)
    for (const bundle of bundles) {
      const pkg = JSON.parse(readFileSync(path.join(distDir, bundle, 'package.json'), 'utf8'))
      expect(pkg.type).toBe('module')
    }
  })

  // A bundle that builds but throws at start (a missing module) would pass the comparison
  // above; running each one with no inputs proves it loads and fails cleanly, if at all.
  it.each(bundles)('dist/%s/index.js starts and reports problems as one clean line', async name => {
    const run = await runAction(name, { env: { AWS_REGION: 'us-east-1' }, timeoutMs: 30_000 })
    const all = run.stdout + run.stderr
    expect(all).not.toMatch(/Cannot find module|ERR_MODULE_NOT_FOUND|SyntaxError/)
    expect(all).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m)
    expect([0, 1]).toContain(run.code)
    if (run.code === 1) expect(run.stdout).toMatch(/^::error::\S.*$/m)
  })
})
