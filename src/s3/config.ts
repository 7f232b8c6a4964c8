import { S3SensorDefault, S3SensorInput } from '../constants/s3-sensor.js'
import { formatDuration } from '../core/duration.js'
import { awsClientSettings, type AwsClientSettings } from '../core/aws.js'
import { InputError } from '../core/errors.js'
import type { Inputs } from '../core/inputs.js'
import { markerKey, parseTarget, type WaitTarget } from './target.js'

/** The shortest poke interval accepted: anything faster only burns ListBucket requests. */
const MIN_POKE_MS = 100

/** The longest timeout: no runner keeps a job longer (self-hosted jobs end after 5 days). */
const MAX_TIMEOUT_MS = 5 * 86_400_000

export interface SensorConditions {
  minObjects: number
  /** Every matched object must be at least this large. */
  minObjectBytes: number
  minTotalBytes: number
  /** The marker object's key, when one is required. */
  markerKey?: string | undefined
  /** How long nothing may change before success; 0 = no settle period. */
  settleMs: number
}

export interface SensorTiming {
  pokeIntervalMs: number
  backoff: boolean
  maxPokeIntervalMs: number
  timeoutMs: number
  softFail: boolean
}

export interface SensorConfig {
  target: WaitTarget
  conditions: SensorConditions
  timing: SensorTiming
  /** List every matching object at each poke, so count, total-bytes and keys cover all. */
  countAll: boolean
  aws: AwsClientSettings
}

/**
 * Reads and checks every sensor input. Throws an InputError naming the first bad input;
 * nothing here talks to AWS, so a bad input never sends a request.
 */
export function readSensorConfig(
  inputs: Inputs,
  env: NodeJS.ProcessEnv = process.env
): SensorConfig {
  // One key per line: a carriage return that does not end a line (before a newline) is part
  // of no key anyone meant, and must not split one key into two requests.
  const lone = /\r(?!\n)/.exec(inputs.raw(S3SensorInput.Keys))
  if (lone) {
    throw new InputError(
      S3SensorInput.Keys,
      `one key per line, without a carriage return inside a line (one at character ${lone.index + 1})`
    )
  }
  const target = parseTarget({
    bucket: inputs.string(S3SensorInput.Bucket),
    key: inputs.string(S3SensorInput.Key),
    keys: inputs.list(S3SensorInput.Keys)
  })

  const minObjects = inputs.integer(S3SensorInput.MinObjects, S3SensorDefault.MinObjects, {
    min: 0
  })
  const most = target.kind === 'key' ? 1 : target.kind === 'keys' ? target.keys.length : undefined
  if (most !== undefined && minObjects > most) {
    throw new InputError(
      S3SensorInput.MinObjects,
      `at most ${most} when waiting for ${most === 1 ? 'one key' : `a list of ${most} keys`}`,
      String(minObjects)
    )
  }
  const marker = inputs.string(S3SensorInput.SuccessMarker)

  const timeoutMs = inputs.duration(S3SensorInput.Timeout, S3SensorDefault.Timeout, {
    min: 1000,
    max: MAX_TIMEOUT_MS
  })
  const pokeIntervalMs = inputs.duration(S3SensorInput.PokeInterval, S3SensorDefault.PokeInterval, {
    min: MIN_POKE_MS
  })
  if (pokeIntervalMs > timeoutMs) {
    throw new InputError(
      S3SensorInput.PokeInterval,
      `a duration no longer than timeout (${formatDuration(timeoutMs)})`,
      inputs.raw(S3SensorInput.PokeInterval)
    )
  }
  const backoff = inputs.boolean(S3SensorInput.Backoff, S3SensorDefault.Backoff)
  const maxPokeIntervalMs = inputs.duration(
    S3SensorInput.MaxPokeInterval,
    S3SensorDefault.MaxPokeInterval,
    {
      min: MIN_POKE_MS
    }
  )
  if (backoff && maxPokeIntervalMs < pokeIntervalMs) {
    throw new InputError(
      S3SensorInput.MaxPokeInterval,
      `a duration of at least poke-interval (${formatDuration(pokeIntervalMs)}) when backoff is on`,
      inputs.raw(S3SensorInput.MaxPokeInterval) || S3SensorDefault.MaxPokeInterval
    )
  }
  const settleMs = inputs.duration(S3SensorInput.SettleTime, S3SensorDefault.SettleTime, { min: 0 })
  if (settleMs >= timeoutMs) {
    throw new InputError(
      S3SensorInput.SettleTime,
      `a duration shorter than timeout (${formatDuration(timeoutMs)}), or 0 for none`,
      inputs.raw(S3SensorInput.SettleTime)
    )
  }

  return {
    target,
    conditions: {
      minObjects,
      minObjectBytes: inputs.integer(S3SensorInput.MinObjectBytes, S3SensorDefault.MinObjectBytes, {
        min: 0
      }),
      minTotalBytes: inputs.integer(S3SensorInput.MinTotalBytes, S3SensorDefault.MinTotalBytes, {
        min: 0
      }),
      markerKey: marker ? markerKey(target, marker) : undefined,
      settleMs
    },
    timing: {
      pokeIntervalMs,
      backoff,
      maxPokeIntervalMs: backoff ? maxPokeIntervalMs : pokeIntervalMs,
      timeoutMs,
      softFail: inputs.boolean(S3SensorInput.SoftFail, S3SensorDefault.SoftFail)
    },
    countAll: inputs.boolean(S3SensorInput.CountAll, S3SensorDefault.CountAll),
    aws: awsClientSettings(inputs, env)
  }
}
