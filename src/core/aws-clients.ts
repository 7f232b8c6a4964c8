import { EMRServerlessClient } from '@aws-sdk/client-emr-serverless'
import { S3Client } from '@aws-sdk/client-s3'
import { StandardRetryStrategy } from '@smithy/core/retry'
import type { AwsClientSettings } from './aws.js'

/**
 * Every AWS client the actions use comes from here, so that each request is retried in one
 * place only: the SDK's standard retry strategy (its own throttling, transient-error and
 * clock-skew classification, exponential backoff with full jitter, Retry-After hints, and a
 * per-client retry quota that stops retry storms). The actions' loops own deadlines and
 * states; they never send again a request the SDK has already retried (docs/operations.md, "Retries and alerts").
 */

export interface RequestTimeouts {
  /** Opening the connection. */
  connectionMs: number
  /** Sending the request and receiving the answer's headers. */
  requestMs: number
}

/** For small answers: a minute without one means a stalled connection. */
export const REQUEST_TIMEOUTS: RequestTimeouts = { connectionMs: 10_000, requestMs: 60_000 }

/**
 * Base of the backoff for transient errors (a dropped connection, a 5xx): the SDK's own 50 ms
 * suits interactive calls, while a pipeline step would rather wait seconds than fail. The
 * SDK keeps its 1 s base for throttling and its 20 s cap.
 */
const TRANSIENT_RETRY_BASE_MS = 500

export interface SdkRetry {
  /** Tries per request, the first included; the settings' maxAttempts unless given. */
  maxAttempts?: number
  /**
   * For tests: the pause before retry number `retry` (0-based) instead of the SDK's jittered
   * backoff, so that counting requests does not mean waiting for them.
   */
  retryDelayMs?: (retry: number) => number
}

/**
 * What every client shares: region and endpoint, the retry strategy, and request timeouts
 * (without throwOnRequestTimeout the SDK only warns when a request outlives its timeout, and
 * a stalled request would hold the step until the job's own limit).
 */
function clientConfig(settings: AwsClientSettings, timeouts: RequestTimeouts, retry: SdkRetry) {
  const maxAttempts = retry.maxAttempts ?? settings.maxAttempts
  const hook = retry.retryDelayMs
  const backoff = hook && { computeNextBackoffDelay: hook, setDelayBase: () => undefined }
  return {
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    maxAttempts,
    retryStrategy: new StandardRetryStrategy({
      maxAttempts,
      baseDelay: TRANSIENT_RETRY_BASE_MS,
      ...(backoff ? { backoff } : {})
    }),
    requestHandler: {
      connectionTimeout: timeouts.connectionMs,
      requestTimeout: timeouts.requestMs,
      throwOnRequestTimeout: true
    }
  }
}

/**
 * An S3 client. A custom endpoint (input, AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL) means a
 * local peer, gateway or VPC endpoint, which serves buckets by path, not by virtual host.
 */
export function createS3Client(
  settings: AwsClientSettings,
  env: NodeJS.ProcessEnv = process.env,
  timeouts: RequestTimeouts = REQUEST_TIMEOUTS,
  retry: SdkRetry = {}
): S3Client {
  return new S3Client({
    ...clientConfig(settings, timeouts, retry),
    forcePathStyle: Boolean(settings.endpoint || env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL)
  })
}

/** An EMR Serverless client (the SDK itself honours AWS_ENDPOINT_URL_EMR_SERVERLESS). */
export function createEmrServerlessClient(
  settings: AwsClientSettings,
  timeouts: RequestTimeouts = REQUEST_TIMEOUTS,
  retry: SdkRetry = {}
): EMRServerlessClient {
  return new EMRServerlessClient(clientConfig(settings, timeouts, retry))
}
