import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { errorName } from '../core/errors.js'
import { s3Location } from '../core/s3-uri.js'
import type { Logger } from '../core/log.js'
import type { JobFile } from './settings.js'

/**
 * Uploads a repository file to `<staging-uri>/<sha256 of its content>/<file name>`, so the
 * run uses exactly this commit's code and an unchanged file is uploaded once. Returns the
 * S3 URI the run should use; S3 files are used as they are.
 */
export async function stageJobFile(
  s3: S3Client,
  file: JobFile,
  stagingUri: string | undefined,
  logger: Logger
): Promise<string> {
  if (file.kind === 's3') return file.uri
  if (!stagingUri) throw new Error(`no staging-uri to upload ${file.shown} to`)
  const content = await readFile(file.path)
  const digest = createHash('sha256').update(content).digest('hex')
  const { bucket, key: prefix } = s3Location(stagingUri)
  const key = [prefix.replace(/\/+$/, ''), digest, path.basename(file.path)]
    .filter(Boolean)
    .join('/')
  const uri = `s3://${bucket}/${key}`
  if (await objectExists(s3, bucket, key)) {
    logger.info(`${file.shown} is already staged at ${uri}`)
    return uri
  }
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: content }))
  logger.info(`Staged ${file.shown} at ${uri}`)
  return uri
}

async function objectExists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
    return true
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
    if (['NotFound', 'NoSuchKey'].includes(errorName(error)) || status === 404) return false
    // Without s3:ListBucket (not among the documented staging permissions) S3 answers a
    // missing key with 403: upload it, and let PutObject say whether writing is allowed.
    if (['Forbidden', 'AccessDenied'].includes(errorName(error)) || status === 403) return false
    throw error
  }
}
