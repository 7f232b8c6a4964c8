import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry'
import { sleep as realSleep, type Sleep } from './sleep.js'

type SdkError = Parameters<typeof isTransientError>[0]

/** Only objects can be AWS errors; the SDK's classifiers read properties without a guard. */
const asSdkError = (error: unknown): SdkError | undefined =>
  error !== null && typeof error === 'object' ? (error as SdkError) : undefined

/**
 * Throttling as the AWS SDK itself judges it (HTTP 429, ThrottlingException, SlowDown, …):
 * the very classification its retry strategy uses, so the two never disagree.
 */
export function isThrottling(error: unknown): boolean {
  const sdkError = asSdkError(error)
  return sdkError !== undefined && isThrottlingError(sdkError)
}

/**
 * True for what another try later may fix: throttling, timeouts, dropped or refused
 * connections and 5xx answers, by the SDK's own classification. It goes by error names,
 * status codes and socket codes only, never by message text: a service's answer whose text
 * happens to mention a network or a timeout (a ValidationException about
 * networkConfiguration) is final.
 */
export function isTransient(error: unknown): boolean {
  const sdkError = asSdkError(error)
  if (sdkError === undefined) return false
  return isThrottlingError(sdkError) || isTransientError(sdkError) || isServerError(sdkError)
}

export interface RetryOptions {
  /** Tries in all, the first included. */
  attempts?: number
  baseDelayMs?: number
  maxDelayMs?: number
  retryable?: (error: unknown) => boolean
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
 * would multiply the requests (see the README's "Retries").
 */
export async function withRetry<T>(
  operation: () => Promise<T>,
  {
    attempts = 6,
    baseDelayMs = 500,
    maxDelayMs = 20_000,
    retryable = isTransient,
    onRetry,
    sleep = realSleep,
    random = Math.random,
    signal
  }: RetryOptions = {}
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
