import type { Clock } from '../../../src/core/sleep.js'
import type { ListedObject, ListRequest, ObjectLister } from '../../../src/s3/lister.js'

/**
 * A clock whose sleep returns at once after moving time forward, running whatever the test
 * scheduled for that moment: the sensor's waiting logic runs in microseconds.
 */
export class FakeClock implements Clock {
  time = 0
  readonly sleeps: number[] = []
  private events: { at: number; run: () => void }[] = []

  now = (): number => this.time

  sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms)
    this.time += ms
    const due = this.events.filter(event => event.at <= this.time)
    this.events = this.events.filter(event => event.at > this.time)
    for (const event of due.sort((a, b) => a.at - b.at)) event.run()
  }

  /** Runs `run` once the clock has reached `at` ms. */
  at(at: number, run: () => void): this {
    this.events.push({ at, run })
    return this
  }
}

/**
 * An in-memory bucket that lists like S3 (key order, prefix only, pages of `pageSize`,
 * CommonPrefixes for a folder listing) and counts its requests, one per page.
 */
export class MemoryBucket implements ObjectLister {
  readonly objects = new Map<string, ListedObject>()
  /** The prefix of each listing (pages after the first not repeated). */
  readonly listedPrefixes: string[] = []
  /** The prefix of each folder (Delimiter) listing. */
  readonly folderPrefixes: string[] = []
  requests = 0
  private version = 0

  constructor(private readonly pageSize = 1000) {}

  /** The objects in key order, kept until the next change (tests list 60,000 keys). */
  private sorted?: ListedObject[] | undefined

  put(key: string, size = 10): this {
    this.version++
    this.objects.set(key, { key, size, etag: `"etag-${this.version}"`, lastModified: this.version })
    this.sorted = undefined
    return this
  }

  delete(key: string): this {
    this.objects.delete(key)
    this.sorted = undefined
    return this
  }

  private under(prefix: string): ListedObject[] {
    this.sorted ??= [...this.objects.values()].sort((a, b) => (a.key < b.key ? -1 : 1))
    const sorted = this.sorted
    let low = 0
    let high = sorted.length
    while (low < high) {
      const middle = (low + high) >> 1
      // low <= middle < high <= sorted.length
      if (sorted[middle]!.key < prefix) low = middle + 1
      else high = middle
    }
    let end = low
    while (end < sorted.length && sorted[end]!.key.startsWith(prefix)) end++
    return sorted.slice(low, end)
  }

  async list(
    prefix: string,
    { limit = Infinity, onPage }: ListRequest = {}
  ): Promise<ListedObject[]> {
    this.listedPrefixes.push(prefix)
    const all = this.under(prefix).slice(0, limit)
    const listed: ListedObject[] = []
    for (let start = 0; ; start += this.pageSize) {
      this.requests++
      const page = all.slice(start, start + this.pageSize)
      listed.push(...page)
      const more = start + this.pageSize < all.length
      if (onPage?.(page, more) || !more) return listed
    }
  }

  async folders(prefix: string): Promise<string[]> {
    this.folderPrefixes.push(prefix)
    // Folders and keys at the level share the pages, as in S3.
    const entries = new Set<string>()
    const folders: string[] = []
    for (const { key } of this.under(prefix)) {
      const slash = key.indexOf('/', prefix.length)
      const entry = slash >= 0 ? key.slice(0, slash + 1) : key
      if (entries.has(entry)) continue
      entries.add(entry)
      if (slash >= 0) folders.push(entry)
    }
    this.requests += Math.max(1, Math.ceil(entries.size / this.pageSize))
    return folders
  }
}
