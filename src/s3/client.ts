import { S3Client } from '@aws-sdk/client-s3'
import type { AwsClientSettings } from '../core/aws.js'

/**
 * An S3 client for the sensor. A custom endpoint (input or AWS_ENDPOINT_URL_S3 /
 * AWS_ENDPOINT_URL) means a local peer or gateway, which needs path-style addressing.
 * Request timeouts keep one stuck connection from eating the whole sensor timeout.
 */
export function createS3Client(
  settings: AwsClientSettings,
  env: NodeJS.ProcessEnv = process.env
): S3Client {
  const customEndpoint = Boolean(
    settings.endpoint || env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL
  )
  return new S3Client({
    region: settings.region,
    endpoint: settings.endpoint,
    forcePathStyle: customEndpoint,
    maxAttempts: settings.maxAttempts,
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 }
  })
}
