import { createHash } from 'node:crypto'
import type { SensorConditions } from './config.js'
import { FolderWalk, type WalkListings } from './folder-walk.js'
import type { ListedObject, ObjectLister } from './lister.js'
import { mapBounded } from './map-bounded.js'
import type { WaitTarget } from './target.js'

/** What one poke saw. */
export interface Observation {
  /** The objects that match, in key order (the marker and folder placeholders left out). */
  objects: ListedObject[]
  /**
   * True when `objects` holds every matching object; false when the listing stopped once
   * enough had matched, and `objects` holds the first ones in key order.
   */
  complete: boolean
  /** For a list of keys: the ones that do not exist yet. */
  missingKeys: string[]
  /** The marker object, when one is required and exists. */
  marker?: ListedObject | undefined
}

export interface ObserveOptions {
  /**
   * Listing stops once this many objects match (it never stops before its first page):
   * Infinity lists every object, as a condition on all of them needs.
   */
  wanted: number
  /**
   * Walk the folders of a glob whose wildcard sits in a middle segment instead of listing
   * its whole literal prefix. Off only to measure the old way side by side.
   */
  walkFolders: boolean
  signal?: AbortSignal | undefined
  /** True once the poke has run so long that a listing must not start another page. */
  overtime?: () => boolean
}

/**
 * A listing that was still going when the sensor's time ran out: what it had listed, for a
 * message that says so rather than blaming S3 for not answering.
 */
export class ListingUnfinished extends Error {
  override name = 'ListingUnfinished'
  constructor(
    readonly listed: number,
    cause?: unknown
  ) {
    super(`listing stopped after ${listed} objects`, { cause })
  }
}

/** Exact keys looked up at once, at most. */
const CONCURRENCY = 8

/**
 * Looks once at what the sensor waits for. A prefix is listed under itself; a glob under its
 * literal prefix, or, when a middle segment holds the first wildcard, folder by folder (a
 * Delimiter walk) down to the segment that needs a listing. An exact key is a one-key
 * listing of that key (it sorts before every longer key it prefixes), so s3:ListBucket is
 * the only permission needed.
 */
export async function observe(
  target: WaitTarget,
  conditions: Pick<SensorConditions, 'markerKey'>,
  lister: ObjectLister,
  options: ObserveOptions
): Promise<Observation> {
  const poke = new Poke(target, conditions.markerKey, lister, options)
  try {
    return await poke.run()
  } catch (error) {
    // Abandoned mid-listing at the deadline: S3 was answering, the listing was just long.
    if (options.signal?.aborted && poke.listed > 0 && !(error instanceof ListingUnfinished)) {
      throw new ListingUnfinished(poke.listed, error)
    }
    throw error
  }
}

/** One poke's listings, with what they have seen so far. */
class Poke implements WalkListings {
  /** Objects received so far (matching or not). */
  listed = 0
  private matched = 0
  private complete = true
  private marker?: ListedObject
  /** Prefixes listed to their end: a marker under one of them that was not seen is absent. */
  private readonly listedFully: string[] = []

  constructor(
    private readonly target: WaitTarget,
    private readonly markerKey: string | undefined,
    private readonly lister: ObjectLister,
    private readonly options: ObserveOptions
  ) {}

  async run(): Promise<Observation> {
    const { target } = this
    let objects: ListedObject[]
    let missingKeys: string[] = []
    switch (target.kind) {
      case 'key': {
        const found = await this.lookUp(target.key)
        objects = found ? [found] : []
        break
      }
      case 'keys': {
        const found = await mapBounded(target.keys, CONCURRENCY, key => this.lookUp(key))
        objects = found.filter((object): object is ListedObject => object !== undefined)
        missingKeys = target.keys.filter((_key, index) => found[index] === undefined)
        break
      }
      case 'prefix':
        objects = await this.listUnder(target.prefix)
        break
      case 'glob':
        objects = this.options.walkFolders
          ? await new FolderWalk(this, target.glob).collect('', 0)
          : await this.listUnder(target.prefix)
        break
    }
    const marker = await this.findMarker()
    objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    return { objects, complete: this.complete, missingKeys, marker }
  }

  get enough(): boolean {
    return this.matched >= this.options.wanted
  }

  /** How many more matches would decide the poke (at least 1, so a listing always starts). */
  get stillWanted(): number {
    return Math.max(1, this.options.wanted - this.matched)
  }

  /** Folders (or keys) skipped because the poke was already decided. */
  skipped(): void {
    this.complete = false
  }

  /** Whether a listed object is data the target waits for. */
  isData(object: ListedObject): boolean {
    const { target } = this
    // Keys ending in `/` are the empty "folder" objects consoles create, not data.
    if (object.key.endsWith('/') || object.key === this.markerKey) return false
    return target.kind !== 'glob' || target.matches(object.key)
  }

  private see(object: ListedObject): boolean {
    if (object.key === this.markerKey) this.marker = object
    return this.isData(object)
  }

  async lookUp(key: string): Promise<ListedObject | undefined> {
    const [first] = await this.lister.list(key, {
      limit: 1,
      signal: this.options.signal,
      onPage: page => {
        this.listed += page.length
      }
    })
    const found = first?.key === key ? first : undefined
    if (found && this.see(found)) this.matched++
    return found
  }

  /** Every matching object under `prefix`, or the first ones once the poke is decided. */
  async listUnder(prefix: string): Promise<ListedObject[]> {
    const matching: ListedObject[] = []
    let stoppedEarly = false
    await this.lister.list(prefix, {
      signal: this.options.signal,
      onPage: (page, more) => {
        this.listed += page.length
        for (const object of page) {
          if (this.see(object)) {
            matching.push(object)
            this.matched++
          }
        }
        if (!more) return false
        if (this.enough) {
          stoppedEarly = true
          return true
        }
        if (this.options.overtime?.()) throw new ListingUnfinished(this.listed)
        return false
      }
    })
    if (stoppedEarly) this.complete = false
    else this.listedFully.push(prefix)
    return matching
  }

  async folders(prefix: string): Promise<string[]> {
    return this.lister.folders(prefix, this.options.signal)
  }

  private async findMarker(): Promise<ListedObject | undefined> {
    const { markerKey } = this
    if (markerKey === undefined || this.marker) return this.marker
    if (this.listedFully.some(prefix => markerKey.startsWith(prefix))) return undefined
    await this.lookUp(markerKey)
    return this.marker
  }
}

/**
 * A fingerprint of everything observed (key, size, ETag, LastModified of each object and the
 * marker): two equal fingerprints mean nothing was added, removed or rewritten in between.
 */
export function fingerprint(observation: Observation): string {
  const describe = (object: ListedObject): string =>
    `${object.key}\u0000${object.size}\u0000${object.etag}\u0000${object.lastModified}`
  const hash = createHash('sha256')
  for (const object of observation.objects) hash.update(`${describe(object)}\n`)
  if (observation.marker) hash.update(`marker\u0000${describe(observation.marker)}`)
  return hash.digest('hex')
}
