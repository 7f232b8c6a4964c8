import { createHash } from 'node:crypto'
import type { SensorConditions } from './config.js'
import type { ListedObject, ObjectLister } from './lister.js'
import type { WaitTarget } from './target.js'

/** What one poke saw. */
export interface Observation {
  /** The objects that match, in key order (the marker and folder placeholders left out). */
  objects: ListedObject[]
  /** For a list of keys: the ones that do not exist yet. */
  missingKeys: string[]
  /** The marker object, when one is required and exists. */
  marker?: ListedObject
}

/** Exact keys looked up at once, at most. */
const KEY_LOOKUP_CONCURRENCY = 8

/**
 * Looks once at what the sensor waits for. A prefix or glob is listed under its literal
 * prefix only; an exact key is a one-key listing of that key (the key itself sorts before
 * every longer key it prefixes), so s3:ListBucket is the only permission needed.
 */
export async function observe(
  target: WaitTarget,
  conditions: Pick<SensorConditions, 'markerKey'>,
  lister: ObjectLister,
  signal?: AbortSignal
): Promise<Observation> {
  const { markerKey } = conditions
  const lookUp = async (key: string): Promise<ListedObject | undefined> =>
    (await lister.list(key, 1, signal)).find(object => object.key === key)

  let objects: ListedObject[]
  let missingKeys: string[] = []
  let listed: ListedObject[] | undefined
  let listedPrefix = ''
  switch (target.kind) {
    case 'key': {
      const found = await lookUp(target.key)
      objects = found ? [found] : []
      break
    }
    case 'keys': {
      const found = await mapBounded(target.keys, KEY_LOOKUP_CONCURRENCY, lookUp)
      objects = found.filter((object): object is ListedObject => object !== undefined)
      missingKeys = target.keys.filter((_key, index) => found[index] === undefined)
      break
    }
    case 'prefix':
    case 'glob': {
      listedPrefix = target.prefix
      listed = await lister.list(target.prefix, undefined, signal)
      // Keys ending in `/` are the empty "folder" objects consoles create, not data.
      objects = listed.filter(
        object =>
          !object.key.endsWith('/') &&
          object.key !== markerKey &&
          (target.kind === 'prefix' || target.matches(object.key))
      )
      break
    }
  }

  let marker: ListedObject | undefined
  if (markerKey !== undefined) {
    marker =
      listed && markerKey.startsWith(listedPrefix)
        ? listed.find(object => object.key === markerKey)
        : await lookUp(markerKey)
  }
  objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  return { objects, missingKeys, marker }
}

async function mapBounded<T, R>(
  items: readonly T[],
  concurrency: number,
  map: (item: T) => Promise<R>
): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      results[index] = await map(items[index])
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker))
  return results
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
