import { createWriteStream, readFileSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { gzipSync } from 'node:zlib'
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { group } from '../../../src/core/regex.js'

/** `s3://bucket/key` → parts; undefined when it is not an S3 URI. */
export function s3Location(uri: string): { bucket: string; key: string } | undefined {
  const match = /^s3a?:\/\/([^/]+)\/(.+)$/.exec(uri)
  return match ? { bucket: group(match, 1), key: group(match, 2) } : undefined
}

/**
 * The local file a job run uses for a file the request names, as EMR Serverless does it:
 * `s3://…` is downloaded into the run's folder (keeping its name, so `--files` land in the
 * driver's working directory; a `#name` suffix is kept for spark-submit). Nothing of the
 * machine is used: a file of the EMR Serverless image (which StartJobRun lets through) has
 * no local copy, unless the launcher maps it to one first (the image's Iceberg jar).
 */
export async function fetchJobFile(s3: S3Client, uri: string, runDir: string): Promise<string> {
  const hash = uri.indexOf('#')
  const [object, alias] = hash < 0 ? [uri, ''] : [uri.slice(0, hash), uri.slice(hash)]
  const location = s3Location(object)
  if (!location) {
    throw new Error(
      `${uri}: a file of the EMR Serverless image, which this local service does not have (stage it to S3)`
    )
  }
  const file = path.join(runDir, path.posix.basename(location.key))
  await mkdir(runDir, { recursive: true })
  try {
    const object = await s3.send(
      new GetObjectCommand({ Bucket: location.bucket, Key: location.key })
    )
    await pipeline(object.Body as Readable, createWriteStream(file))
  } catch (error) {
    const name = (error as { name?: string }).name ?? 'Error'
    throw new Error(`cannot fetch ${uri}: ${name}`, { cause: error })
  }
  return `${file}${alias}`
}

/** `<logUri>/applications/<app>/jobs/<run>/SPARK_DRIVER/<stream>.gz`, the service's layout. */
export function driverLogUri(
  logUri: string,
  applicationId: string,
  jobRunId: string,
  stream: 'stdout' | 'stderr'
): string {
  return `${logUri.replace(/\/+$/, '')}/applications/${applicationId}/jobs/${jobRunId}/SPARK_DRIVER/${stream}.gz`
}

/** Uploads a local log file gzipped. */
export async function uploadGzipped(s3: S3Client, uri: string, file: string): Promise<void> {
  const location = s3Location(uri)
  if (!location) throw new Error(`${uri}: expected an s3:// URI`)
  await s3.send(
    new PutObjectCommand({
      Bucket: location.bucket,
      Key: location.key,
      Body: gzipSync(readFileSync(file)),
      ContentType: 'application/gzip'
    })
  )
}
