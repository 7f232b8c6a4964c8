import type { JobRun, ResourceUtilization } from '@aws-sdk/client-emr-serverless'

/** What a run used, as billed (or, when the service gives no billed figure, as measured). */
export interface Usage {
  vcpuHours: number
  memoryGbHours: number
  storageGbHours: number
}

export const NO_USAGE: Usage = { vcpuHours: 0, memoryGbHours: 0, storageGbHours: 0 }

export function usageOf(jobRun: JobRun | undefined): Usage {
  const figures: ResourceUtilization | undefined =
    jobRun?.billedResourceUtilization ?? jobRun?.totalResourceUtilization
  return {
    vcpuHours: figures?.vCPUHour ?? 0,
    memoryGbHours: figures?.memoryGBHour ?? 0,
    storageGbHours: figures?.storageGBHour ?? 0
  }
}

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    vcpuHours: a.vcpuHours + b.vcpuHours,
    memoryGbHours: a.memoryGbHours + b.memoryGbHours,
    storageGbHours: a.storageGbHours + b.storageGbHours
  }
}

/** Seconds the run executed: the service's figure, else its start/end times, else `measuredMs`. */
export function durationSecondsOf(jobRun: JobRun | undefined, measuredMs: number): number {
  if (jobRun?.totalExecutionDurationSeconds) return jobRun.totalExecutionDurationSeconds
  const started = jobRun?.startedAt?.getTime()
  const ended = jobRun?.endedAt?.getTime()
  if (started && ended && ended >= started) return Math.round((ended - started) / 1000)
  return Math.round(measuredMs / 1000)
}

/** Four decimals: enough for cents, short enough to read. */
export function formatHours(value: number): string {
  return String(Math.round(value * 10_000) / 10_000)
}
