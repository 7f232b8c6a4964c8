import { describe, expect, it } from 'vitest'
import { InputError } from '../../src/core/errors.js'
import { Inputs } from '../../src/core/inputs.js'
import { readSensorConfig } from '../../src/s3/config.js'
import { bucketNameProblem, markerKey, parseTarget, targetFolder } from '../../src/s3/target.js'

const env = { AWS_REGION: 'us-east-1' }
const read = (values: Record<string, string>) =>
  readSensorConfig(new Inputs(name => values[name]), env)

/** Runs the parse and returns the InputError it threw (failing the test if it did not). */
function inputError(values: Record<string, string>): InputError {
  try {
    read(values)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return error as InputError
  }
  throw new Error(`no error for ${JSON.stringify(values)}`)
}

describe('what to wait for', () => {
  it('a key ending in / is a prefix, one without wildcards an exact key', () => {
    expect(read({ bucket: 'data-lake', key: 'bronze/customers/date=2024-01-01/' }).target).toEqual({
      kind: 'prefix',
      bucket: 'data-lake',
      prefix: 'bronze/customers/date=2024-01-01/'
    })
    expect(read({ bucket: 'data-lake', key: 'exports/a.csv' }).target).toEqual({
      kind: 'key',
      bucket: 'data-lake',
      key: 'exports/a.csv'
    })
  })

  it('a glob keeps its literal prefix, the only part listed', () => {
    const { target } = read({ bucket: 'data-lake', key: 'bronze/customers/date=2024-01-01/*.json' })
    expect(target.kind).toBe('glob')
    if (target.kind !== 'glob') return
    expect(target.prefix).toBe('bronze/customers/date=2024-01-01/')
    expect(target.matches('bronze/customers/date=2024-01-01/part-0.json')).toBe(true)
    expect(target.matches('bronze/customers/date=2024-01-01/_SUCCESS')).toBe(false)
  })

  it('an s3:// URI gives bucket and key; a matching bucket input is fine', () => {
    expect(read({ key: 's3://data-lake/bronze/x/' }).target).toEqual({
      kind: 'prefix',
      bucket: 'data-lake',
      prefix: 'bronze/x/'
    })
    expect(read({ bucket: 'data-lake', key: 's3://data-lake/a.csv' }).target.bucket).toBe(
      'data-lake'
    )
  })

  it('keys: a list of exact keys or URIs, duplicates dropped', () => {
    expect(
      read({ keys: 's3://data-lake/a/1.csv\ns3://data-lake/a/2.csv, s3://data-lake/a/1.csv' })
        .target
    ).toEqual({
      kind: 'keys',
      bucket: 'data-lake',
      keys: ['a/1.csv', 'a/2.csv']
    })
  })

  it('defaults follow the replaced S3KeySensor: timeout 1h, poke 60s, count 1', () => {
    const config = read({ bucket: 'data-lake', key: 'a/' })
    expect(config.timing).toEqual({
      pokeIntervalMs: 60_000,
      backoff: false,
      maxPokeIntervalMs: 60_000,
      timeoutMs: 3_600_000,
      softFail: false
    })
    expect(config.conditions).toEqual({
      minObjects: 1,
      minObjectBytes: 0,
      minTotalBytes: 0,
      markerKey: undefined,
      settleMs: 0
    })
    expect(config.aws.region).toBe('us-east-1')
  })

  it('reads every timing and condition input', () => {
    const config = read({
      bucket: 'data-lake',
      key: 'a/',
      'min-objects': '3',
      'min-object-bytes': '1',
      'min-total-bytes': '1024',
      'success-marker': '_SUCCESS',
      'settle-time': '30s',
      'poke-interval': '200ms',
      backoff: 'true',
      'max-poke-interval': '5s',
      timeout: '2m',
      'soft-fail': 'true',
      endpoint: 'http://127.0.0.1:9'
    })
    expect(config.conditions).toEqual({
      minObjects: 3,
      minObjectBytes: 1,
      minTotalBytes: 1024,
      markerKey: 'a/_SUCCESS',
      settleMs: 30_000
    })
    expect(config.timing).toEqual({
      pokeIntervalMs: 200,
      backoff: true,
      maxPokeIntervalMs: 5000,
      timeoutMs: 120_000,
      softFail: true
    })
    expect(config.aws.endpoint).toBe('http://127.0.0.1:9')
  })
})

