// Benchmark: one day of `npm run pipeline` (the real daily workflow through the local runner,
// moto and the local EMR Serverless), its wall time split into the Spark processes' time and
// everything else (runner, actions, local services, the lake's load and save); and how long
// the runner takes to start (`spark-pipeline --help`, process start to exit). Targets:
// everything else ≤ 10 % of the Spark time; the runner starts in ≤ 1 s. Asserts nothing.
// `npm run bench -- pipeline` (RUNS=3 for more than one day's run).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const RUNS = Number(process.env.RUNS ?? 1)
const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

const starts: number[] = []
for (let i = 0; i < 5; i++) {
  const t0 = performance.now()
  const result = spawnSync(process.execPath, ['bin/spark-pipeline.mjs', '--help'], { cwd: root })
  if (result.status !== 0) throw new Error(`spark-pipeline --help: exit ${result.status}`)
  starts.push(performance.now() - t0)
}
console.log(
  `runner start (spark-pipeline --help), median of 5: ${(median(starts) / 1000).toFixed(2)} s (target ≤ 1 s: ${(median(starts) / 1000).toFixed(2)}× the target)`
)

const scratch = mkdtempSync(path.join(tmpdir(), 'bench-pipeline-'))
try {
  const rows: { totalMs: number; sparkMs: number; jobRuns: number }[] = []
  for (let i = 0; i < RUNS; i++) {
    const timings = path.join(scratch, `timings-${i}.json`)
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/local-pipeline.ts',
        '--date',
        '2026-01-01',
        '--fresh',
        '--lake',
        path.join(scratch, 'lake'),
        '--timings',
        timings
      ],
      { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }
    )
    if (result.status !== 0) {
      console.log(result.stdout.slice(-3000), result.stderr.slice(-3000))
      throw new Error(`npm run pipeline: exit ${result.status}`)
    }
    rows.push(JSON.parse(readFileSync(timings, 'utf8')))
  }
  console.log('\nrun  wall      Spark     everything else  else / Spark (target ≤ 0.10)')
  rows.forEach((row, index) => {
    const other = row.totalMs - row.sparkMs
    console.log(
      `${String(index + 1).padEnd(4)} ${(row.totalMs / 1000).toFixed(1).padStart(6)} s ${(row.sparkMs / 1000).toFixed(1).padStart(6)} s ${(other / 1000).toFixed(1).padStart(9)} s        ${(other / row.sparkMs).toFixed(2)} (${row.jobRuns} job runs)`
    )
  })
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
