/** The inputs of logical-date/action.yml, by the names the code reads them under. */
export const LogicalDateInput = {
  Date: 'date',
  EventName: 'event-name',
  RunCreatedAt: 'run-created-at',
  GithubToken: 'github-token'
} as const

/** The outputs logical-date/action.yml declares. */
export const LogicalDateOutput = {
  Date: 'date',
  Source: 'source',
  RunCreatedAt: 'run-created-at'
} as const

export type LogicalDateOutputName = (typeof LogicalDateOutput)[keyof typeof LogicalDateOutput]
