// Benchmark: `npm run pipeline` (the real daily workflow through the local runner, moto and
// the local EMR Serverless) for the same 3 days twice, side by side: warm (the local EMR
// Serverless's warm Spark driver, the default) and cold (--cold: one spark-submit per job
// run). For each: the wall time, the Spark job runs' time, the first job run (in the warm
// column it waits for the driver's start and warm-up) apart from the others. Goals: warm
// wall time ≤ 0.25 × cold, warm 3 days ≤ 60 s at low load after set-up. Then how long the
// runner takes to start (`spark-pipeline --help`; target ≤ 1 s) and a trigger of a completed
// date on the warm lake: the ledger says it is completed, so the run ends without a Spark
// process (goal ≤ 15 s of the runner's time). Asserts nothing.
// `npm run bench -- pipeline`.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
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
  jobRunTimes: { name: string; state: string; ms: number }[]
  runnerMs: number[]
  skipped: number
}

const START = '2026-01-01'
const END = '2026-01-03'
const scratch = mkdtempSync(path.join(tmpdir(), 'bench-pipeline-'))
/** One `npm run pipeline` on the lake `lake`; its timings. */
function pipeline(name: string, lake: string, flags: string[]): Timings {
  const timings = path.join(scratch, `timings-${name}.json`)
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/local-pipeline.ts',
      ...flags,
      '--lake',
      path.join(scratch, lake),
      '--timings',
      timings
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }
  )
  if (result.status !== 0) {
    console.log(result.stdout.slice(-3000), result.stderr.slice(-3000))
    throw new Error(`npm run pipeline (${name}): exit ${result.status}`)
  }
  return JSON.parse(readFileSync(timings, 'utf8')) as Timings
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`
const cell = (text: string): string => text.padStart(10)

try {
  const days = ['--start', START, '--end', END, '--fresh']
  // Cold first: the warm column then does not profit from a page cache the cold run filled.
  const cold = pipeline('cold', 'lake-cold', [...days, '--cold'])
  const warm = pipeline('warm', 'lake-warm', days)
  const first = (t: Timings) => t.jobRunTimes[0]?.ms ?? Number.NaN
  const rest = (t: Timings) => median(t.jobRunTimes.slice(1).map(run => run.ms))
  const notSucceeded = [...cold.jobRunTimes, ...warm.jobRunTimes].filter(
    run => run.state !== 'SUCCESS'
  )
  const ratio = (w: number, c: number) => (w / c).toFixed(2)
  console.log(`\nnpm run pipeline, ${START} … ${END}      cold       warm   warm / cold`)
  const row = (label: string, c: number, w: number, goal = '') =>
    console.log(
      `${label.padEnd(36)}${cell(seconds(c))} ${cell(seconds(w))}   ${ratio(w, c).padStart(5)}${goal}`
    )
  row('wall time', cold.totalMs, warm.totalMs, '  (goal ≤ 0.25)')
  row(`Spark job runs (${cold.jobRuns} / ${warm.jobRuns})`, cold.sparkMs, warm.sparkMs)
  row('first job run (warm: driver warm-up)', first(cold), first(warm))
  row('other job runs, median', rest(cold), rest(warm))
  row('everything else', cold.totalMs - cold.sparkMs, warm.totalMs - warm.sparkMs)
  console.log(
    `warm wall time ${seconds(warm.totalMs)} (goal ≤ 60 s at low load: ${(warm.totalMs / 60_000).toFixed(2)}× the goal)` +
      (notSucceeded.length
        ? `; job runs that did not succeed: ${notSucceeded.map(run => `${run.name} ${run.state}`).join(', ')}`
        : '')
  )

  // The last date again on the warm lake: completed, so nothing but the plan and the report runs.
  const skipped = pipeline('skipped', 'lake-warm', ['--date', END])
  const runner = skipped.runnerMs[0] ?? 0
  const processed = warm.runnerMs.at(-1) ?? warm.totalMs
  console.log(
    `\na trigger for a completed date: runner ${(runner / 1000).toFixed(1)} s (goal ≤ 15 s: ${(runner / 15_000).toFixed(2)}× the goal), ` +
      `${skipped.jobRuns} Spark job run(s) (goal 0), ${(runner / processed).toFixed(3)}× the runner time of processing it; ` +
      `${(skipped.totalMs / 1000).toFixed(1)} s with the local services and the lake's load and save`
  )
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
