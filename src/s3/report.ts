import { cell, table } from '../core/markdown.js'
import { formatBytes, formatWait } from './conditions.js'
import type { SensorConfig } from './config.js'
import type { SensorResult } from './sensor.js'
import { walksFolders } from './glob.js'
import { describeTarget } from './target.js'

/**
 * The `keys` output holds at most this many keys (the first, in key order): step outputs
 * are limited in size, and `count` gives the number of keys the sensor saw.
 */
export const MAX_OUTPUT_KEYS = 1000

/** Why count and bytes can be short of everything there is. */
const STOPPED_EARLY =
  'the listing stopped once min-objects matched; count-all: true lists every object'

/** Keys shown in the job summary's collapsible list. */
const SUMMARY_KEYS = 50

export interface SensorOutputs {
  found: boolean
  count: number
  'total-bytes': number
  keys: string
  'waited-seconds': number
}

export function sensorOutputs(result: SensorResult): SensorOutputs {
  return {
    found: result.found,
    count: result.objects.length,
    'total-bytes': result.totalBytes,
    keys: JSON.stringify(result.objects.slice(0, MAX_OUTPUT_KEYS).map(object => object.key)),
    'waited-seconds': Math.round(result.waitedMs / 1000)
  }
}

/** What was waited for, with what the listing covered. */
function waitedFor(config: SensorConfig): string {
  const { target } = config
  const where = `\`${describeTarget(target)}\``
  switch (target.kind) {
    case 'glob':
      return walksFolders(target.glob)
        ? `${where} (glob, walking the folders under s3://${target.bucket}/${target.prefix})`
        : `${where} (glob, listing only s3://${target.bucket}/${target.prefix})`
    case 'prefix':
      return `${where} (every object under the prefix)`
    case 'key':
      return `${where} (one key)`
    case 'keys': {
      const shown = target.keys.slice(0, 5).map(key => `\`s3://${target.bucket}/${key}\``)
      const more = target.keys.length - shown.length
      return `all of ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`
    }
  }
}

/** The job summary: one table of what was waited for, each condition, and the result. */
export function sensorSummary(config: SensorConfig, result: SensorResult): string {
  const state = result.found
    ? 'found'
    : config.timing.softFail
      ? 'not found (soft-fail: later jobs can skip)'
      : 'timed out'
  const mark = (met: boolean): string => (met ? '✅' : '❌')
  const count = String(result.objects.length)
  const rows: string[][] = [
    ['waited for', waitedFor(config), ''],
    ...result.conditions.map(condition => [
      condition.condition,
      `${condition.observed} (required: ${condition.required})`,
      mark(condition.met)
    ]),
    ['found', String(result.found), mark(result.found)],
    ['count', result.complete ? count : `at least ${count} (${STOPPED_EARLY})`, ''],
    [
      'bytes',
      `${result.totalBytes} (${formatBytes(result.totalBytes)})${result.complete ? '' : ' of the objects listed'}`,
      ''
    ],
    [
      'waited',
      `${formatWait(result.waitedMs)} of ${formatWait(config.timing.timeoutMs)} (${result.pokes} poke${result.pokes === 1 ? '' : 's'}${result.listRequests === undefined ? '' : `, ${result.listRequests} ListObjectsV2 request${result.listRequests === 1 ? '' : 's'}`})`,
      ''
    ]
  ]
  let markdown = `### S3 sensor: ${state}\n\n${table(['', 'value', 'ok'], rows)}\n${cell(result.message)}\n`
  if (result.objects.length) {
    const shown = result.objects.slice(0, SUMMARY_KEYS)
    const more = result.objects.length - shown.length
    const lines = shown.map(object => `- \`${cell(object.key)}\` (${formatBytes(object.size)})`)
    if (more > 0) lines.push(`- … and ${more} more`)
    markdown += `\n<details><summary>Matched keys (${result.objects.length})</summary>\n\n${lines.join('\n')}\n\n</details>\n`
  }
  return markdown
}

/** The job summary when the sensor stopped on an error (access denied, no such bucket, …). */
export function sensorErrorSummary(config: SensorConfig, message: string): string {
  const rows = [
    ['waited for', waitedFor(config)],
    ['found', 'false'],
    ['error', message.split('\n')[0]]
  ]
  return `### S3 sensor: failed\n\n${table(['', 'value'], rows)}`
}
