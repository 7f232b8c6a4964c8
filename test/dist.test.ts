import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { projectRoot } from './support/moto.js'
import { runAction } from './support/run-action.js'

function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap(name => {
    const full = path.join(dir, name)
    return statSync(full).isDirectory() ? filesUnder(full, base) : [path.relative(base, full)]
  })
}

const distDir = path.join(projectRoot, 'dist')
const bundles = readdirSync(distDir).filter(name =>
  statSync(path.join(distDir, name)).isDirectory()
)

describe('dist/', () => {
  it('equals a fresh build of src/', () => {
    const fresh = mkdtempSync(path.join(tmpdir(), 'dist-fresh-'))
    execFileSync(process.execPath, ['scripts/bundle.mjs', '--out', fresh], {
      cwd: projectRoot,
      stdio: 'pipe'
    })
    const committed = filesUnder(distDir).sort()
    expect(filesUnder(fresh).sort(), 'files in dist/ (run `npm run bundle`)').toEqual(committed)
    for (const file of committed) {
      const same = readFileSync(path.join(fresh, file)).equals(
        readFileSync(path.join(distDir, file))
      )
      expect(same, `dist/${file} is stale: run \`npm run bundle\` and commit dist/`).toBe(true)
    }
  }, 180_000)

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
