import { formatDuration } from '../core/duration.js'
import { setMaxListeners } from 'node:events'
import { errorMessage, errorName } from '../core/errors.js'
import type { Logger } from '../core/log.js'
import { isTransient } from '../core/aws-errors.js'
import type { Clock } from '../core/sleep.js'
import { evaluate, formatBytes, type ConditionResult } from './conditions.js'
import type { SensorConditions, SensorTiming } from './config.js'
import { explainS3Error } from './errors.js'
import type { ListedObject, ObjectLister } from './lister.js'
import { fingerprint, ListingUnfinished, observe, type Observation } from './observe.js'
import { describeTarget, type WaitTarget } from './target.js'

export interface SensorOptions {
  target: WaitTarget
  conditions: SensorConditions
  timing: SensorTiming
  lister: ObjectLister & { requests?: number }
  clock: Clock
  logger: Logger
  /** List every matching object at each poke, so count, bytes and keys cover them all. */
  countAll?: boolean
  /**
   * Walk folders (Delimiter `/`) for a glob whose first wildcard is in a middle segment; false
   * lists its whole literal prefix, the old way (kept to measure it side by side).
   */
  walkFolders?: boolean
}

export interface SensorResult {
  found: boolean
  /**
   * The matched objects of the last successful poke, in key order: all of them when
   * `complete`, else the first ones (at least min-objects), where the listing stopped.
   */
  objects: ListedObject[]
  /** False when the last successful poke stopped listing once enough objects matched. */
  complete: boolean
  totalBytes: number
  waitedMs: number
  pokes: number
  /** ListObjectsV2 requests sent, when the lister counts them. */
  listRequests?: number | undefined
  /** The conditions as the last successful poke saw them (empty when none succeeded). */
  conditions: ConditionResult[]
  /** One line: what was found, or what was still missing at the timeout. */
  message: string
}

/**
 * Pokes until every condition holds or the timeout passes. Throttling and transient
 * errors are retried by the S3 client, request by request; a poke that still fails is
 * logged and the next poke tries again, so only the timeout ends an unlucky wait. Errors no retry can fix (access
 * denied, no such bucket, rejected credentials) end it at once with what to check.
 */
export async function runSensor(options: SensorOptions): Promise<SensorResult> {
  const { timing, clock } = options
  const start = clock.now()
  const untilDeadline = (): number => Math.max(0, start + timing.timeoutMs - clock.now())
  // A request that hangs (the SDK's own timeouts and retries can take minutes) must not
  // carry the sensor far past its timeout: requests still open a little after the
  // deadline are abandoned, and a long listing starts no page after that.
  const abandonAt = timing.timeoutMs + Math.min(60_000, Math.max(1000, timing.timeoutMs / 10))
  const overrun = new AbortController()
  // Every request of a poke listens on this one signal (a folder walk has up to 8 lookups
  // in flight, each with its retries): more than Node's default of 10 is expected, not a leak.
  setMaxListeners(100, overrun.signal)
  const overrunTimer = setTimeout(
    () => overrun.abort(new Error('the sensor timeout passed while S3 had not answered')),
    abandonAt
  )
  try {
    return await pokeUntilDone(options, {
      start,
      untilDeadline,
      overtime: () => clock.now() - start >= abandonAt,
      signal: overrun.signal
    })
  } finally {
    clearTimeout(overrunTimer)
  }
}

interface Deadline {
  start: number
  untilDeadline: () => number
  overtime: () => boolean
  signal: AbortSignal
}

/** The inputs that make every poke list every matching object, by name; empty when none. */
export function needEveryObject(conditions: SensorConditions, countAll = false): string[] {
  const reasons: string[] = []
  if (conditions.settleMs > 0) reasons.push('settle-time')
  if (conditions.minObjectBytes > 0) reasons.push('min-object-bytes')
  if (conditions.minTotalBytes > 0) reasons.push('min-total-bytes')
  if (countAll) reasons.push('count-all')
  return reasons
}

