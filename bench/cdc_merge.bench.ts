// Benchmark: rows per second of the CDC merge (jobs/cdc_ingest.py) on 1M generated changes,
// with local Spark. The work is in jobs/bench_cdc_merge.py; this runs it with the project's
// virtualenv and lets it print its figures. Asserts nothing.
// `npm run bench -- cdc` (CHANGES=<n> CUSTOMERS=<n> to try other sizes).
import { spawnSync } from 'node:child_process'
import { existsSync, realpathSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const python = path.join(root, '.venv', 'bin', 'python')
if (!existsSync(python)) {
  console.error('cdc merge bench: .venv is missing; run `bash scripts/setup-python.sh` first')
  process.exit(1)
}

const env = { ...process.env }
if (!env.JAVA_HOME) {
  // PySpark needs a JDK; use the one the machine's `java` belongs to.
  const which = spawnSync('sh', ['-c', 'command -v java'], { encoding: 'utf8' })
  const java = which.stdout.trim()
  if (java) env.JAVA_HOME = path.dirname(path.dirname(realpathSync(java)))
}

const args = ['jobs/bench_cdc_merge.py']
if (process.env.CHANGES) args.push('--changes', process.env.CHANGES)
if (process.env.CUSTOMERS) args.push('--customers', process.env.CUSTOMERS)
const result = spawnSync(python, args, { cwd: root, env, stdio: 'inherit' })
process.exit(result.status ?? 1)
