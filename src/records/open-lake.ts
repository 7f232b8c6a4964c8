import type { AwsClientSettings } from '../core/aws.js'
import { createS3Client } from '../core/aws-clients.js'
import { LakeBucket, LakeFolder, type Lake, type LakeRoot } from './lake.js'

/**
 * The lake at `root`. An s3:// root uses the action's AWS settings, or the runner's region
 * (AWS_REGION, as aws-actions/configure-aws-credentials sets it) when the action has none.
 */
export function openLake(
  root: LakeRoot,
  aws: AwsClientSettings | undefined,
  env: NodeJS.ProcessEnv = process.env
): Lake {
  if (root.kind === 'local') return new LakeFolder(root.dir)
  const settings = aws ?? {
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    maxAttempts: 3
  }
  return new LakeBucket(createS3Client(settings, env), root.bucket, root.prefix)
}