async function pokeUntilDone(
  options: SensorOptions,
  { start, untilDeadline, overtime, signal }: Deadline
): Promise<SensorResult> {
  const { target, conditions, timing, lister, clock, logger } = options
  const listedPrefix = target.kind === 'glob' || target.kind === 'prefix' ? target.prefix : ''

  const everyObject = needEveryObject(conditions, options.countAll)
  const lists = target.kind === 'glob' || target.kind === 'prefix'
  if (lists && everyObject.length) {
    logger.info(
      `Each poke lists every matching object under s3://${target.bucket}/${listedPrefix}: ${everyObject.join(', ')} ${everyObject.length === 1 ? 'needs' : 'need'} all of them`
    )
  }
  const observeOptions = {
    wanted: everyObject.length ? Infinity : Math.max(1, conditions.minObjects),
    walkFolders: options.walkFolders ?? true,
    overtime,
    signal
  }

  let interval = timing.pokeIntervalMs
  let lastFingerprint: string | undefined
  let stableSince = start
  let observation: Observation | undefined
  let results: ConditionResult[] = []
  let lastError: string | undefined
  let unfinished: string | undefined

  for (let poke = 1; ; poke++) {
    let pokeFailed = false
    try {
      // No retry here: the client has retried each request already (docs/operations.md, "Retries and alerts").
      const seen = await observe(target, conditions, lister, observeOptions)
      const now = clock.now()
      const print = fingerprint(seen)
      if (print !== lastFingerprint) {
        lastFingerprint = print
        stableSince = now
      }
      observation = seen
      lastError = undefined
      unfinished = undefined
      results = evaluate(target, conditions, seen, now - stableSince)
    } catch (error) {
      const explained = explainS3Error(error, target.bucket, listedPrefix)
      if (explained) throw explained
      const cutOff = error instanceof ListingUnfinished
      if (!cutOff && !isTransient(error) && !signal.aborted) throw error
      pokeFailed = true
      if (cutOff) {
        unfinished = `listing had not finished when the ${formatDuration(timing.timeoutMs)} timeout passed (${error.listed.toLocaleString('en-US')} objects listed)`
        lastError = unfinished
        logger.warning(`Poke ${poke}: ${unfinished}`)
      } else {
        lastError = signal.aborted
          ? errorMessage(signal.reason)
          : `${errorName(error)}: ${errorMessage(error).split('\n')[0]}`
        logger.warning(
          `Poke ${poke}: S3 did not answer after ${triesOf(error)} tr${triesOf(error) === 1 ? 'y' : 'ies'} (${lastError}); trying again at the next poke`
        )
      }
    }

    const waitedMs = clock.now() - start
    const objects = observation?.objects ?? []
    const totalBytes = objects.reduce((sum, object) => sum + object.size, 0)
    const complete = observation?.complete ?? true
    const counted = `${complete ? '' : 'at least '}${objects.length} object${objects.length === 1 ? '' : 's'}`
    const missing = results
      .filter(result => !result.met)
      .map(result => result.missing ?? result.condition)
    const finish = (found: boolean, message: string): SensorResult => ({
      found,
      objects,
      complete,
      totalBytes,
      waitedMs,
      pokes: poke,
      listRequests: lister.requests,
      conditions: results,
      message
    })

    if (!pokeFailed && missing.length === 0) {
      return finish(
        true,
        `Found ${counted} (${complete ? formatBytes(totalBytes) : 'the listing stopped once min-objects matched'}) for ${describeTarget(target)} after ${formatDuration(waitedMs)}`
      )
    }
    if (untilDeadline() === 0 || signal.aborted) {
      const why = observation ? missing.join(', ') : (unfinished ?? 'S3 never answered a poke')
      const failure =
        lastError && (observation || !unfinished) ? `; last poke failed: ${lastError}` : ''
      return finish(
        false,
        `Timed out after ${formatDuration(timing.timeoutMs)} waiting for ${describeTarget(target)}: ${why}${failure}`
      )
    }

    let pause = Math.min(interval, untilDeadline())
    const onlySettling =
      !pokeFailed && results.every(result => result.met || result.id === 'settle')
    if (onlySettling) {
      // Everything is there: look again as soon as the settle time could have passed.
      pause = Math.max(1, Math.min(pause, stableSince + conditions.settleMs - clock.now()))
    }
    if (!pokeFailed) {
      logger.info(
        `Poke ${poke} (${formatDuration(waitedMs)} in): ${counted}, ${formatBytes(totalBytes)}; still missing: ${missing.join('; ')}; next poke in ${formatDuration(pause)}`
      )
    }
    await clock.sleep(pause)
    if (timing.backoff) interval = Math.min(interval * 2, timing.maxPokeIntervalMs)
  }
}

/** Tries the SDK made for the request that failed (it records them on the error). */
function triesOf(error: unknown): number {
  const attempts = (error as { $metadata?: { attempts?: unknown } } | undefined)?.$metadata
    ?.attempts
  return typeof attempts === 'number' && attempts > 0 ? attempts : 1
}
