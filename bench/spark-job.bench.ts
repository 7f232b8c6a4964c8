// Benchmark: how the Spark-job waiter trades detection latency against GetJobRun calls.
// For scripted run durations it prints the delay between the run reaching a terminal state
// and the step noticing it (mean and 95th percentile over many jittered trials), and the
// GetJobRun calls made per run-hour. A fake clock drives the real waiter, so the figures
// exclude network time. Asserts nothing. `npm run bench -- spark`.
import type { EMRServerlessClient } from '@aws-sdk/client-emr-serverless'
import { silentLogger } from '../src/core/log.js'
import type { Clock } from '../src/core/sleep.js'
import { waitForJobRun } from '../src/emr/waiter.js'

const TRIALS = Number(process.env.TRIALS ?? 200)
const DURATIONS_S = [60, 5 * 60, 15 * 60, 60 * 60, 4 * 60 * 60]
const POLL_BOUNDS: [string, number, number][] = [
  ['defaults 5s-30s', 5_000, 30_000],
  ['quick 1s-10s', 1_000, 10_000],
  ['thrifty 10s-60s', 10_000, 60_000]
]

/** A deterministic PRNG so runs of the benchmark compare. */
function mulberry32(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let value = Math.imul(state ^ (state >>> 15), 1 | state)
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296
  }
}

async function trial(durationMs: number, minMs: number, maxMs: number, random: () => number) {
  let now = 0
  const clock: Clock = { now: () => now, sleep: async ms => void (now += ms) }
  // Scripted run: SUBMITTED for 20 s (or a tenth of the run), RUNNING, then SUCCESS.
  const submittedMs = Math.min(20_000, durationMs / 10)
  const emr = {
    send: async () => ({
      jobRun: {
        state: now >= durationMs ? 'SUCCESS' : now >= submittedMs ? 'RUNNING' : 'SUBMITTED'
      }
    })
  } as unknown as EMRServerlessClient
  const result = await waitForJobRun(emr, 'app', 'run', {
    pollMinMs: minMs,
    pollMaxMs: maxMs,
    timeoutMs: 24 * 3_600_000,
    clock,
    logger: silentLogger,
    random
  })
  return { latencyMs: now - durationMs, polls: result.polls }
}

const random = mulberry32(42)
console.log(`${TRIALS} trials per cell; latency = terminal state → step notices it`)
console.log(
  'poll bounds        | run      | latency mean | latency p95 | GetJobRun calls | calls per run-hour'
)
console.log(
  '------------------ | -------- | ------------ | ----------- | --------------- | ------------------'
)
for (const [label, minMs, maxMs] of POLL_BOUNDS) {
  for (const durationS of DURATIONS_S) {
    const latencies: number[] = []
    let polls = 0
    for (let index = 0; index < TRIALS; index++) {
      const result = await trial(durationS * 1000, minMs, maxMs, random)
      latencies.push(result.latencyMs)
      polls += result.polls
    }
    latencies.sort((a, b) => a - b)
    const mean = latencies.reduce((sum, value) => sum + value, 0) / latencies.length
    const p95 = latencies[Math.floor(latencies.length * 0.95)] ?? Number.NaN
    const meanPolls = polls / TRIALS
    const perHour = meanPolls / (durationS / 3600)
    console.log(
      [
        label.padEnd(18),
        `${durationS / 60} min`.padEnd(8),
        `${(mean / 1000).toFixed(1)} s`.padStart(12),
        `${(p95 / 1000).toFixed(1)} s`.padStart(11),
        meanPolls.toFixed(1).padStart(15),
        perHour.toFixed(0).padStart(18)
      ].join(' | ')
    )
  }
}
