import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client
} from '@aws-sdk/client-s3'

/** An S3 client for the local moto peer (path-style, as any non-AWS endpoint needs). */
export function motoClient(endpoint: string): S3Client {
  return new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true })
}

export async function createBucket(client: S3Client, bucket: string): Promise<void> {
  await client.send(new CreateBucketCommand({ Bucket: bucket }))
}

/** Uploads objects with at most `concurrency` PutObject requests in flight. */
export async function putObjects(
  client: S3Client,
  bucket: string,
  objects: readonly { key: string; body?: string }[],
  concurrency = 16
): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < objects.length) {
      // next < objects.length: the loop's test, with no await in between.
      const { key, body = 'x' } = objects[next++]!
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }))
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, objects.length) }, worker))
}

/** Deletes every object in the bucket, leaving the bucket: a clean slate for the next test. */
export async function emptyBucket(client: S3Client, bucket: string): Promise<void> {
  let continuationToken: string | undefined
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: continuationToken })
    )
    const keys = (page.Contents ?? []).flatMap(object => (object.Key ? [{ Key: object.Key }] : []))
    if (keys.length) {
      await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }))
    }
    continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined
  } while (continuationToken)
}

/** Counts the requests a client sends (each attempt), by command name: ListObjectsV2Command, … */
export function countRequests(client: S3Client): Record<string, number> {
  const counts: Record<string, number> = {}
  client.middlewareStack.add(
    (next, context) => async args => {
      const command = context.commandName ?? 'unknown'
      counts[command] = (counts[command] ?? 0) + 1
      return next(args)
    },
    { step: 'deserialize', name: 'countRequests' }
  )
  return counts
}
