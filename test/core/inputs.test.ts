import { describe, expect, it } from 'vitest'
import { InputError } from '../../src/core/errors.js'
import { envInputSource, Inputs } from '../../src/core/inputs.js'

const inputs = (values: Record<string, string>) => new Inputs(name => values[name])

/** The InputError a getter throws (failing the test when it throws none or another). */
function errorOf(read: () => unknown): InputError {
  try {
    read()
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return error as InputError
  }
  throw new Error('expected an InputError')
}

describe('Inputs', () => {
  it('reads INPUT_<NAME> as the runner sets it', () => {
    const source = envInputSource({ 'INPUT_POKE-INTERVAL': '5m', INPUT_MY_INPUT: 'x' })
    expect(source('poke-interval')).toBe('5m')
    expect(source('my input')).toBe('x')
    expect(source('missing')).toBeUndefined()
  })

  it('string trims and falls back when empty', () => {
    const read = inputs({ name: '  value  ', blank: '   ' })
    expect(read.string('name')).toBe('value')
    expect(read.string('blank', 'fallback')).toBe('fallback')
    expect(read.string('absent')).toBe('')
    expect(read.has('name')).toBe(true)
    expect(read.has('blank')).toBe(false)
  })

  it('required names the input and says it is required', () => {
    const error = errorOf(() => inputs({}).required('bucket', 'a bucket name'))
    expect(error.input).toBe('bucket')
    expect(error.message).toBe("Input 'bucket': expected a bucket name (it is required)")
    expect(inputs({ bucket: ' b ' }).required('bucket')).toBe('b')
  })

  it('list splits lines and commas, dropping blanks and # comments', () => {
    const read = inputs({ keys: 'a, b\n\n# a comment\n c \n,d,' })
    expect(read.list('keys')).toEqual(['a', 'b', 'c', 'd'])
    expect(read.list('keys', { commas: false })).toEqual(['a, b', 'c', ',d,'])
    expect(read.lines('keys')).toEqual(['a, b', 'c', ',d,'])
    expect(read.list('absent')).toEqual([])
  })

  it('lines end at \\r\\n, \\n and a lone \\r alike', () => {
    const read = inputs({ keys: 'a.csv\r\nb.csv\rc.csv\nd.csv\r' })
    expect(read.lines('keys')).toEqual(['a.csv', 'b.csv', 'c.csv', 'd.csv'])
    expect(read.list('keys')).toEqual(['a.csv', 'b.csv', 'c.csv', 'd.csv'])
  })

  it('boolean accepts the usual words, case-insensitive', () => {
    for (const word of ['true', 'TRUE', 'yes', 'on', '1']) {
      expect(inputs({ flag: word }).boolean('flag', false)).toBe(true)
    }
    for (const word of ['false', 'False', 'no', 'off', '0']) {
      expect(inputs({ flag: word }).boolean('flag', true)).toBe(false)
    }
    expect(inputs({}).boolean('flag', true)).toBe(true)
    expect(errorOf(() => inputs({ flag: 'maybe' }).boolean('flag', false)).message).toBe(
      "Input 'flag': expected true or false, got 'maybe'"
    )
  })

  it('integer takes whole numbers within bounds', () => {
    expect(inputs({ n: '42' }).integer('n', 0)).toBe(42)
    expect(inputs({ n: '+7' }).integer('n', 0)).toBe(7)
    expect(inputs({ n: '-3' }).integer('n', 0)).toBe(-3)
    expect(inputs({}).integer('n', 5)).toBe(5)
    expect(errorOf(() => inputs({ n: '1.5' }).integer('n', 0, { min: 0 })).message).toBe(
      "Input 'n': expected a whole number of 0 or more, got '1.5'"
    )
    expect(errorOf(() => inputs({ n: '-1' }).integer('n', 0, { min: 0 })).message).toBe(
      "Input 'n': expected a whole number of 0 or more, got '-1'"
    )
    expect(errorOf(() => inputs({ n: '0' }).integer('n', 1, { min: 1 })).message).toBe(
      "Input 'n': expected a whole number of 1 or more (at least 1), got '0'"
    )
    expect(errorOf(() => inputs({ n: '11' }).integer('n', 1, { min: 1, max: 10 })).message).toBe(
      "Input 'n': expected a whole number from 1 to 10 (at most 10), got '11'"
    )
    expect(errorOf(() => inputs({ n: 'ten' }).integer('n', 0)).message).toBe(
      "Input 'n': expected a whole number, got 'ten'"
    )
  })

  it('integer refuses whole numbers too large to hold exactly', () => {
    expect(inputs({ n: '9007199254740991' }).integer('n', 0, { min: 0 })).toBe(
      Number.MAX_SAFE_INTEGER
    )
    expect(
      errorOf(() => inputs({ n: '9007199254740992' }).integer('n', 0, { min: 0 })).message
    ).toBe(
      "Input 'n': expected a whole number of 0 or more (at most 9007199254740991), got '9007199254740992'"
    )
    expect(
      errorOf(() => inputs({ n: '99999999999999999999' }).integer('n', 1, { min: 1 })).message
    ).toBe(
      "Input 'n': expected a whole number of 1 or more (at most 9007199254740991), got '99999999999999999999'"
    )
    expect(errorOf(() => inputs({ n: '-99999999999999999999' }).integer('n', 0)).message).toBe(
      "Input 'n': expected a whole number (at least -9007199254740991), got '-99999999999999999999'"
    )
  })

  it('number takes finite numbers within bounds', () => {
    expect(inputs({ x: '0.25' }).number('x', 0)).toBe(0.25)
    expect(inputs({}).number('x', 1.5)).toBe(1.5)
    expect(errorOf(() => inputs({ x: 'NaN' }).number('x', 0)).message).toBe(
      "Input 'x': expected a number, got 'NaN'"
    )
    expect(errorOf(() => inputs({ x: 'Infinity' }).number('x', 0)).input).toBe('x')
    expect(errorOf(() => inputs({ x: '2' }).number('x', 0, { min: 0, max: 1 })).message).toBe(
      "Input 'x': expected a number from 0 to 1 (at most 1), got '2'"
    )
  })

  it('duration returns milliseconds, with a duration-string default and bounds', () => {
    expect(inputs({ wait: '90s' }).duration('wait', '5m')).toBe(90_000)
    expect(inputs({}).duration('wait', '5m')).toBe(300_000)
    expect(errorOf(() => inputs({ wait: 'later' }).duration('wait', '5m')).message).toBe(
      "Input 'wait': expected a duration such as 90s, 5m or 1h, got 'later'"
    )
    expect(
      errorOf(() => inputs({ wait: '50ms' }).duration('wait', '5m', { min: 100 })).message
    ).toBe("Input 'wait': expected a duration such as 90s, 5m or 1h (at least 0.1s), got '50ms'")
    expect(
      errorOf(() => inputs({ wait: '2h' }).duration('wait', '5m', { max: 3_600_000 })).message
    ).toBe("Input 'wait': expected a duration such as 90s, 5m or 1h (at most 3600s), got '2h'")
  })

  it('keyValues reads key=value lines, values may hold =', () => {
    const read = inputs({ conf: 'spark.a=1\n spark.b = x=y \n# comment' })
    expect(read.keyValues('conf')).toEqual({ 'spark.a': '1', 'spark.b': 'x=y' })
    expect(inputs({ tags: 'a=1, b=2' }).keyValues('tags', { commas: true })).toEqual({
      a: '1',
      b: '2'
    })
    expect(errorOf(() => inputs({ conf: 'novalue' }).keyValues('conf')).message).toBe(
      "Input 'conf': expected key=value lines, got 'novalue'"
    )
    expect(errorOf(() => inputs({ conf: '=1' }).keyValues('conf')).input).toBe('conf')
    expect(errorOf(() => inputs({ conf: 'a=1\na=2' }).keyValues('conf')).message).toBe(
      "Input 'conf': expected each key once, but 'a' repeats"
    )
  })

  it('choice is case-insensitive and returns the canonical spelling', () => {
    const levels = ['error', 'warn'] as const
    expect(inputs({ level: 'WARN' }).choice('level', levels, 'error')).toBe('warn')
    expect(inputs({}).choice('level', levels, 'error')).toBe('error')
    expect(errorOf(() => inputs({ level: 'info' }).choice('level', levels, 'error')).message).toBe(
      "Input 'level': expected one of error, warn, got 'info'"
    )
  })

  it('json parses documents and reports the parser reason on one line', () => {
    expect(inputs({ doc: '{"a":[1,2]}' }).json('doc', {})).toEqual({ a: [1, 2] })
    expect(inputs({}).json('doc', { fallback: true })).toEqual({ fallback: true })
    const error = errorOf(() => inputs({ doc: '{"a":' }).json('doc', {}, 'a JSON object'))
    expect(error.message).toMatch(/^Input 'doc': expected a JSON object \(.+\)$/)
    expect(error.message).not.toContain('\n')
  })

  it('json errors never quote the text, which may hold a secret', () => {
    const secret = 'hunter2-db-password'
    const error = errorOf(() =>
      inputs({ doc: `{"spark.hadoop.javax.jdo.option.ConnectionPassword": ${secret}}` }).json(
        'doc',
        {}
      )
    )
    expect(error.message).toMatch(/^Input 'doc': expected valid JSON \(Unexpected token .+\)$/)
    expect(error.message).not.toContain(secret.slice(0, 4))
    expect(error.message).not.toContain('ConnectionPassword')
  })

  it('shortens a very long bad value in the message', () => {
    const error = errorOf(() => inputs({ n: 'x'.repeat(500) }).integer('n', 0))
    expect(error.got).toHaveLength(500)
    expect(error.message.length).toBeLessThan(160)
    expect(error.message).toMatch(/…'$/)
  })
})