describe('escaped wildcards make a literal key', () => {
  it('a key whose only wildcards are escaped is that literal key', () => {
    expect(read({ bucket: 'data-lake', key: 'exports/file\\*.csv' }).target).toEqual({
      kind: 'key',
      bucket: 'data-lake',
      key: 'exports/file*.csv'
    })
    expect(read({ bucket: 'data-lake', key: 'exports/\\[raw\\]/' }).target).toEqual({
      kind: 'prefix',
      bucket: 'data-lake',
      prefix: 'exports/[raw]/'
    })
    expect(read({ key: 's3://data-lake/a\\?\\{b\\}\\\\c' }).target).toMatchObject({
      kind: 'key',
      key: 'a?{b}\\c'
    })
  })

  it('a backslash before any other character is part of the key', () => {
    expect(read({ bucket: 'data-lake', key: 'exports\\2024\\a.csv' }).target).toMatchObject({
      kind: 'key',
      key: 'exports\\2024\\a.csv'
    })
  })

  it('keys and the success marker unescape the same way', () => {
    const config = read({
      bucket: 'data-lake',
      keys: 'exports/a\\*.csv\nexports/b.csv',
      'success-marker': '_DONE\\?'
    })
    expect(config.target).toEqual({
      kind: 'keys',
      bucket: 'data-lake',
      keys: ['exports/a*.csv', 'exports/b.csv']
    })
    expect(config.conditions.markerKey).toBe('exports/_DONE?')
  })
})

describe('keys is one key per line', () => {
  it('\\r\\n and \\n each end a key', () => {
    expect(read({ bucket: 'data-lake', keys: 'a/1.csv\r\na/2.csv\na/3.csv' }).target).toEqual({
      kind: 'keys',
      bucket: 'data-lake',
      keys: ['a/1.csv', 'a/2.csv', 'a/3.csv']
    })
  })

  it('a lone \\r is refused: it would split one key into two requests', () => {
    expect(() => read({ bucket: 'data-lake', keys: 'a/1.csv\ra/2.csv' })).toThrow(
      "Input 'keys': expected one key per line, without a carriage return inside a line (one at character 8)"
    )
  })
})

describe('the success marker lives beside the data', () => {
  const target = (key: string) => parseTarget({ bucket: 'data-lake', key, keys: [] })
  it.each([
    ['bronze/d=1/', 'bronze/d=1/_SUCCESS'],
    ['bronze/d=1/*.json', 'bronze/d=1/_SUCCESS'],
    ['bronze/d=1/part-*.json', 'bronze/d=1/_SUCCESS'],
    ['bronze/d=1/data.csv', 'bronze/d=1/_SUCCESS'],
    ['top.csv', '_SUCCESS']
  ])('%s → %s', (key, marker) => {
    expect(markerKey(target(key), '_SUCCESS')).toBe(marker)
  })
  it('a URI marker is taken as it is; a list uses the folder its keys share', () => {
    expect(markerKey(target('bronze/d=1/'), 's3://data-lake/flags/done')).toBe('flags/done')
    const list = parseTarget({ bucket: 'data-lake', key: '', keys: ['a/b/1.csv', 'a/c/2.csv'] })
    expect(targetFolder(list)).toBe('a/')
  })
})

describe('bucket names', () => {
  it.each(['data-lake', 'my.bucket.1', 'abc', 'express--use1-az4--x-s3'])('%s is valid', name => {
    expect(bucketNameProblem(name)).toBeUndefined()
  })
  it.each([
    'ab',
    'Data-Lake',
    'data_lake',
    '-lake',
    'lake-',
    'a..b',
    '192.168.0.1',
    'xn--abc',
    'x'.repeat(64)
  ])('%s is not', name => {
    expect(bucketNameProblem(name)).toBeTruthy()
  })
})

