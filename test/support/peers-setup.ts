import { existsSync } from 'node:fs'
import { venvPython } from './moto.js'

/** The integration and end-to-end lanes' peers (moto, PySpark) live in .venv. */
export default function setup(): void {
  if (!existsSync(venvPython)) {
    throw new Error('.venv is missing: run `bash scripts/setup-python.sh` or `npm test`')
  }
}
