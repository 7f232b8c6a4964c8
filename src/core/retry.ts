import { sleep as realSleep, type Sleep } from './sleep.js'

export interface RetryOptions {
  /** Tries in all, the first included. */
  attempts?: number
  baseDelayMs?: number
  maxDelayMs?: number
  /** Which errors are worth another try (for an AWS error: isTransient of aws-errors.ts). */
  retryable: (error: unknown) => boolean
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void
  sleep?: Sleep
  random?: () => number
  signal?: AbortSignal
}

/**
 * Exponential backoff with full jitter (delay drawn from [0, min(cap, base·2^n)]), so many
 * runners throttled at once do not come back in step.
 */
export function backoffDelay(
  attempt: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number = Math.random
): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt)
  return Math.round(random() * ceiling)
}

/**
 * Retries an operation that has no retry of its own (a webhook POST). Not for AWS calls:
 * the SDK's clients (src/core/aws-clients.ts) already retry each request, and a loop on top
 * would multiply the requests (docs/operations.md, "Retries and alerts").
 */
export async function withRetry<T>(
  operation: () => Promise<T>,
  {
    attempts = 6,
    baseDelayMs = 500,
    maxDelayMs = 20_000,
    retryable,
    onRetry,
    sleep = realSleep,
    random = Math.random,
    signal
  }: RetryOptions
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation()
    } catch (error) {
      if (attempt >= attempts || !retryable(error) || signal?.aborted) throw error
      const delay = backoffDelay(attempt - 1, baseDelayMs, maxDelayMs, random)
      onRetry?.(error, attempt, delay)
      await sleep(delay, signal)
    }
  }
}
