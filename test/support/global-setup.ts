import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { projectRoot } from './moto.js'

/**
 * Every lane's set-up. Fails early, with the fix, when node_modules is missing or the tests
 * run on another Node than .node-version's (the bundles and fixture actions they start run
 * on the same Node, as on GitHub). Gives the run one temporary folder (TMPDIR, which the
 * test workers, the bundles they start and Python inherit) and removes it when the run ends,
 * so a test that dies half-way leaves nothing behind in the machine's temp directory.
 */
export default function setup(): () => void {
  if (!existsSync(path.join(projectRoot, 'node_modules'))) {
    throw new Error('node_modules is missing: run `npm test` (it runs npm ci first)')
  }
  const major = readFileSync(path.join(projectRoot, '.node-version'), 'utf8').trim()
  if (process.versions.node.split('.')[0] !== major) {
    throw new Error(
      `the tests run on Node ${major} (.node-version), not ${process.version}: run them with ` +
        '`npm test` / `npm run test:fast`, or PATH="$(bash scripts/setup-node.sh):$PATH" npx vitest …'
    )
  }
  const runTemp = mkdtempSync(path.join(tmpdir(), 'vitest-run-'))
  const previous = process.env.TMPDIR
  process.env.TMPDIR = runTemp
  return () => {
    if (previous === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = previous
    rmSync(runTemp, { recursive: true, force: true })
  }
}
