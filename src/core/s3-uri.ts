import { InputError } from './errors.js'
import { group } from './regex.js'

export interface S3Location {
  bucket: string
  /** Everything after the bucket's `/`; '' for `s3://bucket` or `s3://bucket/`. */
  key: string
}

/**
 * The rules S3 enforces for new general-purpose bucket names (directory buckets, ending
 * `--x-s3`, fit them too). Returns what is wrong, or undefined when the name is valid.
 */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'it must be 3 to 63 characters long'
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) {
    return 'it may hold only lower-case letters, digits, dots and hyphens, and must start and end with a letter or digit'
  }
  if (name.includes('..')) return 'it must not contain two dots in a row'
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return 'it must not look like an IP address'
  if (name.startsWith('xn--') || name.startsWith('sthree-')) {
    return 'it must not start with xn-- or sthree-'
  }
  if (name.endsWith('-s3alias') || name.endsWith('--ol-s3')) {
    return 'it is an access point alias, not a bucket name'
  }
  return undefined
}

export interface S3UriRules {
  /** What the input takes, for the error lines: `an s3://bucket/key URI` unless given. */
  expected?: string
  /** Whether `s3://bucket` alone is refused; the error line when it is. */
  keyRequired?: boolean | string
  /** Whether the error for another scheme names it (`s3a://` is a Hadoop one, not S3's). */
  namesScheme?: boolean
}

/**
 * The one reading of `s3://bucket/key` the actions share. Returns undefined for text that is
 * not a URI at all (no `scheme://`), so that the caller can take it as a key or a local path.
 * A URI of another scheme, `s3:` without `//`, a missing or invalid bucket name, and (when
 * required) a missing key throw an InputError naming the input, before any request.
 */
export function parseS3Uri(
  input: string,
  text: string,
  { expected = 'an s3://bucket/key URI', keyRequired = false, namesScheme = true }: S3UriRules = {}
): S3Location | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)
  if (!scheme) {
    if (/^s3:/i.test(text)) throw new InputError(input, expected, text)
    return undefined
  }
  const schemeName = group(scheme, 1)
  if (schemeName.toLowerCase() !== 's3') {
    throw new InputError(input, namesScheme ? `${expected} (not ${schemeName}://)` : expected, text)
  }
  const rest = text.slice(scheme[0].length)
  const slash = rest.indexOf('/')
  const bucket = slash < 0 ? rest : rest.slice(0, slash)
  const key = slash < 0 ? '' : rest.slice(slash + 1)
  if (!bucket) throw new InputError(input, `${expected} with a bucket name`, text)
  const problem = bucketNameProblem(bucket)
  if (problem) throw new InputError(input, `a valid S3 bucket name (${problem})`, bucket)
  if (!key && keyRequired) {
    throw new InputError(
      input,
      typeof keyRequired === 'string' ? keyRequired : `${expected} with a key after the bucket`,
      text
    )
  }
  return { bucket, key }
}

/** Whether the text is an s3:// URI that parseS3Uri accepts under these rules. */
export function isS3Uri(text: string, rules: S3UriRules = {}): boolean {
  try {
    return parseS3Uri('uri', text, rules) !== undefined
  } catch (error) {
    if (error instanceof InputError) return false
    throw error
  }
}

/**
 * The parts of a URI the inputs have already accepted (a staging prefix, a log location):
 * anything else is a bug, not a user's mistake.
 */
export function s3Location(uri: string): S3Location {
  if (!isS3Uri(uri)) throw new Error(`not an s3:// URI: ${uri}`)
  return parseS3Uri('uri', uri)!
}
