import type { Clock } from '../../../src/core/sleep.js'

/** A clock whose sleep moves time forward and returns at once; it still honours an aborted signal. */
export class FakeClock implements Clock {
  time = 0
  readonly sleeps: number[] = []

  now = (): number => this.time

  sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    signal?.throwIfAborted()
    this.sleeps.push(ms)
    this.time += ms
  }
}
