import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { projectRoot, venvPython } from './moto.js'
import path from 'node:path'

/**
 * Fails early, with the fix, when the test command's set-up steps were skipped. Gives the
 * run one temporary folder (TMPDIR, which the test workers, the bundles they start and
 * Python inherit) and removes it when the run ends, so a test that dies half-way leaves
 * nothing behind in the machine's temp directory.
 */
export default function setup(): () => void {
  if (!existsSync(path.join(projectRoot, 'node_modules'))) {
    throw new Error('node_modules is missing: run `npm test` (it runs npm ci first)')
  }
  if (!existsSync(venvPython)) {
    throw new Error('.venv is missing: run `bash scripts/setup-python.sh` or `npm test`')
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
