import { RetryDelayInput } from './shared.js'

/** The inputs of auto-retry/action.yml, by the names the code reads them under. */
export const AutoRetryInput = {
  RunId: 'run-id',
  Workflow: 'workflow',
  Retries: 'retries',
  ...RetryDelayInput,
  Timeout: 'timeout',
  PollInterval: 'poll-interval',
  Events: 'events',
  GithubToken: 'github-token'
} as const

/** The outputs auto-retry/action.yml declares. */
export const AutoRetryOutput = {
  Retried: 'retried',
  Reruns: 'reruns',
  Reason: 'reason',
  RunAttempt: 'run-attempt',
  Conclusion: 'conclusion'
} as const

export type AutoRetryOutputName = (typeof AutoRetryOutput)[keyof typeof AutoRetryOutput]

/**
 * The defaults the code applies to an empty input: each equals action.yml's (a test compares them).
 */
export const AutoRetryDefault = {
  Retries: 3,
  RetryDelay: '5m',
  RetryBackoff: 'fixed',
  MaxRetryDelay: '1h',
  Timeout: '5h30m',
  PollInterval: '1m',
  Events: 'schedule, workflow_dispatch'
} as const
