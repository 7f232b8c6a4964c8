import { describe, expect, it } from 'vitest'
import { Inputs } from '../../src/core/inputs.js'
import {
  readRetryDelayPolicy,
  retryDelayMs,
  type RetryDelayPolicy
} from '../../src/core/retry-delay.js'

const minute = 60_000
const fixed: RetryDelayPolicy = { delayMs: 5 * minute, backoff: 'fixed', maxDelayMs: 60 * minute }
const exponential: RetryDelayPolicy = { ...fixed, backoff: 'exponential' }

describe('the wait between retries', () => {
  it("is the seed's fixed 5 minutes by default, every time, without jitter", () => {
    expect([1, 2, 3, 4].map(retry => retryDelayMs(retry, fixed, () => 0.99))).toEqual([
      5 * minute,
      5 * minute,
      5 * minute,
      5 * minute
    ])
  })

  it('doubles with exponential backoff: at least delay × 2^(n−1), with jitter up to as much again', () => {
    const least = [1, 2, 3].map(retry => retryDelayMs(retry, exponential, () => 0))
    const most = [1, 2, 3].map(retry => retryDelayMs(retry, exponential, () => 0.999))
    expect(least).toEqual([5 * minute, 10 * minute, 20 * minute])
    expect(most.map(ms => Math.round(ms / minute))).toEqual([10, 20, 40])
    expect(retryDelayMs(2, exponential, () => 0.5)).toBe(15 * minute)
  })

  it('never waits longer than max-retry-delay, jitter included', () => {
    const capped = { ...exponential, maxDelayMs: 30 * minute }
    expect([3, 4, 10, 60].map(retry => retryDelayMs(retry, capped, () => 0.999))).toEqual([
      30 * minute,
      30 * minute,
      30 * minute,
      30 * minute
    ])
  })
})

describe('readRetryDelayPolicy', () => {
  const defaults = { RetryDelay: '5m', RetryBackoff: 'fixed', MaxRetryDelay: '1h' } as const
  const read = (values: Record<string, string>, limits = {}) =>
    readRetryDelayPolicy(new Inputs(name => values[name]), defaults, limits)

  it('reads the three inputs with their defaults', () => {
    expect(read({})).toEqual({ delayMs: 300_000, backoff: 'fixed', maxDelayMs: 3_600_000 })
    expect(read({ 'retry-backoff': 'exponential', 'retry-delay': '1m' })).toEqual({
      delayMs: 60_000,
      backoff: 'exponential',
      maxDelayMs: 3_600_000
    })
  })

  it("holds each input to the calling action's own upper bound", () => {
    expect(() => read({ 'retry-delay': '2h' }, { maxDelayMs: 3_600_000 })).toThrow(
      "Input 'retry-delay': expected a duration such as 90s, 5m or 1h (at most 3600s), got '2h'"
    )
    expect(read({ 'retry-delay': '2h' }).delayMs).toBe(7_200_000)
  })

  it('refuses a cap below the first wait only when the backoff is exponential', () => {
    const values = { 'retry-delay': '10m', 'max-retry-delay': '5m' }
    expect(read(values).maxDelayMs).toBe(300_000)
    expect(() => read({ ...values, 'retry-backoff': 'exponential' })).toThrow(
      "Input 'max-retry-delay': expected a duration no shorter than retry-delay (10m), got '5m'"
    )
  })
})
