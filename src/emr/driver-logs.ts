import { createInterface } from 'node:readline'
import { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { errorMessage, errorName } from '../core/errors.js'
import type { Logger } from '../core/log.js'
import { s3Location } from '../core/s3-uri.js'

export type DriverStream = 'stderr' | 'stdout'

export interface DriverLogTail {
  stream: DriverStream
  /** Where the log was looked for (the last place tried when several were). */
  uri: string
  /** The last lines, oldest first; undefined when the log could not be read. */
  lines?: string[]
  /** Why there are no lines, in words for the user. */
  problem?: string
}

/**
 * Where EMR Serverless writes a run's driver logs under the S3 log URI:
 * `<logUri>/applications/<app>/jobs/<run>/SPARK_DRIVER/<stream>.gz`, and for a run that its
 * retry policy re-ran, `.../jobs/<run>/attempts/<attempt>/SPARK_DRIVER/<stream>.gz`. The
 * attempt folder is tried first, then the run's own folder.
 */
export function driverLogUris(
  logUri: string,
  applicationId: string,
  jobRunId: string,
  stream: DriverStream,
  attempt?: number
): string[] {
  const run = `${logUri.replace(/\/+$/, '')}/applications/${applicationId}/jobs/${jobRunId}`
  const uris = [`${run}/SPARK_DRIVER/${stream}.gz`]
  if (attempt && attempt > 1) uris.unshift(`${run}/attempts/${attempt}/SPARK_DRIVER/${stream}.gz`)
  return uris
}

/** The last `maxLines` lines of a driver log; a missing or unreadable log is said in words. */
export async function readDriverLogTail(
  s3: S3Client,
  logUri: string,
  applicationId: string,
  jobRunId: string,
  stream: DriverStream,
  { attempt, maxLines = 50 }: { attempt?: number | undefined; maxLines?: number } = {}
): Promise<DriverLogTail> {
  const uris = driverLogUris(logUri, applicationId, jobRunId, stream, attempt)
  let problem = ''
  for (const uri of uris) {
    const { bucket, key } = s3Location(uri)
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
      const lines = await tailLines(object.Body as Readable, maxLines, key.endsWith('.gz'))
      return { stream, uri, lines }
    } catch (error) {
      const name = errorName(error)
      if (name === 'NoSuchKey' || name === 'NotFound') {
        problem = `no ${stream} log at ${uris.join(' or ')} (the driver may not have started, or it logs elsewhere)`
        continue
      }
      if (name === 'AccessDenied') {
        return {
          stream,
          uri,
          problem: `cannot read ${uri}: access denied (the action needs s3:GetObject on the log location)`
        }
      }
      return { stream, uri, problem: `cannot read ${uri}: ${name}: ${errorMessage(error)}` }
    }
  }
  // driverLogUris gives at least the run's own log, last.
  return { stream, uri: uris[uris.length - 1]!, problem }
}

/** Streams the object (gunzipped) and keeps only the last lines, so a 128 MB log stays cheap. */
async function tailLines(body: Readable, maxLines: number, gzipped: boolean): Promise<string[]> {
  const source = body instanceof Readable ? body : Readable.from(body as AsyncIterable<Uint8Array>)
  const text = gzipped ? source.pipe(createGunzip()) : source
  const tail: string[] = []
  const failure = new Promise<never>((_, reject) => {
    text.once('error', reject)
    source.once('error', reject)
  })
  const reading = (async () => {
    for await (const line of createInterface({ input: text, crlfDelay: Infinity })) {
      tail.push(line)
      if (tail.length > maxLines) tail.shift()
    }
    return tail
  })()
  return Promise.race([reading, failure])
}

/**
 * Prints the last lines of a failed run's driver stderr and stdout in collapsible groups
 * (or one line saying why they cannot be shown) and returns them for the summary.
 */
export async function showDriverLogs(
  s3: S3Client,
  logUri: string | undefined,
  applicationId: string,
  jobRunId: string,
  attempt: number | undefined,
  logger: Logger,
  maxLines = 50
): Promise<DriverLogTail[]> {
  if (!logUri) {
    logger.info(
      'No S3 log location (log-uri) is set, so the driver logs cannot be shown here: set log-uri to see them in this log'
    )
    return []
  }
  const tails: DriverLogTail[] = []
  for (const stream of ['stderr', 'stdout'] as const) {
    let tail: DriverLogTail
    try {
      tail = await readDriverLogTail(s3, logUri, applicationId, jobRunId, stream, {
        attempt,
        maxLines
      })
    } catch (error) {
      tail = {
        stream,
        uri: logUri,
        problem: `cannot read the ${stream} log: ${errorMessage(error)}`
      }
    }
    if (tail.lines) {
      logger.group(
        `Driver ${stream} of job run ${jobRunId} (last ${tail.lines.length} lines of ${tail.uri})`,
        tail.lines
      )
    } else {
      logger.info(`Driver ${stream}: ${tail.problem}`)
    }
    tails.push(tail)
  }
  return tails
}
