/** The inputs of notify/action.yml, by the names the code reads them under. */
export const NotifyInput = {
  Status: 'status',
  GithubToken: 'github-token',
  Pipeline: 'pipeline',
  LogicalDate: 'logical-date',
  FailedJobs: 'failed-jobs',
  ErrorExcerpt: 'error-excerpt',
  Details: 'details',
  OncePerStreak: 'once-per-streak',
  RunUrl: 'run-url',
  Label: 'label',
  WebhookUrl: 'webhook-url'
} as const

/** The outputs notify/action.yml declares. */
export const NotifyOutput = {
  IssueNumber: 'issue-number',
  Action: 'action'
} as const

export type NotifyOutputName = (typeof NotifyOutput)[keyof typeof NotifyOutput]

/**
 * The defaults the code applies to an empty input: each equals action.yml's (a test compares them).
 */
export const NotifyDefault = {
  Label: 'pipeline-failure'
} as const
