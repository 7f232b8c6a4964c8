import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3'

/** What the sensor needs to know about one object. */
export interface ListedObject {
  key: string
  size: number
  etag: string
  /** Milliseconds since the epoch; 0 when S3 did not say. */
  lastModified: number
}

/** Lists objects by key prefix. The sensor sees only this, so tests can use a Map. */
export interface ObjectLister {
  /**
   * Every object whose key starts with `prefix`, in key order, or only the first `limit`.
   * Never lists outside the prefix. `signal` abandons requests still in flight.
   */
  list(prefix: string, limit?: number, signal?: AbortSignal): Promise<ListedObject[]>
}

/** ListObjectsV2 answers at most this many keys a page. */
const PAGE_SIZE = 1000

/** ListObjectsV2, page after page, under one prefix. Counts its requests for the report. */
export class S3Lister implements ObjectLister {
  /** ListObjectsV2 requests sent (each page is one). */
  requests = 0

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string
  ) {}

  async list(prefix: string, limit = Infinity, signal?: AbortSignal): Promise<ListedObject[]> {
    const objects: ListedObject[] = []
    let continuationToken: string | undefined
    do {
      this.requests++
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          ContinuationToken: continuationToken,
          MaxKeys: Math.min(PAGE_SIZE, limit - objects.length)
        }),
        { abortSignal: signal }
      )
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue
        objects.push({
          key: object.Key,
          size: object.Size ?? 0,
          etag: object.ETag ?? '',
          lastModified: object.LastModified?.getTime() ?? 0
        })
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (continuationToken && objects.length < limit)
    return objects
  }
}
