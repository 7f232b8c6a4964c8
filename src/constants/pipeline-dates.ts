import { AwsInput, LakeInput } from './shared.js'

/** The inputs of pipeline-dates/action.yml, by the names the code reads them under. */
export const PipelineDatesInput = {
  ...AwsInput,
  ...LakeInput,
  Mode: 'mode',
  Date: 'date',
  DataKey: 'data-key',
  DataMarker: 'data-marker',
  Force: 'force',
  AllowGaps: 'allow-gaps',
  Explicit: 'explicit',
  MaxCatchUp: 'max-catch-up',
  DateSlots: 'date-slots',
  LegacyTask: 'legacy-task',
  LegacyMarkers: 'legacy-markers',
  Needs: 'needs',
  LastTask: 'last-task',
  PlanJob: 'plan-job',
  DateJobs: 'date-jobs',
  EventName: 'event-name',
  RunCreatedAt: 'run-created-at',
  GithubToken: 'github-token'
} as const

/** The outputs pipeline-dates/action.yml declares. */
export const PipelineDatesOutput = {
  Dates: 'dates',
  Count: 'count',
  Owed: 'owed',
  Target: 'target',
  LastCompleted: 'last-completed',
  BlockedDate: 'blocked-date',
  BlockedReason: 'blocked-reason',
  Refused: 'refused',
  AlertKey: 'alert-key',
  Run: 'run',
  Ingest: 'ingest',
  AllowRewrite: 'allow-rewrite',
  AllowGaps: 'allow-gaps',
  Status: 'status',
  Message: 'message',
  Label: 'label',
  FailedJobs: 'failed-jobs',
  Details: 'details',
  OncePerStreak: 'once-per-streak'
} as const

export type PipelineDatesOutputName = (typeof PipelineDatesOutput)[keyof typeof PipelineDatesOutput]

/**
 * The defaults the code applies to an empty input: each equals action.yml's (a test compares them).
 */
export const PipelineDatesDefault = {
  Mode: 'plan',
  Force: false,
  AllowGaps: false,
  Explicit: false,
  MaxCatchUp: 7,
  DateSlots: 7,
  PlanJob: 'plan'
} as const
