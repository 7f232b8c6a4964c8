/** Names of the values the main step hands to the post step (saveState / STATE_<name>). */
export const STATE = {
  jobRunId: 'job-run-id',
  applicationId: 'application-id',
  /** 'true' once the run needs nothing more from the post step (terminal, cancelled, or left running on purpose). */
  finished: 'finished',
  cancelOnAbort: 'cancel-on-abort'
} as const
