import { formatDuration } from '../core/duration.js'
import type { SensorConditions } from './config.js'
import type { Observation } from './observe.js'
import { describeTarget, type WaitTarget } from './target.js'

/** One condition's outcome, as the summary table and the log show it. */
export interface ConditionResult {
  id: 'objects' | 'keys' | 'object-size' | 'total-size' | 'marker' | 'settle'
  condition: string
  required: string
  observed: string
  met: boolean
  /** What is still missing, in a few words, when not met. */
  missing?: string | undefined
}

/** How many offending keys a message names before it says "and N more". */
const NAMED_KEYS = 3

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`
}

function nameSome(items: readonly string[]): string {
  const named = items.slice(0, NAMED_KEYS).join(', ')
  return items.length > NAMED_KEYS ? `${named} and ${items.length - NAMED_KEYS} more` : named
}

/**
 * Checks every condition against one observation. `stableForMs` is how long the observation
 * has been unchanged (the sensor tracks it across pokes).
 */
export function evaluate(
  target: WaitTarget,
  conditions: SensorConditions,
  observation: Observation,
  stableForMs: number
): ConditionResult[] {
  const { objects } = observation
  const count = objects.length
  const totalBytes = objects.reduce((sum, object) => sum + object.size, 0)
  const results: ConditionResult[] = []

  if (target.kind === 'keys') {
    const missing = observation.missingKeys
    results.push({
      id: 'keys',
      condition: 'keys exist',
      required: `all ${target.keys.length}`,
      observed: `${target.keys.length - missing.length} of ${target.keys.length}`,
      met: missing.length === 0 && count >= conditions.minObjects,
      missing: missing.length ? `keys not found: ${nameSome(missing)}` : undefined
    })
  } else {
    const where = target.kind === 'glob' ? 'matching' : target.kind === 'key' ? 'at' : 'under'
    const met = count >= conditions.minObjects
    results.push({
      id: 'objects',
      condition: 'objects',
      required: `at least ${conditions.minObjects}`,
      observed: String(count),
      met,
      missing: met
        ? undefined
        : `${count} of min ${conditions.minObjects} object${conditions.minObjects === 1 ? '' : 's'} ${where} ${describeTarget(target)}`
    })
  }

  if (conditions.minObjectBytes > 0) {
    const small = objects.filter(object => object.size < conditions.minObjectBytes)
    const smallest = objects.reduce<number | undefined>(
      (least, object) => (least === undefined || object.size < least ? object.size : least),
      undefined
    )
    results.push({
      id: 'object-size',
      condition: 'size of each object',
      required: `at least ${formatBytes(conditions.minObjectBytes)}`,
      observed: smallest === undefined ? 'no objects' : `smallest ${formatBytes(smallest)}`,
      met: small.length === 0,
      missing: small.length
        ? `${small.length} object${small.length === 1 ? '' : 's'} smaller than ${formatBytes(conditions.minObjectBytes)}: ${nameSome(small.map(object => `${object.key} (${formatBytes(object.size)})`))}`
        : undefined
    })
  }

  if (conditions.minTotalBytes > 0) {
    const met = totalBytes >= conditions.minTotalBytes
    results.push({
      id: 'total-size',
      condition: 'total size',
      required: `at least ${formatBytes(conditions.minTotalBytes)}`,
      observed: formatBytes(totalBytes),
      met,
      missing: met
        ? undefined
        : `total ${formatBytes(totalBytes)} of min ${formatBytes(conditions.minTotalBytes)}`
    })
  }

  if (conditions.markerKey !== undefined) {
    const found = observation.marker !== undefined
    results.push({
      id: 'marker',
      condition: 'success marker',
      required: `s3://${target.bucket}/${conditions.markerKey}`,
      observed: found ? 'found' : 'not found',
      met: found,
      missing: found ? undefined : `marker ${conditions.markerKey} not found`
    })
  }

  if (conditions.settleMs > 0) {
    const met = stableForMs >= conditions.settleMs
    results.push({
      id: 'settle',
      condition: 'settled (nothing new or changed)',
      required: `for ${formatDuration(conditions.settleMs)}`,
      observed: `for ${formatDuration(stableForMs)}`,
      met,
      missing: met
        ? undefined
        : `unchanged for ${formatDuration(stableForMs)} of the ${formatDuration(conditions.settleMs)} settle time`
    })
  }
  return results
}
