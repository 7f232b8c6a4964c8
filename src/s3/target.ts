import { S3SensorInput } from '../constants/s3-sensor.js'
import { InputError } from '../core/errors.js'
import {
  bucketNameProblem,
  parseS3Uri as parseSharedS3Uri,
  type S3Location
} from '../core/s3-uri.js'
import {
  compileGlob,
  isGlob,
  literalPrefix,
  unclosedBracket,
  unescapeKey,
  type KeyMatcher
} from './glob.js'

/**
 * What the sensor waits for, in one bucket:
 * - `key`: one exact object;
 * - `prefix`: every object under a key ending in `/`;
 * - `glob`: objects matching a glob, listed only under its literal prefix;
 * - `keys`: a list of exact objects, all of which must exist.
 */
export type WaitTarget =
  | { kind: 'key'; bucket: string; key: string }
  | { kind: 'prefix'; bucket: string; prefix: string }
  | { kind: 'glob'; bucket: string; glob: string; prefix: string; matches: KeyMatcher }
  | { kind: 'keys'; bucket: string; keys: string[] }

/** S3's limit on key length, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024

export { bucketNameProblem, type S3Location }

/**
 * Splits `s3://bucket/key` into its parts; throws an InputError naming `input` when the
 * text is a URI of the wrong form. Returns undefined for text that is not a URI at all.
 */
export function parseS3Uri(input: string, text: string): S3Location | undefined {
  return parseSharedS3Uri(input, text, {
    keyRequired:
      'an s3://bucket/key URI with a key or prefix after the bucket (the whole bucket is never listed)'
  })
}

/** Control characters (C0, DEL, C1): never part of a key anyone meant (a stray newline, say). */
const CONTROL_CHARACTER = /\p{Cc}/u

const CONTROL_NAMES: Record<string, string> = {
  '\n': 'a newline',
  '\r': 'a carriage return',
  '\t': 'a tab'
}

const codePoint = (char: string): string =>
  `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`

const controlName = (char: string): string =>
  CONTROL_NAMES[char] ?? `control character ${codePoint(char)}`

/** The text with each control character written as an escape, so a message stays one line. */
function showEscaped(text: string): string {
  const escapes: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }
  return text.replace(
    /\p{Cc}/gu,
    char => escapes[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
}

/** Refuses text holding a control character, naming the input and where the character is. */
function checkPrintable(input: string, text: string, what: string): void {
  const found = CONTROL_CHARACTER.exec(text)
  if (!found) return
  throw new InputError(
    input,
    `${what} without control characters (${controlName(found[0])} at character ${found.index + 1})`,
    showEscaped(text)
  )
}

function checkBucket(input: string, bucket: string): void {
  const problem = bucketNameProblem(bucket)
  if (problem) throw new InputError(input, `a valid S3 bucket name (${problem})`, bucket)
}

function checkKey(input: string, key: string): void {
  if (key.startsWith('/')) {
    throw new InputError(
      input,
      'a key without a leading / (S3 keys are relative to the bucket)',
      key
    )
  }
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new InputError(input, `a key of at most ${MAX_KEY_BYTES} bytes`, key)
  }
}

/** Resolves one key-or-URI against the bucket input; the bucket must agree when both are given. */
function locate(input: string, text: string, bucketInput: string): S3Location {
  checkPrintable(input, text, 'a key or s3:// URI')
  const uri = parseS3Uri(input, text)
  if (uri) {
    checkBucket(input, uri.bucket)
    if (bucketInput && bucketInput !== uri.bucket) {
      throw new InputError(
        input,
        `a URI in the bucket given as 'bucket' (${bucketInput}), or no 'bucket' input`,
        text
      )
    }
    return uri
  }
  if (!bucketInput) {
    throw new InputError(
      S3SensorInput.Bucket,
      'a bucket name (it is required unless the key is an s3:// URI)'
    )
  }
  return { bucket: bucketInput, key: text }
}

export interface TargetInputs {
  bucket: string
  key: string
  keys: readonly string[]
}