// Each bad input fails while the inputs are read, before any client exists: the message
// names the input and says what was expected.
describe('bad input: one line naming the input', () => {
  it.each<[string, Record<string, string>, string, RegExp]>([
    ['empty bucket', { key: 'a/' }, 'bucket', /a bucket name/],
    ['empty key', { bucket: 'data-lake' }, 'key', /a key, a prefix ending in \/, a glob/],
    ['invalid bucket name', { bucket: 'Data_Lake', key: 'a/' }, 'bucket', /valid S3 bucket name/],
    ['URI without a key', { key: 's3://data-lake' }, 'key', /with a key or prefix/],
    ['URI without a bucket', { key: 's3:///a/b' }, 'key', /with a bucket name/],
    ['URI with one slash', { key: 's3:/data-lake/a' }, 'key', /s3:\/\/bucket\/key/],
    ['s3a:// URI', { key: 's3a://data-lake/a/' }, 'key', /not s3a:\/\//],
    ['URI with a bad bucket', { key: 's3://Data_Lake/a/' }, 'key', /valid S3 bucket name/],
    [
      'URI in another bucket',
      { bucket: 'data-lake', key: 's3://other-lake/a/' },
      'key',
      /bucket given as 'bucket'/
    ],
    ['key and keys', { bucket: 'data-lake', key: 'a/', keys: 'b' }, 'keys', /not both/],
    ['glob in keys', { bucket: 'data-lake', keys: 'a/*.csv' }, 'keys', /exact object keys/],
    ['keys in two buckets', { keys: 's3://lake-one/a\ns3://lake-two/b' }, 'keys', /one bucket/],
    ['leading slash', { bucket: 'data-lake', key: '/bronze/' }, 'key', /without a leading \//],
    [
      'unclosed glob bracket',
      { bucket: 'data-lake', key: 'd/part-[0-9.json' },
      'key',
      /'\[' at character 8 is closed by '\]'/
    ],
    [
      'unclosed glob brace',
      { bucket: 'data-lake', key: 'd/*.{json,csv' },
      'key',
      /'\{' at character 5/
    ],
    [
      'glob with no literal prefix',
      { bucket: 'data-lake', key: '*/date=2024-01-01/*' },
      'key',
      /would list the whole bucket/
    ],
    [
      'unparsable timeout',
      { bucket: 'data-lake', key: 'a/', timeout: 'an hour' },
      'timeout',
      /a duration such as/
    ],
    [
      'unparsable poke interval',
      { bucket: 'data-lake', key: 'a/', 'poke-interval': '5 minutes' },
      'poke-interval',
      /a duration/
    ],
    [
      'unparsable settle time',
      { bucket: 'data-lake', key: 'a/', 'settle-time': 'soon' },
      'settle-time',
      /a duration/
    ],
    ['zero timeout', { bucket: 'data-lake', key: 'a/', timeout: '0s' }, 'timeout', /at least/],
    [
      'timeout longer than any job can run',
      { bucket: 'data-lake', key: 'a/', timeout: '6d' },
      'timeout',
      /at most 432000s/
    ],
    [
      'poke interval above timeout',
      { bucket: 'data-lake', key: 'a/', timeout: '5m', 'poke-interval': '10m' },
      'poke-interval',
      /no longer than timeout \(5m\)/
    ],
    [
      'max poke interval below poke interval',
      {
        bucket: 'data-lake',
        key: 'a/',
        backoff: 'true',
        'poke-interval': '2m',
        'max-poke-interval': '1m'
      },
      'max-poke-interval',
      /at least poke-interval/
    ],
    [
      'settle time not shorter than timeout',
      { bucket: 'data-lake', key: 'a/', timeout: '1m', 'settle-time': '1m' },
      'settle-time',
      /shorter than timeout/
    ],
    [
      'negative count',
      { bucket: 'data-lake', key: 'a/', 'min-objects': '-1' },
      'min-objects',
      /whole number of 0 or more/
    ],
    [
      'non-integer count',
      { bucket: 'data-lake', key: 'a/', 'min-objects': '2.5' },
      'min-objects',
      /whole number/
    ],
    [
      'count above one key',
      { bucket: 'data-lake', key: 'a.csv', 'min-objects': '2' },
      'min-objects',
      /at most 1/
    ],
    [
      'negative object size',
      { bucket: 'data-lake', key: 'a/', 'min-object-bytes': '-5' },
      'min-object-bytes',
      /whole number of 0 or more/
    ],
    [
      'non-integer total size',
      { bucket: 'data-lake', key: 'a/', 'min-total-bytes': '1.5' },
      'min-total-bytes',
      /whole number/
    ],
    [
      'size with a unit',
      { bucket: 'data-lake', key: 'a/', 'min-total-bytes': '5MB' },
      'min-total-bytes',
      /whole number/
    ],
    [
      'boolean that is not',
      { bucket: 'data-lake', key: 'a/', 'soft-fail': 'maybe' },
      'soft-fail',
      /true or false/
    ],
    [
      'glob as marker',
      { bucket: 'data-lake', key: 'a/', 'success-marker': '_SUCC*' },
      'success-marker',
      /object name/
    ],
    [
      'marker in another bucket',
      { bucket: 'data-lake', key: 'a/', 'success-marker': 's3://other-lake/_SUCCESS' },
      'success-marker',
      /bucket waited on/
    ],
    [
      'newline inside key',
      { bucket: 'data-lake', key: 'exports/a.csv\nexports/b.csv' },
      'key',
      /without control characters \(a newline at character 14\), got 'exports\/a\.csv\\nexports\/b\.csv'$/
    ],
    [
      'tab inside key',
      { bucket: 'data-lake', key: 'bronze/\tdate=1/' },
      'key',
      /\(a tab at character 8\)/
    ],
    [
      'carriage return inside a URI key',
      { key: 's3://data-lake/a\rb/' },
      'key',
      /\(a carriage return at character 17\), got 's3:\/\/data-lake\/a\\rb\/'$/
    ],
    [
      'NUL inside key',
      { bucket: 'data-lake', key: 'a/\u0000b' },
      'key',
      /\(control character U\+0000 at character 3\), got 'a\/\\u0000b'$/
    ],
    [
      'DEL inside a glob',
      { bucket: 'data-lake', key: 'a/*\u007f.csv' },
      'key',
      /control character U\+007F at character 4/
    ],
    [
      'escape character in a keys entry',
      { bucket: 'data-lake', keys: 'a/1.csv\na/\u001b[31m2.csv' },
      'keys',
      /control character U\+001B at character 3/
    ],
    [
      'tab inside a keys entry',
      { bucket: 'data-lake', keys: 'a/1.csv, a/2\t.csv' },
      'keys',
      /a tab at character 4/
    ],
    [
      'C1 control character (NEL) inside key',
      { bucket: 'data-lake', key: 'a/\u0085b' },
      'key',
      /control character U\+0085 at character 3/
    ],
    [
      'control character in the marker',
      { bucket: 'data-lake', key: 'a/', 'success-marker': '_SUC\u0007CESS' },
      'success-marker',
      /without control characters \(control character U\+0007 at character 5\)/
    ],
    [
      'newline inside the bucket',
      { bucket: 'data\nlake', key: 'a/' },
      'bucket',
      /a bucket name without control characters \(a newline at character 5\)/
    ],
    [
      'glob in a marker URI',
      { bucket: 'data-lake', key: 'a/', 'success-marker': 's3://data-lake/a/_DONE*' },
      'success-marker',
      /one object, not a glob/
    ],
    [
      'count beyond the largest safe integer',
      { bucket: 'data-lake', key: 'a/', 'min-objects': '99999999999999999999' },
      'min-objects',
      /at most 9007199254740991/
    ],
    [
      'bad endpoint',
      { bucket: 'data-lake', key: 'a/', endpoint: 'localhost:9000' },
      'endpoint',
      /http/
    ]
  ])('%s', (_case, values, input, expected) => {
    const error = inputError(values)
    expect(error.input).toBe(input)
    expect(error.message).toMatch(new RegExp(`^Input '${input}': expected `))
    expect(error.message).toMatch(expected)
    expect(error.message).not.toMatch(/\p{Cc}/u)
  })
})
