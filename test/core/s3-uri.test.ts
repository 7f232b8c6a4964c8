import { describe, expect, it } from 'vitest'
import { InputError } from '../../src/core/errors.js'
import { isS3Uri, parseS3Uri, s3Location } from '../../src/core/s3-uri.js'
import { parseMetricsRoot } from '../../src/quality/metrics-store.js'
import { parseTarget } from '../../src/s3/target.js'

describe('parseS3Uri', () => {
  it.each([
    ['s3://data-lake/bronze/x.json', { bucket: 'data-lake', key: 'bronze/x.json' }],
    ['s3://data-lake/bronze/', { bucket: 'data-lake', key: 'bronze/' }],
    ['s3://data-lake', { bucket: 'data-lake', key: '' }],
    ['s3://data-lake/', { bucket: 'data-lake', key: '' }],
    ['S3://data-lake/a b/c', { bucket: 'data-lake', key: 'a b/c' }],
    ['s3://my.bucket-1/k', { bucket: 'my.bucket-1', key: 'k' }]
  ])('%s', (text, location) => {
    expect(parseS3Uri('key', text)).toEqual(location)
  })

  it('leaves text that is not a URI to the caller (a key, a local path)', () => {
    expect(parseS3Uri('key', 'bronze/x.json')).toBeUndefined()
    expect(parseS3Uri('key', './metrics')).toBeUndefined()
    expect(parseS3Uri('key', '')).toBeUndefined()
  })

  it.each([
    ['s3:/data-lake/a', "Input 'key': expected an s3://bucket/key URI, got 's3:/data-lake/a'"],
    ['s3:data-lake', "Input 'key': expected an s3://bucket/key URI, got 's3:data-lake'"],
    [
      's3a://data-lake/a',
      "Input 'key': expected an s3://bucket/key URI (not s3a://), got 's3a://data-lake/a'"
    ],
    [
      's3:///a/b',
      "Input 'key': expected an s3://bucket/key URI with a bucket name, got 's3:///a/b'"
    ],
    [
      's3://Data_Lake/a',
      "Input 'key': expected a valid S3 bucket name (it may hold only lower-case letters, digits, dots and hyphens, and must start and end with a letter or digit), got 'Data_Lake'"
    ],
    [
      's3://a..b/k',
      "Input 'key': expected a valid S3 bucket name (it must not contain two dots in a row), got 'a..b'"
    ],
    [
      's3://ab/k',
      "Input 'key': expected a valid S3 bucket name (it must be 3 to 63 characters long), got 'ab'"
    ]
  ])('refuses %s in one line naming the input', (text, message) => {
    expect(() => parseS3Uri('key', text)).toThrow(InputError)
    expect(() => parseS3Uri('key', text)).toThrow(message)
  })

  it('refuses a bucket without a key only when asked, in the words asked for', () => {
    expect(() => parseS3Uri('entry-point', 's3://scripts', { keyRequired: true })).toThrow(
      "Input 'entry-point': expected an s3://bucket/key URI with a key after the bucket, got 's3://scripts'"
    )
    expect(() =>
      parseS3Uri('key', 's3://data-lake/', { keyRequired: 'a key or prefix after the bucket' })
    ).toThrow("Input 'key': expected a key or prefix after the bucket, got 's3://data-lake/'")
  })

  it('says what the input takes, and names another scheme unless told not to', () => {
    const rules = { expected: 'an s3://bucket/prefix URI or a local directory' }
    expect(() => parseS3Uri('metrics-root', 'https://example.com/m', rules)).toThrow(
      "Input 'metrics-root': expected an s3://bucket/prefix URI or a local directory (not https://), got"
    )
    expect(() =>
      parseS3Uri('metrics-root', 'https://example.com/m', { ...rules, namesScheme: false })
    ).toThrow(
      "Input 'metrics-root': expected an s3://bucket/prefix URI or a local directory, got 'https://example.com/m'"
    )
  })
})

describe('isS3Uri', () => {
  it('accepts what parseS3Uri accepts, and nothing that is not a URI', () => {
    expect(isS3Uri('s3://logs/emr/')).toBe(true)
    expect(isS3Uri('s3://logs')).toBe(true)
    expect(isS3Uri('s3://logs', { keyRequired: true })).toBe(false)
    expect(isS3Uri('s3://scripts/job.py', { keyRequired: true })).toBe(true)
    expect(isS3Uri('logs/emr/')).toBe(false)
    expect(isS3Uri('s3://Logs/emr/')).toBe(false)
    expect(isS3Uri('https://logs/emr/')).toBe(false)
  })
})

describe('s3Location', () => {
  it('splits a URI the inputs accepted', () => {
    expect(s3Location('s3://staging/spark')).toEqual({ bucket: 'staging', key: 'spark' })
    expect(s3Location('s3://logs/applications/app/jobs/run/SPARK_DRIVER/stderr.gz')).toEqual({
      bucket: 'logs',
      key: 'applications/app/jobs/run/SPARK_DRIVER/stderr.gz'
    })
    expect(s3Location('s3://staging')).toEqual({ bucket: 'staging', key: '' })
  })

  it('treats anything else as a bug, not as a bad input', () => {
    expect(() => s3Location('staging/spark')).toThrow('not an s3:// URI: staging/spark')
    expect(() => s3Location('staging/spark')).not.toThrow(InputError)
  })
})

describe('every input that takes an s3:// URI reads it the same way', () => {
  it.each(['s3:/lake/a/', 's3://Lake/a/', 's3://a..b/a/', 'gs://lake/a/'])('%s', text => {
    expect(() => parseTarget({ bucket: '', key: text, keys: [] })).toThrow(InputError)
    expect(() => parseMetricsRoot('metrics-root', text, '/work')).toThrow(InputError)
  })

  it('and the same valid URI gives the same parts', () => {
    expect(parseTarget({ bucket: '', key: 's3://lake/quality/', keys: [] })).toMatchObject({
      bucket: 'lake',
      prefix: 'quality/'
    })
    expect(parseMetricsRoot('metrics-root', 's3://lake/quality/', '/work')).toEqual({
      kind: 's3',
      bucket: 'lake',
      prefix: 'quality'
    })
  })
})
