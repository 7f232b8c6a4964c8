export type RetryBackoff = 'fixed' | 'exponential'

export interface RetryDelaySettings {
  retryBackoff: RetryBackoff
  retryDelayMs: number
  maxRetryDelayMs: number
}

/**
 * The pause before re-submission `retry` of a failed run (1 = the first re-submission).
 * - fixed: `retry-delay` every time, exactly (the seed's 5 minutes).
 * - exponential, as Airflow's `retry_exponential_backoff`: drawn between
 *   `retry-delay × 2^(retry−1)` and twice that, so runs that failed together do not come back
 *   together, and never above `max-retry-delay` (Airflow's `max_retry_delay`).
 */
export function resubmitDelay(
  { retryBackoff, retryDelayMs, maxRetryDelayMs }: RetryDelaySettings,
  retry: number,
  random: () => number = Math.random
): number {
  if (retryBackoff === 'fixed') return retryDelayMs
  const nominal = retryDelayMs * 2 ** (retry - 1)
  return Math.round(Math.min(maxRetryDelayMs, nominal * (1 + random())))
}
