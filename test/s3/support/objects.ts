import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'

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
      const { key, body = 'x' } = objects[next++]
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }))
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, objects.length) }, worker))
}
