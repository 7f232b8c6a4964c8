import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry'

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
