import { SparkJobState } from '../constants/spark-job.js'
import type { StateStore } from '../core/state.js'

/**
 * What the main step hands to the post step about its job run: enough to cancel a run left
 * going, including one whose StartJobRun was still in flight when the main step died.
 */
export interface RunHandOver {
  applicationId: string
  runName: string
  /**
   * The client token of the StartJobRun this step sent (or is sending). The run carries it as
   * a tag, so the post step can tell the run this step started from one of the same name that
   * another workflow run started. '' when the step attached to a run instead.
   */
  clientToken: string
  /** '' until StartJobRun has answered. */
  jobRunId: string
  /** True once the run needs nothing more: it ended, was cancelled, or is left running on purpose. */
  finished: boolean
  cancelOnAbort: boolean
}

export function saveHandOver(store: StateStore, handOver: RunHandOver): void {
  store.save(SparkJobState.ApplicationId, handOver.applicationId)
  store.save(SparkJobState.RunName, handOver.runName)
  store.save(SparkJobState.ClientToken, handOver.clientToken)
  store.save(SparkJobState.JobRunId, handOver.jobRunId)
  store.save(SparkJobState.Finished, String(handOver.finished))
  store.save(SparkJobState.CancelOnAbort, String(handOver.cancelOnAbort))
}

/** What the main step saved; undefined when it saved nothing (it started no run). */
export function readHandOver(store: StateStore): RunHandOver | undefined {
  const applicationId = store.get(SparkJobState.ApplicationId)
  if (!applicationId) return undefined
  return {
    applicationId,
    runName: store.get(SparkJobState.RunName),
    clientToken: store.get(SparkJobState.ClientToken),
    jobRunId: store.get(SparkJobState.JobRunId),
    finished: store.get(SparkJobState.Finished) === 'true',
    // Only an explicit 'false' leaves a run going: a missing value means the default.
    cancelOnAbort: store.get(SparkJobState.CancelOnAbort) !== 'false'
  }
}
