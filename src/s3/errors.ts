import { errorMessage, errorName, UserError } from '../core/errors.js'

const CREDENTIALS_REJECTED = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidToken',
  'TokenRefreshRequired',
  'InvalidClientTokenId',
  'UnrecognizedClientException'
])

const WRONG_REGION = new Set([
  'PermanentRedirect',
  'AuthorizationHeaderMalformed',
  'IllegalLocationConstraintException'
])

function httpStatus(error: unknown): number | undefined {
  const status = (error as { $metadata?: { httpStatusCode?: unknown } } | undefined)?.$metadata
    ?.httpStatusCode
  return typeof status === 'number' ? status : undefined
}

/**
 * Turns the S3 errors no retry can fix into one line that says what to check; undefined
 * for anything else (transient errors are retried, unknown ones reported as they are).
 */
export function explainS3Error(
  error: unknown,
  bucket: string,
  prefix: string
): UserError | undefined {
  const name = errorName(error)
  const status = httpStatus(error)
  const where = `s3://${bucket}/${prefix}`
  if (name === 'NoSuchBucket') {
    return new UserError(
      `Bucket '${bucket}' does not exist (NoSuchBucket): check the 'bucket' input (or the bucket in the s3:// URI) and that the credentials are for the right AWS account`
    )
  }
  if (
    name === 'AccessDenied' ||
    name === 'AllAccessDisabled' ||
    (status === 403 && !CREDENTIALS_REJECTED.has(name))
  ) {
    return new UserError(
      `Access denied listing ${where} (${name}): check that the role has s3:ListBucket on arn:aws:s3:::${bucket} for the prefix '${prefix}' and that no bucket policy, SCP or VPC endpoint policy denies it`
    )
  }
  if (CREDENTIALS_REJECTED.has(name)) {
    return new UserError(
      `AWS rejected the credentials (${name}): check that aws-actions/configure-aws-credentials ran earlier in this job, for the right account, and that its session has not expired`
    )
  }
  if (WRONG_REGION.has(name) || status === 301) {
    return new UserError(
      `Bucket '${bucket}' is not in region this action uses (${name}): set the 'region' input (or AWS_REGION) to the bucket's region`
    )
  }
  if (
    name === 'CredentialsProviderError' ||
    /could not load credentials/i.test(errorMessage(error))
  ) {
    return new UserError(
      'No AWS credentials found: run aws-actions/configure-aws-credentials (OIDC) before this step, or set AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY'
    )
  }
  return undefined
}
