import { formatDuration } from '../core/duration.js'
import { awsClientSettings, type AwsClientSettings } from '../core/aws.js'
import { InputError } from '../core/errors.js'
import type { Inputs } from '../core/inputs.js'
import { markerKey, parseTarget, type WaitTarget } from './target.js'

/** Defaults, as in action.yml (the seed's S3KeySensor: timeout 3600 s, poke 60 s). */
export const SENSOR_DEFAULTS = {
  timeout: '1h',
  pokeInterval: '60s',
  maxPokeInterval: '10m',
  settleTime: '0s'
} as const

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
  const lone = /\r(?!\n)/.exec(inputs.raw('keys'))
  if (lone) {
    throw new InputError(
      'keys',
      `one key per line, without a carriage return inside a line (one at character ${lone.index + 1})`
    )
  }
  const target = parseTarget({
    bucket: inputs.string('bucket'),
    key: inputs.string('key'),
    keys: inputs.list('keys')
  })

  const minObjects = inputs.integer('min-objects', 1, { min: 0 })
  const most = target.kind === 'key' ? 1 : target.kind === 'keys' ? target.keys.length : undefined
  if (most !== undefined && minObjects > most) {
    throw new InputError(
      'min-objects',
      `at most ${most} when waiting for ${most === 1 ? 'one key' : `a list of ${most} keys`}`,
      String(minObjects)
    )
  }
  const marker = inputs.string('success-marker')

  const timeoutMs = inputs.duration('timeout', SENSOR_DEFAULTS.timeout, {
    min: 1000,
    max: MAX_TIMEOUT_MS
  })
  const pokeIntervalMs = inputs.duration('poke-interval', SENSOR_DEFAULTS.pokeInterval, {
    min: MIN_POKE_MS
  })
  if (pokeIntervalMs > timeoutMs) {
    throw new InputError(
      'poke-interval',
      `a duration no longer than timeout (${formatDuration(timeoutMs)})`,
      inputs.raw('poke-interval')
    )
  }
  const backoff = inputs.boolean('backoff', false)
  const maxPokeIntervalMs = inputs.duration('max-poke-interval', SENSOR_DEFAULTS.maxPokeInterval, {
    min: MIN_POKE_MS
  })
  if (backoff && maxPokeIntervalMs < pokeIntervalMs) {
    throw new InputError(
      'max-poke-interval',
      `a duration of at least poke-interval (${formatDuration(pokeIntervalMs)}) when backoff is on`,
      inputs.raw('max-poke-interval') || SENSOR_DEFAULTS.maxPokeInterval
    )
  }
  const settleMs = inputs.duration('settle-time', SENSOR_DEFAULTS.settleTime, { min: 0 })
  if (settleMs >= timeoutMs) {
    throw new InputError(
      'settle-time',
      `a duration shorter than timeout (${formatDuration(timeoutMs)}), or 0 for none`,
      inputs.raw('settle-time')
    )
  }

  return {
    target,
    conditions: {
      minObjects,
      minObjectBytes: inputs.integer('min-object-bytes', 0, { min: 0 }),
      minTotalBytes: inputs.integer('min-total-bytes', 0, { min: 0 }),
      markerKey: marker ? markerKey(target, marker) : undefined,
      settleMs
    },
    timing: {
      pokeIntervalMs,
      backoff,
      maxPokeIntervalMs: backoff ? maxPokeIntervalMs : pokeIntervalMs,
      timeoutMs,
      softFail: inputs.boolean('soft-fail', false)
    },
    countAll: inputs.boolean('count-all', false),
    aws: awsClientSettings(inputs, env)
  }
}
