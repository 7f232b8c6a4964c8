import {
  compileGlob,
  globSegments,
  literalPrefix,
  unescapeKey,
  type GlobSegment,
  type KeyMatcher
} from './glob.js'
import type { ListedObject } from './lister.js'
import { mapBounded } from './map-bounded.js'

/** Folders listed (or keys looked up) at once, at most, when a poke needs every object. */
const CONCURRENCY = 8

/** What the walk asks of the poke it is part of, which counts what matched. */
export interface WalkListings {
  /** The poke has seen enough matching objects to be decided. */
  readonly enough: boolean
  /** Matches still wanted (at least 1; Infinity when every object is). */
  readonly stillWanted: number
  /** Notes that folders were left out because the poke was decided. */
  skipped(): void
  isData(object: ListedObject): boolean
  lookUp(key: string): Promise<ListedObject | undefined>
  listUnder(prefix: string): Promise<ListedObject[]>
  folders(prefix: string): Promise<string[]>
}

/**
 * A glob walked segment by segment: literal segments are taken as they are, a wildcard in a
 * middle segment lists only the folders at that level (Delimiter `/`) and goes on under the
 * ones that match, and the segment that needs objects is listed (or, when the rest is
 * literal, looked up as one key) under each matching folder. A segment that may match
 * across `/` (`**`) ends the walk: everything under it is listed.
 */
export class FolderWalk {
  private readonly segments: GlobSegment[]
  /** Matchers of the glob up to and including a segment, by segment, compiled when needed. */
  private readonly upTo = new Map<number, KeyMatcher | undefined>()

  constructor(
    private readonly poke: WalkListings,
    glob: string
  ) {
    this.segments = globSegments(glob)
  }

  /** A matcher of the folder path down to segment `index`; undefined if it cannot be read. */
  private folderMatcher(index: number): KeyMatcher | undefined {
    if (!this.upTo.has(index)) {
      const glob = this.segments
        .slice(0, index + 1)
        .map(segment => segment.text)
        .join('/')
      let matcher: KeyMatcher | undefined
      try {
        matcher = compileGlob(glob)
      } catch {
        matcher = undefined
      }
      this.upTo.set(index, matcher)
    }
    return this.upTo.get(index)
  }

  /** The matching objects under `folder`, whose path covers the segments before `from`. */
  async collect(folder: string, from: number): Promise<ListedObject[]> {
    const rest = this.segments
      .slice(from)
      .map(segment => segment.text)
      .join('/')
    const wild = this.segments.findIndex((segment, index) => index >= from && segment.wild)
    if (wild < 0) {
      const found = await this.poke.lookUp(folder + unescapeKey(rest))
      return found && this.poke.isData(found) ? [found] : []
    }
    const base = folder + literalPrefix(rest)
    const matches = this.folderMatcher(wild)
    // wild is an index findIndex found.
    if (wild === this.segments.length - 1 || this.segments[wild]!.crosses || !matches) {
      return this.poke.listUnder(base)
    }
    const folders = (await this.poke.folders(base)).filter(path => matches(path.slice(0, -1)))
    const lookupsOnly = !this.segments.slice(wild + 1).some(segment => segment.wild)
    return this.eachFolder(folders, lookupsOnly, path => this.collect(path, wild + 1))
  }

  /**
   * Runs `collect` for each folder in key order, in rounds, and stops between rounds once
   * the poke is decided. A round is as large as the matches still wanted when each folder
   * gives at most one key (an exact lookup), else one folder; a poke that lists everything
   * runs CONCURRENCY at a time. Rounds of a fixed size keep the request count the same from
   * run to run.
   */
  private async eachFolder(
    folders: readonly string[],
    lookupsOnly: boolean,
    collect: (folder: string) => Promise<ListedObject[]>
  ): Promise<ListedObject[]> {
    const found: ListedObject[] = []
    let next = 0
    while (next < folders.length) {
      if (this.poke.enough) {
        this.poke.skipped()
        break
      }
      const everything = !Number.isFinite(this.poke.stillWanted)
      const round = everything
        ? CONCURRENCY
        : lookupsOnly
          ? Math.min(CONCURRENCY, this.poke.stillWanted)
          : 1
      const batch = folders.slice(next, next + round)
      next += batch.length
      for (const objects of await mapBounded(batch, CONCURRENCY, collect)) found.push(...objects)
    }
    return found
  }
}
