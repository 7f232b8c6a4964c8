import type { EMRServerlessClient } from '@aws-sdk/client-emr-serverless'
import type { S3Client } from '@aws-sdk/client-s3'
import type { AwsClientSettings } from '../core/aws.js'
import { createEmrServerlessClient, createS3Client, type SdkRetry } from '../core/aws-clients.js'

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
  timeouts: EmrRequestTimeouts = EMR_REQUEST_TIMEOUTS,
  retry: SdkRetry = {}
): EmrClients {
  const emrTimeouts = { connectionMs: timeouts.connectionMs, requestMs: timeouts.emrRequestMs }
  return {
    emr: createEmrServerlessClient(settings, emrTimeouts, retry),
    emrSubmit: createEmrServerlessClient(settings, emrTimeouts, { ...retry, maxAttempts: 1 }),
    s3: createS3Client(
      settings,
      env,
      { connectionMs: timeouts.connectionMs, requestMs: timeouts.s3RequestMs },
      retry
    )
  }
}
