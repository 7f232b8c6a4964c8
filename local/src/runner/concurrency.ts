/**
 * `concurrency:` groups inside one local run, with GitHub's rule: at most one job of a group
 * runs and one waits; a newer waiting job cancels the older waiting one. With
 * `cancel-in-progress` the running one is cancelled instead of waited for.
 */
interface Waiter {
  start: () => void
  supersede: () => void
}

interface Group {
  running: boolean
  /** Cleared when the running job releases the group. */
  cancelRunning?: (() => void) | undefined
  pending?: Waiter | undefined
}

export type Admission = { admitted: true; release: () => void } | { admitted: false }

export class ConcurrencyGroups {
  private readonly groups = new Map<string, Group>()

  /**
   * Waits for the group; resolves `admitted: false` when a newer job took this one's place.
   * `cancel` is what cancel-in-progress (of a later job) calls on this one while it runs.
   */
  acquire(name: string, cancelInProgress: boolean, cancel: () => void): Promise<Admission> {
    const group = this.groups.get(name) ?? { running: false }
    this.groups.set(name, group)
    const admit = (): Admission => {
      group.running = true
      group.cancelRunning = cancel
      return { admitted: true, release: () => this.release(name) }
    }
    if (!group.running) return Promise.resolve(admit())
    if (cancelInProgress) group.cancelRunning?.()
    group.pending?.supersede()
    return new Promise(resolve => {
      group.pending = {
        start: () => resolve(admit()),
        supersede: () => resolve({ admitted: false })
      }
    })
  }

  /** Whether a job or run waits for the group (for tests that must act at that point). */
  isWaiting(name: string): boolean {
    return this.groups.get(name)?.pending !== undefined
  }

  private release(name: string): void {
    const group = this.groups.get(name)
    if (!group) return
    group.running = false
    group.cancelRunning = undefined
    const next = group.pending
    group.pending = undefined
    next?.start()
  }
}

/** A counting semaphore: the --max-parallel bound and a matrix's max-parallel. */
export class Slots {
  private waiting: (() => void)[] = []
  private used = 0

  constructor(private readonly size: number) {}

  async take(): Promise<() => void> {
    if (this.used >= this.size) await new Promise<void>(resolve => this.waiting.push(resolve))
    else this.used++
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.waiting.shift()
      if (next) next()
      else this.used--
    }
  }
}
