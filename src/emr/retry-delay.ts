import { retryDelayMs, type RetryBackoff } from '../core/retry-delay.js'

export type { RetryBackoff }

export interface RetryDelaySettings {
  retryBackoff: RetryBackoff
  retryDelayMs: number
  maxRetryDelayMs: number
}

/**
 * The pause before re-submission `retry` of a failed run (1 = the first re-submission):
 * the same policy as auto-retry's (src/core/retry-delay.ts), read from the action's inputs.
 */
export function resubmitDelay(
  { retryBackoff, retryDelayMs: delayMs, maxRetryDelayMs }: RetryDelaySettings,
  retry: number,
  random: () => number = Math.random
): number {
  return retryDelayMs(
    retry,
    { delayMs, backoff: retryBackoff, maxDelayMs: maxRetryDelayMs },
    random
  )
}
