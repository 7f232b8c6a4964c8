import { parseDuration } from './duration.js'
import { InputError } from './errors.js'

/** Reads one raw input by its action.yml name; undefined or '' when not given. */
export type InputSource = (name: string) => string | undefined

/** Reads `INPUT_<NAME>` the way the runner sets it (spaces become `_`, upper case). */
export const envInputSource =
  (env: NodeJS.ProcessEnv = process.env): InputSource =>
  name =>
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`]

interface NumberBounds {
  min?: number
  max?: number
}

/**
 * The one way every action parses its inputs. Each getter trims, applies the default when
 * the input is empty, and throws an InputError naming the input and what was expected.
 */
export class Inputs {
  constructor(private readonly source: InputSource) {}

  /** The trimmed value, or '' when not given. */
  raw(name: string): string {
    return (this.source(name) ?? '').trim()
  }

  has(name: string): boolean {
    return this.raw(name) !== ''
  }

  string(name: string, fallback = ''): string {
    return this.raw(name) || fallback
  }

  required(name: string, what = 'a value'): string {
    const value = this.raw(name)
    if (!value) throw new InputError(name, `${what} (it is required)`)
    return value
  }

  /** One item per line or comma-separated; blank items and `#` comment lines dropped. */
  list(name: string, { commas = true }: { commas?: boolean } = {}): string[] {
    return this.lines(name).flatMap(line =>
      commas
        ? line
            .split(',')
            .map(item => item.trim())
            .filter(Boolean)
        : [line]
    )
  }

  /** Non-empty, non-comment lines, each trimmed; `\r\n`, `\n` and a lone `\r` all end a line. */
  lines(name: string): string[] {
    return (this.source(name) ?? '')
      .split(/\r\n|\n|\r/)
      .map(line => line.trim())
      .filter(line => line !== '' && !line.startsWith('#'))
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name).toLowerCase()
    if (value === '') return fallback
    if (['true', 'yes', 'on', '1'].includes(value)) return true
    if (['false', 'no', 'off', '0'].includes(value)) return false
    throw new InputError(name, 'true or false', this.raw(name))
  }

  integer(name: string, fallback: number, bounds: NumberBounds = {}): number {
    const value = this.raw(name)
    if (value === '') return fallback
    if (!/^[+-]?\d+$/.test(value)) throw new InputError(name, describeInteger(bounds), value)
    const parsed = Number(value)
    // Beyond 2^53 a number no longer holds every whole value: 99999999999999999999 would
    // silently become 1e20.
    if (!Number.isSafeInteger(parsed)) {
      const limit =
        parsed > 0 ? `at most ${Number.MAX_SAFE_INTEGER}` : `at least ${-Number.MAX_SAFE_INTEGER}`
      throw new InputError(name, `${describeInteger(bounds)} (${limit})`, value)
    }
    checkBounds(name, parsed, bounds, value, describeInteger(bounds))
    return parsed
  }

  number(name: string, fallback: number, bounds: NumberBounds = {}): number {
    const value = this.raw(name)
    if (value === '') return fallback
    const parsed = Number(value)
    const expected = describeNumber(bounds)
    if (!Number.isFinite(parsed)) throw new InputError(name, expected, value)
    checkBounds(name, parsed, bounds, value, expected)
    return parsed
  }

  /**
   * A duration (`90s`, `5m`, `1h`, `1h30m`, `250ms`, or bare seconds) in milliseconds.
   * `fallback` is itself a duration string so defaults read like the docs.
   */
  duration(name: string, fallback: string, bounds: NumberBounds = {}): number {
    const value = this.raw(name) || fallback
    const parsed = parseDuration(value)
    const expected = 'a duration such as 90s, 5m or 1h'
    if (parsed === undefined) throw new InputError(name, expected, value)
    checkBounds(name, parsed, bounds, value, expected, ms => `${ms / 1000}s`)
    return parsed
  }

  /** `key=value` lines (or comma-separated pairs); keys must be unique. */
  keyValues(name: string, { commas = false }: { commas?: boolean } = {}): Record<string, string> {
    const pairs: Record<string, string> = {}
    for (const item of this.list(name, { commas })) {
      const equals = item.indexOf('=')
      const key = equals > 0 ? item.slice(0, equals).trim() : ''
      if (!key) throw new InputError(name, 'key=value lines', item)
      if (key in pairs) throw new InputError(name, `each key once, but '${key}' repeats`)
      pairs[key] = item.slice(equals + 1).trim()
    }
    return pairs
  }

  /** One of a fixed set of words, case-insensitive; returns the canonical spelling. */
  choice<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const value = this.raw(name)
    if (value === '') return fallback
    const found = choices.find(choice => choice.toLowerCase() === value.toLowerCase())
    if (!found) throw new InputError(name, `one of ${choices.join(', ')}`, value)
    return found
  }

  /** A JSON document; `fallback` when empty. */
  json<T = unknown>(name: string, fallback: T, expected = 'valid JSON'): T {
    const value = this.raw(name)
    if (value === '') return fallback
    try {
      return JSON.parse(value) as T
    } catch (error) {
      // Only where it broke: Node's message quotes a piece of the text, which may hold a
      // secret (a password in a Spark configuration, say).
      throw new InputError(name, `${expected} (${jsonErrorPlace(value, error)})`)
    }
  }
}

/**
 * The parser's reason without the excerpt of the text that Node quotes in it ("…" is not
 * valid JSON), plus the line and column where Node gives a position.
 */
function jsonErrorPlace(text: string, error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? ''
  const reason = (message.split('"')[0] ?? '').replace(/[\s,]+$/, '') || 'a syntax error'
  const position = /at position (\d+)/.exec(message)
  if (!position) return reason
  const before = text.slice(0, Number(position[1]))
  const line = before.split('\n').length
  const column = before.length - before.lastIndexOf('\n')
  return `${reason.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${column}`
}

function describeInteger({ min, max }: NumberBounds): string {
  if (min === 0 && max === undefined) return 'a whole number of 0 or more'
  if (min !== undefined && max === undefined) return `a whole number of ${min} or more`
  if (min !== undefined && max !== undefined) return `a whole number from ${min} to ${max}`
  return 'a whole number'
}

function describeNumber({ min, max }: NumberBounds): string {
  if (min !== undefined && max === undefined) return `a number of ${min} or more`
  if (min !== undefined && max !== undefined) return `a number from ${min} to ${max}`
  return 'a number'
}

function checkBounds(
  name: string,
  value: number,
  { min, max }: NumberBounds,
  raw: string,
  expected: string,
  show: (value: number) => string = String
): void {
  if (min !== undefined && value < min) {
    throw new InputError(name, min === 0 ? expected : `${expected} (at least ${show(min)})`, raw)
  }
  if (max !== undefined && value > max) {
    throw new InputError(name, `${expected} (at most ${show(max)})`, raw)
  }
}
