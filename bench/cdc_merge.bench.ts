// Benchmark: one night of 10,000 CDC changes applied to silver tables of 100 k, 1 M and 5 M
// generated customers, the old full-snapshot rewrite against the Iceberg MERGE
// (jobs/cdc_ingest.py), with local Spark: wall time and bytes written side by side, and the
// ratios the Iceberg issue sets as targets. The work is in bench/cdc_merge.py; this runs
// it with the project's virtualenv and lets it print its figures. Asserts nothing.
// `npm run bench -- cdc [--sizes 100000,1000000] [--changes 10000]` (the 5 M table takes
// minutes on 2 cores; --sizes tries fewer).
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

const result = spawnSync(python, ['bench/cdc_merge.py', ...process.argv.slice(2)], {
  cwd: root,
  env,
  stdio: 'inherit'
})
process.exit(result.status ?? 1)
