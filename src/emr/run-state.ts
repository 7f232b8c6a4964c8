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

/** The saveState / STATE_<name> names, one value each. */
export const STATE = {
  applicationId: 'application-id',
  runName: 'run-name',
  clientToken: 'client-token',
  jobRunId: 'job-run-id',
  finished: 'finished',
  cancelOnAbort: 'cancel-on-abort'
} as const

export function saveHandOver(store: StateStore, handOver: RunHandOver): void {
  store.save(STATE.applicationId, handOver.applicationId)
  store.save(STATE.runName, handOver.runName)
  store.save(STATE.clientToken, handOver.clientToken)
  store.save(STATE.jobRunId, handOver.jobRunId)
  store.save(STATE.finished, String(handOver.finished))
  store.save(STATE.cancelOnAbort, String(handOver.cancelOnAbort))
}

/** What the main step saved; undefined when it saved nothing (it started no run). */
export function readHandOver(store: StateStore): RunHandOver | undefined {
  const applicationId = store.get(STATE.applicationId)
  if (!applicationId) return undefined
  return {
    applicationId,
    runName: store.get(STATE.runName),
    clientToken: store.get(STATE.clientToken),
    jobRunId: store.get(STATE.jobRunId),
    finished: store.get(STATE.finished) === 'true',
    // Only an explicit 'false' leaves a run going: a missing value means the default.
    cancelOnAbort: store.get(STATE.cancelOnAbort) !== 'false'
  }
}
