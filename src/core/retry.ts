import { errorName } from './errors.js'
import { sleep as realSleep, type Sleep } from './sleep.js'

/** Error names AWS (and the SDK) use for throttling. */
const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException'
])

/** Error names and network codes worth another try: the service or the path had a moment. */
const TRANSIENT = new Set([
  'InternalServerException',
  'InternalServerError',
  'InternalError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'NetworkingError',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT'
])

export function isThrottling(error: unknown): boolean {
  return THROTTLING.has(errorName(error)) || httpStatus(error) === 429
}

/** True for throttling, 5xx answers and dropped or refused connections. */
export function isTransient(error: unknown): boolean {
  if (isThrottling(error)) return true
  if (TRANSIENT.has(errorName(error))) return true
  const code = (error as { code?: unknown } | undefined)?.code
  if (typeof code === 'string' && TRANSIENT.has(code)) return true
  const status = httpStatus(error)
  if (status !== undefined) return status >= 500
  // The SDK wraps some socket failures in errors whose only clue is the message. Only errors
  // that carry no service answer are read this way: a service error whose text happens to
  // mention a network or a timeout (a ValidationException about networkConfiguration) is final.
  const message = error instanceof Error ? error.message : ''
  return /socket hang up|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|other side closed|socket disconnected|request timed? ?out|connection timed? ?out/i.test(
    message
  )
}

function httpStatus(error: unknown): number | undefined {
  const metadata = (error as { $metadata?: { httpStatusCode?: unknown } } | undefined)?.$metadata
  return typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined
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
