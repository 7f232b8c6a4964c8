import type { SparkJobOutcome } from '../emr/spark-job.js'
import type { ResultsDocument } from '../quality/gate.js'
import type { SensorResult } from '../s3/sensor.js'
import { estimatedCost, type Prices, type RecordDetails, type TaskState } from './index.js'

/** What the Spark job action records: its job runs, attempts, usage and estimated cost. */
export function sparkJobRecord(
  outcome: SparkJobOutcome,
  prices: Prices
): { state: Exclude<TaskState, 'running'>; details: RecordDetails } {
  const usage = {
    vcpu_hours: round(outcome.usage.vcpuHours),
    memory_gb_hours: round(outcome.usage.memoryGbHours),
    storage_gb_hours: round(outcome.usage.storageGbHours)
  }
  const cancelled =
    ['CANCELLED', 'CANCELLING'].includes(outcome.state) ||
    Boolean(outcome.failure?.startsWith('The workflow was cancelled'))
  const state = !outcome.failure ? 'success' : cancelled ? 'cancelled' : 'failure'
  return {
    state,
    details: {
      ...(outcome.failure ? { message: outcome.failure } : {}),
      spark: {
        job_run_ids: outcome.attempts.map(attempt => attempt.jobRunId).filter(Boolean),
        attempts: outcome.attempts.length,
        ...usage,
        estimated_cost_usd: estimatedCost(usage, prices),
        prices
      }
    }
  }
}

/**
 * What the sensor records: how long it waited, and when the data landed: the newest matched
 * object's last-modified time (S3's own clock), else when the sensor saw it complete.
 */
export function sensorRecord(
  result: SensorResult,
  endedAt: Date,
  softFail: boolean
): { state: Exclude<TaskState, 'running'>; details: RecordDetails } {
  const newest = Math.max(0, ...result.objects.map(object => object.lastModified))
  const landedAt = new Date(newest || endedAt.getTime())
  return {
    state: result.found ? 'success' : softFail ? 'skipped' : 'failure',
    details: {
      ...(result.found ? {} : { message: result.message }),
      sensor: {
        found: result.found,
        waited_seconds: Math.round(result.waitedMs / 1000),
        ...(result.found ? { landed_at: landedAt.toISOString() } : {}),
        objects: result.objects.length,
        bytes: result.totalBytes
      }
    }
  }
}

/** What the quality gate records: the verdict and how many rules passed, warned, failed. */
export function qualityRecord(results: ResultsDocument): {
  state: Exclude<TaskState, 'running'>
  details: RecordDetails
} {
  const count = (status: string): number =>
    results.results.filter(result => result.status === status).length
  const rowCount = results.results.find(result => result.metric === 'row_count')
  return {
    state: results.passed ? 'success' : 'failure',
    details: {
      quality: {
        dataset: results.dataset,
        passed: results.passed,
        rules_passed: count('pass'),
        rules_warned: count('warn'),
        rules_failed: count('fail')
      },
      ...(typeof rowCount?.value === 'number' ? { rows: { out: rowCount.value } } : {})
    }
  }
}

const round = (value: number): number => Math.round(value * 1_000_000) / 1_000_000
