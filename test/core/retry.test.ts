import { describe, expect, it } from 'vitest'
import { isThrottling, isTransient } from '../../src/core/aws-errors.js'
import { backoffDelay, withRetry } from '../../src/core/retry.js'

const named = (name: string, extra: object = {}): Error =>
  Object.assign(new Error(name), { name }, extra)

describe('isThrottling / isTransient', () => {
  it.each(['ThrottlingException', 'SlowDown', 'TooManyRequestsException', 'RequestLimitExceeded'])(
    '%s is throttling, and transient',
    name => {
      expect(isThrottling(named(name))).toBe(true)
      expect(isTransient(named(name))).toBe(true)
    }
  )

  it('HTTP 429 is throttling; 5xx is transient', () => {
    expect(isThrottling({ name: 'Unknown', $metadata: { httpStatusCode: 429 } })).toBe(true)
    expect(isTransient({ name: 'Unknown', $metadata: { httpStatusCode: 503 } })).toBe(true)
    expect(isThrottling({ name: 'Unknown', $metadata: { httpStatusCode: 503 } })).toBe(false)
  })

  // The shapes the SDK gives these errors (test/core/error-shapes.test.ts produces them with
  // the real SDK): socket failures carry a `code`, timeouts are named TimeoutError, and every
  // service answer carries its HTTP status.
  it('dropped and refused connections, timeouts and 5xx answers are transient', () => {
    expect(isTransient(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(
      true
    )
    expect(
      isTransient(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
    ).toBe(true)
    expect(isTransient(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(
      true
    )
    expect(isTransient(named('TimeoutError'))).toBe(true)
    expect(isTransient(named('InternalError', { $metadata: { httpStatusCode: 500 } }))).toBe(true)
    expect(isTransient(named('NotImplementedYet', { $metadata: { httpStatusCode: 501 } }))).toBe(
      true
    )
  })

  it('goes by names, codes and statuses, never by message text', () => {
    expect(isTransient(new Error('socket hang up'))).toBe(false)
    expect(isTransient(new Error('Connection timed out after 60000 ms'))).toBe(false)
    expect(isThrottling(new Error('Rate exceeded, please slow down'))).toBe(false)
  })

  it('an aborted request is not transient', () => {
    expect(isTransient(named('AbortError'))).toBe(false)
  })

  it('client errors are not', () => {
    expect(isTransient(named('AccessDenied', { $metadata: { httpStatusCode: 403 } }))).toBe(false)
    expect(isTransient(named('ValidationException', { $metadata: { httpStatusCode: 400 } }))).toBe(
      false
    )
    expect(isTransient(new TypeError('x is undefined'))).toBe(false)
    // A service's answer is final whatever its text says about networks or time-outs.
    expect(
      isTransient(
        named('ValidationException', {
          message: 'networkConfiguration: subnet timed out',
          $metadata: { httpStatusCode: 400 }
        })
      )
    ).toBe(false)
    expect(isTransient(new Error('Invalid role arn:aws:iam::1:role/network-jobs'))).toBe(false)
    expect(isTransient(undefined)).toBe(false)
    expect(isTransient('ECONNRESET')).toBe(false)
    expect(isThrottling(null)).toBe(false)
  })
})

describe('backoffDelay', () => {
  it('draws from [0, min(cap, base·2^attempt)] (full jitter)', () => {
    expect(backoffDelay(0, 500, 20_000, () => 1)).toBe(500)
    expect(backoffDelay(3, 500, 20_000, () => 1)).toBe(4000)
    expect(backoffDelay(10, 500, 20_000, () => 1)).toBe(20_000)
    expect(backoffDelay(3, 500, 20_000, () => 0.5)).toBe(2000)
    expect(backoffDelay(3, 500, 20_000, () => 0)).toBe(0)
  })
})

describe('withRetry', () => {
  /** An operation that fails with the given errors in turn, then returns 'done'. */
  function flaky(errors: unknown[]) {
    const state = { calls: 0 }
    const operation = async (): Promise<string> => {
      state.calls++
      const error = errors.shift()
      if (error) throw error
      return 'done'
    }
    return { operation, state }
  }
  const recordSleeps = () => {
    const sleeps: number[] = []
    return { sleeps, sleep: async (ms: number) => void sleeps.push(ms) }
  }

  it('retries transient errors with growing, jittered delays', async () => {
    const { operation, state } = flaky([
      named('SlowDown'),
      named('InternalError', { $metadata: { httpStatusCode: 500 } }),
      Object.assign(new Error('read ECONNRESET'), { name: 'ECONNRESET', code: 'ECONNRESET' })
    ])
    const { sleeps, sleep } = recordSleeps()
    const retries: [string, number, number][] = []
    const result = await withRetry(operation, {
      retryable: isTransient,
      baseDelayMs: 100,
      maxDelayMs: 250,
      sleep,
      random: () => 1,
      onRetry: (error, attempt, delay) => retries.push([(error as Error).name, attempt, delay])
    })
    expect(result).toBe('done')
    expect(state.calls).toBe(4)
    expect(sleeps).toEqual([100, 200, 250])
    expect(retries).toEqual([
      ['SlowDown', 1, 100],
      ['InternalError', 2, 200],
      ['ECONNRESET', 3, 250]
    ])
  })

  it('does not retry an error that is not transient', async () => {
    const denied = named('AccessDenied', { $metadata: { httpStatusCode: 403 } })
    const { operation, state } = flaky([denied])
    const { sleeps, sleep } = recordSleeps()
    await expect(withRetry(operation, { retryable: isTransient, sleep })).rejects.toBe(denied)
    expect(state.calls).toBe(1)
    expect(sleeps).toEqual([])
  })

  it('gives up after the number of attempts, with the last error', async () => {
    const last = named('ServiceUnavailable', { $metadata: { httpStatusCode: 503 } })
    const { operation, state } = flaky([named('SlowDown'), named('SlowDown'), last])
    const { sleep } = recordSleeps()
    await expect(withRetry(operation, { retryable: isTransient, attempts: 3, sleep })).rejects.toBe(
      last
    )
    expect(state.calls).toBe(3)
  })

  it('takes a custom retryable test', async () => {
    const { operation, state } = flaky([named('Busy'), named('Busy')])
    const { sleep } = recordSleeps()
    const result = await withRetry(operation, {
      retryable: error => (error as Error).name === 'Busy',
      sleep
    })
    expect(result).toBe('done')
    expect(state.calls).toBe(3)
  })

  it('stops retrying once the signal is aborted', async () => {
    const controller = new AbortController()
    const { operation, state } = flaky([named('SlowDown'), named('SlowDown'), named('SlowDown')])
    const sleep = async () => {
      controller.abort(new Error('cancelled'))
    }
    await expect(
      withRetry(operation, { retryable: isTransient, sleep, signal: controller.signal })
    ).rejects.toMatchObject({
      name: 'SlowDown'
    })
    expect(state.calls).toBe(2)
  })

  it('waits for real with the default sleep', async () => {
    const { operation } = flaky([named('SlowDown')])
    const started = Date.now()
    expect(
      await withRetry(operation, { retryable: isTransient, baseDelayMs: 40, random: () => 1 })
    ).toBe('done')
    expect(Date.now() - started).toBeGreaterThanOrEqual(35)
  })
})
