import { AwsInput, RecordInput, RetryDelayInput } from './shared.js'

/** The inputs of action.yml, by the names the code reads them under. */
export const SparkJobInput = {
  ...AwsInput,
  ...RecordInput,
  Application: 'application',
  ExecutionRoleArn: 'execution-role-arn',
  EntryPoint: 'entry-point',
  EntryPointArguments: 'entry-point-arguments',
  SparkConf: 'spark-conf',
  SparkSubmitParameters: 'spark-submit-parameters',
  Files: 'files',
  PyFiles: 'py-files',
  ConfigurationOverrides: 'configuration-overrides',
  LogUri: 'log-uri',
  StagingUri: 'staging-uri',
  Name: 'name',
  Tags: 'tags',
  ExecutionTimeout: 'execution-timeout',
  Wait: 'wait',
  WaitTimeout: 'wait-timeout',
  PollIntervalMin: 'poll-interval-min',
  PollIntervalMax: 'poll-interval-max',
  Retries: 'retries',
  NoRetryExitCodes: 'no-retry-exit-codes',
  ...RetryDelayInput,
  CancelOnAbort: 'cancel-on-abort',
  Prices: 'prices'
} as const

/** The outputs action.yml declares. */
export const SparkJobOutput = {
  JobRunId: 'job-run-id',
  State: 'state',
  Attempts: 'attempts',
  DurationSeconds: 'duration-seconds',
  VcpuHours: 'vcpu-hours',
  MemoryGbHours: 'memory-gb-hours',
  StorageGbHours: 'storage-gb-hours',
  DashboardUrl: 'dashboard-url',
  FailureKind: 'failure-kind',
  StateDetails: 'state-details'
} as const

export type SparkJobOutputName = (typeof SparkJobOutput)[keyof typeof SparkJobOutput]

/**
 * The defaults the code applies to an empty input: each equals action.yml's (a test compares them).
 */
export const SparkJobDefault = {
  ExecutionTimeout: '12h',
  Wait: true,
  WaitTimeout: '6h',
  PollIntervalMin: '5s',
  PollIntervalMax: '30s',
  Retries: 0,
  RetryDelay: '5m',
  RetryBackoff: 'fixed',
  MaxRetryDelay: '1h',
  CancelOnAbort: true
} as const

/** The saveState / STATE_<name> names the main step hands to the post step, one value each. */
export const SparkJobState = {
  ApplicationId: 'application-id',
  RunName: 'run-name',
  ClientToken: 'client-token',
  JobRunId: 'job-run-id',
  Finished: 'finished',
  CancelOnAbort: 'cancel-on-abort'
} as const
