import { S3Client } from '@aws-sdk/client-s3'
import type { AwsClientSettings } from '../core/aws.js'

export interface RequestTimeouts {
  /** Opening the connection. */
  connectionMs: number
  /** Sending the request and receiving the answer's headers. */
  requestMs: number
}

export const S3_REQUEST_TIMEOUTS: RequestTimeouts = { connectionMs: 10_000, requestMs: 60_000 }

/**
 * An S3 client for the sensor. A custom endpoint (input or AWS_ENDPOINT_URL_S3 /
 * AWS_ENDPOINT_URL) means a local peer or gateway, which needs path-style addressing.
 * Request timeouts keep one stuck connection from eating the whole sensor timeout: the SDK
 * only warns when a request outlives its timeout unless told to throw.
 */
export function createS3Client(
  settings: AwsClientSettings,
  env: NodeJS.ProcessEnv = process.env,
  timeouts: RequestTimeouts = S3_REQUEST_TIMEOUTS
): S3Client {
  const customEndpoint = Boolean(
    settings.endpoint || env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL
  )
  return new S3Client({
    region: settings.region,
    endpoint: settings.endpoint,
    forcePathStyle: customEndpoint,
    maxAttempts: settings.maxAttempts,
    requestHandler: {
      connectionTimeout: timeouts.connectionMs,
      requestTimeout: timeouts.requestMs,
      throwOnRequestTimeout: true
    }
  })
}
