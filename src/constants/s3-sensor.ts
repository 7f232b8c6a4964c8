import { AwsInput, RecordInput } from './shared.js'

/** The inputs of s3-sensor/action.yml, by the names the code reads them under. */
export const S3SensorInput = {
  ...AwsInput,
  ...RecordInput,
  Bucket: 'bucket',
  Key: 'key',
  Keys: 'keys',
  MinObjects: 'min-objects',
  MinObjectBytes: 'min-object-bytes',
  MinTotalBytes: 'min-total-bytes',
  SuccessMarker: 'success-marker',
  SettleTime: 'settle-time',
  PokeInterval: 'poke-interval',
  Backoff: 'backoff',
  MaxPokeInterval: 'max-poke-interval',
  Timeout: 'timeout',
  CountAll: 'count-all',
  SoftFail: 'soft-fail'
} as const

/** The outputs s3-sensor/action.yml declares. */
export const S3SensorOutput = {
  Found: 'found',
  Count: 'count',
  TotalBytes: 'total-bytes',
  Keys: 'keys',
  WaitedSeconds: 'waited-seconds'
} as const

export type S3SensorOutputName = (typeof S3SensorOutput)[keyof typeof S3SensorOutput]

/**
 * The defaults the code applies to an empty input: each equals action.yml's (a test compares them).
 */
export const S3SensorDefault = {
  MinObjects: 1,
  MinObjectBytes: 0,
  MinTotalBytes: 0,
  SettleTime: '0s',
  PokeInterval: '60s',
  Backoff: false,
  MaxPokeInterval: '10m',
  Timeout: '1h',
  CountAll: false,
  SoftFail: false
} as const
