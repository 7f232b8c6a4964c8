import { AwsInput, LakeInput } from './shared.js'

/** The inputs of watchdog/action.yml, by the names the code reads them under. */
export const WatchdogInput = {
  ...AwsInput,
  ...LakeInput,
  Sla: 'sla',
  Days: 'days',
  Workflow: 'workflow',
  KeepEnabled: 'keep-enabled',
  Ref: 'ref',
  Dispatch: 'dispatch',
  Label: 'label',
  WebhookUrl: 'webhook-url',
  RunCreatedAt: 'run-created-at',
  GithubToken: 'github-token'
} as const

/** The outputs watchdog/action.yml declares. */
export const WatchdogOutput = {
  Overdue: 'overdue',
  BlockedDate: 'blocked-date',
  WorkflowState: 'workflow-state',
  Dispatched: 'dispatched',
  IssueNumber: 'issue-number'
} as const

export type WatchdogOutputName = (typeof WatchdogOutput)[keyof typeof WatchdogOutput]

/**
 * The defaults the code applies to an empty input: each equals action.yml's (a test compares them).
 */
export const WatchdogDefault = {
  Sla: '06:00',
  Days: 7,
  Workflow: 'daily-customer-etl.yml',
  Dispatch: true,
  Label: 'pipeline-failure'
} as const
