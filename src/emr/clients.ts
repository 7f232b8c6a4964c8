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

export function createEmrClients(
  settings: AwsClientSettings,
  env: NodeJS.ProcessEnv = process.env
): EmrClients {
  const common = { region: settings.region, endpoint: settings.endpoint }
  return {
    emr: new EMRServerlessClient({ ...common, maxAttempts: settings.maxAttempts }),
    emrSubmit: new EMRServerlessClient({ ...common, maxAttempts: 1 }),
    s3: new S3Client({
      ...common,
      maxAttempts: settings.maxAttempts,
      // Local peers and VPC endpoints serve buckets by path, not by virtual host.
      forcePathStyle: Boolean(settings.endpoint || env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL)
    })
  }
}
