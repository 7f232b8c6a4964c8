import { EMRServerlessClient } from '@aws-sdk/client-emr-serverless'
import { S3Client } from '@aws-sdk/client-s3'
import type { AwsClientSettings } from '../core/aws.js'

export interface EmrClients {
  emr: EMRServerlessClient
  /**
   * StartJobRun without SDK retries: a retried submission after a dropped connection could
   * start a second run where the service does not honour the client token, so the action
   * looks for the run it may have started before it tries again.
   */
  emrSubmit: EMRServerlessClient
  s3: S3Client
}

/** How long one request may take before it fails (and is retried like a dropped connection). */
export interface EmrRequestTimeouts {
  connectionMs: number
  /** EMR Serverless calls: small answers, so a minute means a stalled connection. */
  emrRequestMs: number
  /** S3 calls: uploads of staged files and driver logs may take longer. */
  s3RequestMs: number
}

export const EMR_REQUEST_TIMEOUTS: EmrRequestTimeouts = {
  connectionMs: 10_000,
  emrRequestMs: 60_000,
  s3RequestMs: 300_000
}

export function createEmrClients(
  settings: AwsClientSettings,
  env: NodeJS.ProcessEnv = process.env,
  timeouts: EmrRequestTimeouts = EMR_REQUEST_TIMEOUTS
): EmrClients {
  const common = { region: settings.region, endpoint: settings.endpoint }
  // Without throwOnRequestTimeout the SDK only warns when a request outlives its timeout, and
  // a stalled poll would hold the step far past wait-timeout.
  const handler = (requestMs: number) => ({
    requestHandler: {
      connectionTimeout: timeouts.connectionMs,
      requestTimeout: requestMs,
      throwOnRequestTimeout: true
    }
  })
  return {
    emr: new EMRServerlessClient({
      ...common,
      maxAttempts: settings.maxAttempts,
      ...handler(timeouts.emrRequestMs)
    }),
    emrSubmit: new EMRServerlessClient({
      ...common,
      maxAttempts: 1,
      ...handler(timeouts.emrRequestMs)
    }),
    s3: new S3Client({
      ...common,
      maxAttempts: settings.maxAttempts,
      // Local peers and VPC endpoints serve buckets by path, not by virtual host.
      forcePathStyle: Boolean(settings.endpoint || env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL),
      ...handler(timeouts.s3RequestMs)
    })
  }
}
