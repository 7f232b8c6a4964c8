import { S3SensorOutput } from '../constants/s3-sensor.js'
import { formatDuration } from '../core/duration.js'
import { code, detailsList, join, safeMd, table, type Markdown } from '../core/markdown.js'
import { formatBytes } from './conditions.js'
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
  [S3SensorOutput.Found]: boolean
  [S3SensorOutput.Count]: number
  [S3SensorOutput.TotalBytes]: number
  [S3SensorOutput.Keys]: string
  [S3SensorOutput.WaitedSeconds]: number
}

export function sensorOutputs(result: SensorResult): SensorOutputs {
  return {
    [S3SensorOutput.Found]: result.found,
    [S3SensorOutput.Count]: result.objects.length,
    [S3SensorOutput.TotalBytes]: result.totalBytes,
    [S3SensorOutput.Keys]: JSON.stringify(
      result.objects.slice(0, MAX_OUTPUT_KEYS).map(object => object.key)
    ),
    [S3SensorOutput.WaitedSeconds]: Math.round(result.waitedMs / 1000)
  }
}

/** What was waited for, with what the listing covered. */
function waitedFor(config: SensorConfig): Markdown {
  const { target } = config
  const where = code(describeTarget(target))
  switch (target.kind) {
    case 'glob':
      return walksFolders(target.glob)
        ? safeMd`${where} (glob, walking the folders under ${code(`s3://${target.bucket}/${target.prefix}`)})`
        : safeMd`${where} (glob, listing only ${code(`s3://${target.bucket}/${target.prefix}`)})`
    case 'prefix':
      return safeMd`${where} (every object under the prefix)`
    case 'key':
      return safeMd`${where} (one key)`
    case 'keys': {
      const shown = target.keys.slice(0, 5).map(key => code(`s3://${target.bucket}/${key}`))
      const more = target.keys.length - shown.length
      return safeMd`all of ${join(shown, ', ')}${more > 0 ? ` and ${more} more` : ''}`
    }
  }
}

/** The job summary: one table of what was waited for, each condition, and the result. */
export function sensorSummary(config: SensorConfig, result: SensorResult): Markdown {
  const state = result.found
    ? 'found'
    : config.timing.softFail
      ? 'not found (soft-fail: later jobs can skip)'
      : 'timed out'
  const mark = (met: boolean): string => (met ? '✅' : '❌')
  const count = String(result.objects.length)
  const rows: (string | Markdown)[][] = [
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
      `${formatDuration(result.waitedMs)} of ${formatDuration(config.timing.timeoutMs)} (${result.pokes} poke${result.pokes === 1 ? '' : 's'}${result.listRequests === undefined ? '' : `, ${result.listRequests} ListObjectsV2 request${result.listRequests === 1 ? '' : 's'}`})`,
      ''
    ]
  ]
  const summary = safeMd`### S3 sensor: ${state}

${table(['', 'value', 'ok'], rows)}
${result.message}
`
  if (!result.objects.length) return summary
  const shown = result.objects.slice(0, SUMMARY_KEYS)
  const more = result.objects.length - shown.length
  const items = shown.map(object => safeMd`${code(object.key)} (${formatBytes(object.size)})`)
  if (more > 0) items.push(safeMd`… and ${more} more`)
  return safeMd`${summary}
${detailsList(`Matched keys (${result.objects.length})`, items)}`
}

/** The job summary when the sensor stopped on an error (access denied, no such bucket, …). */
export function sensorErrorSummary(config: SensorConfig, message: string): Markdown {
  const rows = [
    ['waited for', waitedFor(config)],
    ['found', 'false'],
    ['error', message.split('\n')[0]]
  ]
  return safeMd`### S3 sensor: failed

${table(['', 'value'], rows)}`
}
