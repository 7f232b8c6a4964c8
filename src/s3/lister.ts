import {
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  type S3Client
} from '@aws-sdk/client-s3'
import { abortable } from '../core/aws-request.js'

/** What the sensor needs to know about one object. */
export interface ListedObject {
  key: string
  size: number
  etag: string
  /** Milliseconds since the epoch; 0 when S3 did not say. */
  lastModified: number
}

export interface ListRequest {
  /** At most this many objects (a one-key lookup asks for 1). */
  limit?: number
  /**
   * Called with each page as it arrives; `more` says whether another page follows. Returning
   * true stops the listing there (throwing ends it with that error).
   */
  onPage?: (page: readonly ListedObject[], more: boolean) => boolean | void
  /** Abandons requests still in flight. */
  signal?: AbortSignal | undefined
}

/** Lists objects and folders by key prefix. The sensor sees only this, so tests can use a Map. */
export interface ObjectLister {
  /** The objects whose key starts with `prefix`, in key order. Never lists outside it. */
  list(prefix: string, request?: ListRequest): Promise<ListedObject[]>
  /**
   * The folders one level below `prefix` (ListObjectsV2's CommonPrefixes with Delimiter
   * `/`), in key order, each ending in `/`. Objects at that level are left out.
   */
  folders(prefix: string, signal?: AbortSignal): Promise<string[]>
}

/** ListObjectsV2 answers at most this many keys (and common prefixes) a page. */
const PAGE_SIZE = 1000

/** ListObjectsV2, page after page, under one prefix. Counts its requests for the report. */
export class S3Lister implements ObjectLister {
  /** ListObjectsV2 requests sent (each page is one). */
  requests = 0

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string
  ) {}

  async list(
    prefix: string,
    { limit = Infinity, onPage, signal }: ListRequest = {}
  ): Promise<ListedObject[]> {
    const objects: ListedObject[] = []
    const pages = this.pages(
      { Prefix: prefix },
      () => Math.min(PAGE_SIZE, limit - objects.length),
      signal
    )
    for await (const { page, more } of pages) {
      const listed: ListedObject[] = []
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue
        listed.push({
          key: object.Key,
          size: object.Size ?? 0,
          etag: object.ETag ?? '',
          lastModified: object.LastModified?.getTime() ?? 0
        })
      }
      objects.push(...listed)
      const continues = more && objects.length < limit
      if (onPage?.(listed, continues) || !continues) break
    }
    return objects
  }

  async folders(prefix: string, signal?: AbortSignal): Promise<string[]> {
    const folders: string[] = []
    for await (const { page } of this.pages(
      { Prefix: prefix, Delimiter: '/' },
      () => PAGE_SIZE,
      signal
    )) {
      for (const common of page.CommonPrefixes ?? []) {
        if (common.Prefix !== undefined) folders.push(common.Prefix)
      }
    }
    return folders
  }

  /** ListObjectsV2 page after page; the caller stops early by leaving the loop. */
  private async *pages(
    request: { Prefix: string; Delimiter?: string },
    maxKeys: () => number,
    signal: AbortSignal | undefined
  ): AsyncGenerator<{ page: ListObjectsV2CommandOutput; more: boolean }> {
    let continuationToken: string | undefined
    do {
      this.requests++
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          ...request,
          ContinuationToken: continuationToken,
          MaxKeys: maxKeys()
        }),
        abortable(signal)
      )
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined
      yield { page, more: Boolean(continuationToken) }
    } while (continuationToken)
  }
}
