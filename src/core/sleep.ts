export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })

/** Clock and sleep together, so waiting loops can be tested without waiting. */
export interface Clock {
  now(): number
  sleep: Sleep
}

export const systemClock: Clock = { now: () => Date.now(), sleep }
