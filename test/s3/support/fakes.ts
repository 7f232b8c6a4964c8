import type { Clock } from '../../../src/core/sleep.js'
import type { ListedObject, ObjectLister } from '../../../src/s3/lister.js'

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

/** An in-memory bucket that lists like S3 (key order, prefix only) and counts its listings. */
export class MemoryBucket implements ObjectLister {
  readonly objects = new Map<string, ListedObject>()
  readonly listedPrefixes: string[] = []
  requests = 0
  private version = 0

  put(key: string, size = 10): this {
    this.version++
    this.objects.set(key, { key, size, etag: `"etag-${this.version}"`, lastModified: this.version })
    return this
  }

  delete(key: string): this {
    this.objects.delete(key)
    return this
  }

  async list(prefix: string, limit = Infinity): Promise<ListedObject[]> {
    this.requests++
    this.listedPrefixes.push(prefix)
    return [...this.objects.values()]
      .filter(object => object.key.startsWith(prefix))
      .sort((a, b) => (a.key < b.key ? -1 : 1))
      .slice(0, limit)
  }
}
