import { InputError } from './errors.js'
import { RetryDelayInput } from '../constants/shared.js'
import type { Inputs } from './inputs.js'

/** How the wait between attempts grows: the seed's fixed delay, or Airflow's exponential one. */
export type RetryBackoff = 'fixed' | 'exponential'

export const RETRY_BACKOFFS: readonly RetryBackoff[] = ['fixed', 'exponential']

export interface RetryDelayPolicy {
  /** `retry-delay`: the wait before the first retry (and every one, when fixed). */
  delayMs: number
  backoff: RetryBackoff
  /** `max-retry-delay`: no wait is longer, jitter included. */
  maxDelayMs: number
}

/**
 * The wait before retry number `retry` (1 for the first). Fixed: always `delayMs`.
 * Exponential, as Airflow's `retry_exponential_backoff`: at least delay × 2^(retry−1), plus
 * up to as much again at random so that runs failing together do not retry in step, and
 * never more than `maxDelayMs` (Airflow's `max_retry_delay`).
 */
export function retryDelayMs(
  retry: number,
  { delayMs, backoff, maxDelayMs }: RetryDelayPolicy,
  random: () => number = Math.random
): number {
  if (backoff === 'fixed') return delayMs
  const base = delayMs * 2 ** Math.max(0, retry - 1)
  return Math.min(maxDelayMs, Math.round(base + random() * base))
}

/**
 * Reads `retry-delay`, `retry-backoff` and `max-retry-delay`, the inputs of every action that
 * retries (the Spark job's re-submission, auto-retry's re-runs), each with its own upper
 * bounds. A cap below the first wait is a typo, refused when the backoff is exponential.
 */
export function readRetryDelayPolicy(
  inputs: Inputs,
  defaults: RetryDelayDefaults,
  limits: { maxDelayMs?: number; maxCapMs?: number } = {}
): RetryDelayPolicy {
  const delayMs = inputs.duration(RetryDelayInput.RetryDelay, defaults.RetryDelay, {
    min: 0,
    ...upTo(limits.maxDelayMs)
  })
  const backoff = inputs.choice(RetryDelayInput.RetryBackoff, RETRY_BACKOFFS, defaults.RetryBackoff)
  const maxDelayMs = inputs.duration(RetryDelayInput.MaxRetryDelay, defaults.MaxRetryDelay, {
    min: 0,
    ...upTo(limits.maxCapMs)
  })
  if (backoff === 'exponential' && maxDelayMs < delayMs) {
    throw new InputError(
      RetryDelayInput.MaxRetryDelay,
      `a duration no shorter than retry-delay (${inputs.string(RetryDelayInput.RetryDelay, defaults.RetryDelay)})`,
      inputs.string(RetryDelayInput.MaxRetryDelay, defaults.MaxRetryDelay)
    )
  }
  return { delayMs, backoff, maxDelayMs }
}

/** The action's own defaults of the three inputs, as its action.yml declares them. */
export interface RetryDelayDefaults {
  RetryDelay: string
  RetryBackoff: RetryBackoff
  MaxRetryDelay: string
}

const upTo = (max: number | undefined): { max?: number } => (max === undefined ? {} : { max })
