import { group } from './regex.js'

const UNIT_MS = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000
} as const

type Unit = keyof typeof UNIT_MS

interface DurationPart {
  amount: string
  unit: Unit
}

/**
 * The one duration grammar: amounts with a unit, one after the other (`1h30m`, `250ms`,
 * `1.5s`), no spaces. Returns the parts, or undefined when the text is not of that form.
 */
function durationParts(text: string): DurationPart[] | undefined {
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy
  const parts: DurationPart[] = []
  let consumed = 0
  for (let match = part.exec(text); match; match = part.exec(text)) {
    parts.push({ amount: group(match, 1), unit: group(match, 2) as Unit })
    consumed = part.lastIndex
  }
  return parts.length > 0 && consumed === text.length ? parts : undefined
}

/**
 * Parses a duration input such as `90s`, `5m`, `1h30m`, `250ms`, `1.5h` (any case) or a bare
 * number of seconds. Returns milliseconds, or undefined when the text is not a duration.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000)
  const parts = durationParts(trimmed)
  if (!parts) return undefined
  return Math.round(
    parts.reduce((sum, { amount, unit }) => sum + Number(amount) * UNIT_MS[unit], 0)
  )
}

const RULE_UNITS: readonly Unit[] = ['d', 'h', 'm', 's']

/**
 * The grammar of the rules file's durations (freshness `max_age`): whole numbers of days, hours, minutes and
 * seconds, each at most once and largest first (`36h`, `2d`, `1d12h`, `90m`), in lower case.
 * Returns seconds, or undefined when the text is not such a duration.
 */
export function parseRuleDuration(text: string): number | undefined {
  const parts = durationParts(text.trim())
  if (!parts) return undefined
  let previous = -1
  let seconds = 0
  for (const { amount, unit } of parts) {
    const rank = RULE_UNITS.indexOf(unit)
    if (rank <= previous || !/^\d+$/.test(amount)) return undefined
    previous = rank
    seconds += (Number(amount) * UNIT_MS[unit]) / 1000
  }
  return seconds
}

/**
 * The one way a duration reads for people (log lines, summaries, the report, the local runner):
 * `400ms` under a second, then whole seconds `45s`, `3m 20s`, then `1h 5m` and `1d 2h 5m` with the
 * seconds dropped. Zero parts are left out (`2h`, `1d 5m`). A negative duration (a timestamp in the
 * future) keeps its sign: `-1h 5m`. Anything not a finite number is a bug upstream: refused.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms))
    throw new RangeError(`formatDuration: expected a finite number of milliseconds, got ${ms}`)
  const sign = ms < 0 ? '-' : ''
  const whole = Math.round(Math.abs(ms))
  if (whole === 0) return '0s'
  if (whole < 1000) return `${sign}${whole}ms`
  const totalSeconds = Math.round(whole / 1000)
  const days = Math.floor(totalSeconds / 86_400)
  const hours = Math.floor((totalSeconds % 86_400) / 3600)
  const minutes = Math.floor((totalSeconds % 3600) / 60)
  const seconds = totalSeconds % 60
  const parts: [number, string][] =
    totalSeconds >= 3600
      ? [
          [days, 'd'],
          [hours, 'h'],
          [minutes, 'm']
        ]
      : [
          [minutes, 'm'],
          [seconds, 's']
        ]
  return (
    sign +
    parts
      .filter(([amount]) => amount > 0)
      .map(([amount, unit]) => `${amount}${unit}`)
      .join(' ')
  )
}
