import { describe, expect, it } from 'vitest'
import { formatDuration, parseDuration, parseRuleDuration } from '../../src/core/duration.js'

describe('parseDuration', () => {
  it.each<[string, number]>([
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    ['250ms', 250],
    ['1.5s', 1500],
    ['0s', 0],
    ['0', 0],
    ['45', 45_000],
    ['2.5', 2500],
    ['  10M  ', 600_000],
    ['1m30s500ms', 90_500]
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it.each(['', 'soon', '5 minutes', '5x', 'm5', '-5s', '1h 30m', '1.2.3s', 's'])(
    '%s is not a duration',
    text => {
      expect(parseDuration(text)).toBeUndefined()
    }
  )
})

// The rules file's durations (freshness max_age): the cases the data-quality job's former
// DURATION regex and the gate's old copy of it accepted and refused.
describe('parseRuleDuration', () => {
  it.each<[string, number]>([
    ['36h', 129_600],
    ['2d', 172_800],
    ['1d12h', 129_600],
    ['90m', 5400],
    ['45s', 45],
    ['0s', 0],
    ['1d2h3m4s', 93_784],
    ['  2h  ', 7200],
    ['01h', 3600]
  ])('%s → %d s', (text, seconds) => {
    expect(parseRuleDuration(text)).toBe(seconds)
  })

  it.each(['', 'soon', '36', '1.5h', '250ms', '36H', '30m1h', '1h1h', '1h 30m', '-1h', 'h', '2w'])(
    '%s is not a rules-file duration',
    text => {
      expect(parseRuleDuration(text)).toBeUndefined()
    }
  )

  it('means what the action inputs mean by the same text', () => {
    for (const text of ['36h', '2d', '1d12h', '90m', '45s', '1h30m']) {
      expect(parseRuleDuration(text)! * 1000).toBe(parseDuration(text))
    }
  })
})

describe('formatDuration', () => {
  it.each<[number, string]>([
    [0, '0s'],
    [0.4, '0s'],
    [1, '1ms'],
    [400, '400ms'],
    [999.4, '999ms'],
    [999.6, '1s'],
    [1_499, '1s'],
    [1_500, '2s'],
    [45_000, '45s'],
    [59_600, '1m'],
    [60_000, '1m'],
    [200_000, '3m 20s'],
    [3_599_000, '59m 59s'],
    [3_600_000, '1h'],
    [3_660_000, '1h 1m'],
    [3_905_000, '1h 5m'],
    [86_400_000, '1d'],
    [86_400_000 + 300_000, '1d 5m'],
    [93_900_000, '1d 2h 5m'],
    [10 * 86_400_000 + 7_200_000, '10d 2h']
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })

  it('keeps the sign of a negative duration (an age in the future), with the same units', () => {
    expect(formatDuration(-5_000)).toBe('-5s')
    expect(formatDuration(-250)).toBe('-250ms')
    expect(formatDuration(-93_900_000)).toBe('-1d 2h 5m')
    expect(formatDuration(-0.2)).toBe('0s')
  })

  it.each([NaN, Infinity, -Infinity])('refuses %d: a bug upstream, not a duration', ms => {
    expect(() => formatDuration(ms)).toThrow(/expected a finite number of milliseconds/)
  })

  it('round-trips what it prints when nothing is dropped', () => {
    for (const text of ['250ms', '45s', '3m', '3m 20s', '2h', '1h 30m', '2d', '1d 12h']) {
      expect(formatDuration(parseDuration(text.replaceAll(' ', ''))!)).toBe(text)
    }
  })
})
