/**
 * Inputs that several actions declare and one shared reader reads: an action that uses the
 * reader spreads the group into its own inputs, and declares every name of it in action.yml.
 */

/** Read by awsClientSettings (src/core/aws.ts). */
export const AwsInput = {
  Region: 'region',
  Endpoint: 'endpoint'
} as const

/** The wait between retries: read by readRetryDelayPolicy (src/core/retry-delay.ts). */
export const RetryDelayInput = {
  RetryDelay: 'retry-delay',
  RetryBackoff: 'retry-backoff',
  MaxRetryDelay: 'max-retry-delay'
} as const

/** Where the lake is and whose pipeline: read by readLedgerTarget. */
export const LakeInput = {
  RunRecords: 'run-records',
  Pipeline: 'pipeline'
} as const

/** Where and under which names a run record goes: read by readRecordTarget. */
export const RecordInput = {
  ...LakeInput,
  Task: 'task',
  LogicalDate: 'logical-date'
} as const
