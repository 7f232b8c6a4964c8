import { existsSync } from 'node:fs'
import { projectRoot, venvPython } from './moto.js'
import path from 'node:path'

/** Fails early, with the fix, when the test command's set-up steps were skipped. */
export default function setup(): void {
  if (!existsSync(path.join(projectRoot, 'node_modules'))) {
    throw new Error('node_modules is missing: run `npm test` (it runs npm ci first)')
  }
  if (!existsSync(venvPython)) {
    throw new Error('.venv is missing: run `bash scripts/setup-python.sh` or `npm test`')
  }
}
