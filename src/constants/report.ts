import { AwsInput } from './shared.js'

/** The inputs of report/action.yml, by the names the code reads them under. */
export const ReportInput = {
  ...AwsInput,
  Lake: 'lake',
  Pipeline: 'pipeline',
  QualityPrefix: 'quality-prefix',
  Days: 'days',
  Start: 'start',
  End: 'end',
  Tasks: 'tasks',
  Schedule: 'schedule',
  Sla: 'sla',
  Output: 'output',
  GithubToken: 'github-token',
  Workflow: 'workflow',
  Repository: 'repository',
  IssueLabel: 'issue-label'
} as const

/** The outputs report/action.yml declares. */
export const ReportOutput = {
  Html: 'html',
  Dir: 'dir',
  Failed: 'failed',
  CostUsd: 'cost-usd',
  RecordsNotUsed: 'records-not-used'
} as const

export type ReportOutputName = (typeof ReportOutput)[keyof typeof ReportOutput]

/**
 * The defaults the code applies to an empty input: each equals action.yml's (a test compares them).
 */
export const ReportDefault = {
  QualityPrefix: '_pipeline/quality',
  Days: 60,
  Schedule: '02:00',
  Sla: '03:00',
  Output: 'dashboard',
  IssueLabel: 'pipeline-failure'
} as const
