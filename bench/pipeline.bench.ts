// Benchmark: one day of `npm run pipeline` (the real daily workflow through the local runner,
// moto and the local EMR Serverless), its wall time split into the Spark processes' time and
// everything else (runner, actions, local services, the lake's load and save); and how long
// the runner takes to start (`spark-pipeline --help`, process start to exit). Targets:
// everything else ≤ 10 % of the Spark time; the runner starts in ≤ 1 s. Then the same date
// triggered again on that lake: the ledger says it is completed, so the run ends without a
// Spark process (goal ≤ 15 s of the runner's time). Asserts nothing.
// `npm run bench -- pipeline` (RUNS=3 for more than one day's run).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const RUNS = Number(process.env.RUNS ?? 1)
const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN

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

interface Timings {
  totalMs: number
  sparkMs: number
  jobRuns: number
  runnerMs: number[]
  skipped: number
}

const scratch = mkdtempSync(path.join(tmpdir(), 'bench-pipeline-'))
/** One `npm run pipeline` of 2026-01-01 on the bench's lake; its timings. */
function pipeline(name: string, fresh: boolean): Timings {
  const timings = path.join(scratch, `timings-${name}.json`)
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/local-pipeline.ts',
      '--date',
      '2026-01-01',
      ...(fresh ? ['--fresh'] : []),
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
  return JSON.parse(readFileSync(timings, 'utf8')) as Timings
}

try {
  const rows: Timings[] = []
  for (let i = 0; i < RUNS; i++) rows.push(pipeline(String(i), true))
  console.log('\nrun  wall      Spark     everything else  else / Spark (target ≤ 0.10)')
  rows.forEach((row, index) => {
    const other = row.totalMs - row.sparkMs
    console.log(
      `${String(index + 1).padEnd(4)} ${(row.totalMs / 1000).toFixed(1).padStart(6)} s ${(row.sparkMs / 1000).toFixed(1).padStart(6)} s ${(other / 1000).toFixed(1).padStart(9)} s        ${(other / row.sparkMs).toFixed(2)} (${row.jobRuns} job runs)`
    )
  })
  // The same date again: completed, so nothing but the plan and the report runs.
  const skipped = pipeline('skipped', false)
  const runner = skipped.runnerMs[0] ?? 0
  const first = rows[0]!.runnerMs[0] ?? rows[0]!.totalMs
  console.log(
    `\na trigger for a completed date: runner ${(runner / 1000).toFixed(1)} s (goal ≤ 15 s: ${(runner / 15_000).toFixed(2)}× the goal), ` +
      `${skipped.jobRuns} Spark job run(s) (goal 0), ${(runner / first).toFixed(3)}× the runner time of processing it; ` +
      `${(skipped.totalMs / 1000).toFixed(1)} s with the local services and the lake's load and save`
  )
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