/** Reads the `bucket`, `key` and `keys` inputs into what to wait for. Sends no request. */
export function parseTarget({ bucket, key, keys }: TargetInputs): WaitTarget {
  checkPrintable('bucket', bucket, 'a bucket name')
  if (bucket) checkBucket('bucket', bucket)
  if (key && keys.length) {
    throw new InputError(S3SensorInput.Keys, "either 'key' or 'keys', not both")
  }
  if (keys.length) return parseKeyList(bucket, keys)
  if (!key) {
    throw new InputError(
      S3SensorInput.Key,
      "a key, a prefix ending in /, a glob or an s3:// URI (or a list in 'keys')"
    )
  }
  const location = locate('key', key, bucket)
  checkKey('key', location.key)
  if (!isGlob(location.key)) {
    const literal = unescapeKey(location.key)
    return literal.endsWith('/')
      ? { kind: 'prefix', bucket: location.bucket, prefix: literal }
      : { kind: 'key', bucket: location.bucket, key: literal }
  }
  const unclosed = unclosedBracket(location.key)
  if (unclosed) {
    const closing = unclosed.char === '[' ? ']' : '}'
    throw new InputError(
      S3SensorInput.Key,
      `a glob whose '${unclosed.char}' at character ${unclosed.position} is closed by '${closing}' (escape it as \\${unclosed.char} to match it literally)`,
      location.key
    )
  }
  let matches: KeyMatcher
  try {
    matches = compileGlob(location.key)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new InputError(S3SensorInput.Key, `a valid glob (${reason})`, location.key)
  }
  const prefix = literalPrefix(location.key)
  if (!prefix) {
    throw new InputError(
      S3SensorInput.Key,
      'a glob that starts with a literal prefix such as bronze/customers/ (one starting with a wildcard would list the whole bucket)',
      location.key
    )
  }
  return { kind: 'glob', bucket: location.bucket, glob: location.key, prefix, matches }
}

function parseKeyList(bucketInput: string, entries: readonly string[]): WaitTarget {
  const located = entries.map(entry => {
    const location = locate('keys', entry, bucketInput)
    checkKey('keys', location.key)
    if (isGlob(location.key) || location.key.endsWith('/')) {
      throw new InputError(
        S3SensorInput.Keys,
        "exact object keys (for a prefix or a glob use 'key')",
        location.key
      )
    }
    return { bucket: location.bucket, key: unescapeKey(location.key) }
  })
  // parseTarget calls this only with keys.
  const bucket = located[0]!.bucket
  const other = located.find(location => location.bucket !== bucket)
  if (other) {
    throw new InputError(
      S3SensorInput.Keys,
      `keys in one bucket (${bucket})`,
      `s3://${other.bucket}/${other.key}`
    )
  }
  return { kind: 'keys', bucket, keys: [...new Set(located.map(location => location.key))] }
}

/** How the target reads in messages: `s3://bucket/prefix/` or `s3://bucket/glob`. */
export function describeTarget(target: WaitTarget): string {
  switch (target.kind) {
    case 'key':
      return `s3://${target.bucket}/${target.key}`
    case 'prefix':
      return `s3://${target.bucket}/${target.prefix}`
    case 'glob':
      return `s3://${target.bucket}/${target.glob}`
    case 'keys':
      return target.keys.length === 1
        ? `s3://${target.bucket}/${target.keys[0]}`
        : `${target.keys.length} keys in s3://${target.bucket}`
  }
}

/**
 * The folder a relative success marker lives in: the prefix's, the glob's literal prefix up
 * to its last `/`, or the key's folder (for a list, the folder all keys share).
 */
export function targetFolder(target: WaitTarget): string {
  const folderOf = (key: string): string => key.slice(0, key.lastIndexOf('/') + 1)
  switch (target.kind) {
    case 'key':
      return folderOf(target.key)
    case 'prefix':
      return target.prefix
    case 'glob':
      return folderOf(target.prefix)
    case 'keys': {
      // A keys target has at least one key (parseKeyList).
      let shared = folderOf(target.keys[0]!)
      for (const key of target.keys) {
        while (!key.startsWith(shared)) shared = folderOf(shared.slice(0, -1))
      }
      return shared
    }
  }
}

/**
 * The marker's key: a name (or relative path) inside the target's folder, or an s3:// URI in
 * the same bucket.
 */
export function markerKey(target: WaitTarget, marker: string): string {
  checkPrintable('success-marker', marker, 'a marker name or s3:// URI')
  const uri = parseS3Uri('success-marker', marker)
  if (uri) {
    if (uri.bucket !== target.bucket) {
      throw new InputError(
        S3SensorInput.SuccessMarker,
        `a marker name, or an s3:// URI in the bucket waited on (${target.bucket})`,
        marker
      )
    }
    checkKey('success-marker', uri.key)
    if (isGlob(uri.key)) {
      throw new InputError(S3SensorInput.SuccessMarker, 'one object, not a glob', marker)
    }
    return unescapeKey(uri.key)
  }
  if (marker.startsWith('/') || isGlob(marker) || marker.endsWith('/')) {
    throw new InputError(
      S3SensorInput.SuccessMarker,
      'an object name such as _SUCCESS (relative to the folder waited on) or an s3:// URI',
      marker
    )
  }
  const key = `${targetFolder(target)}${unescapeKey(marker)}`
  checkKey('success-marker', key)
  return key
}
