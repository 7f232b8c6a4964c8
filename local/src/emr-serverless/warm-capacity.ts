import type { WarmDriver } from './warm-driver.js'

export interface WarmCapacityOptions {
  /** Whether the application's runs use a warm driver (its setting, else the service's). */
  isWarm: (applicationId: string) => boolean
  /** A new driver for the application (its process started). */
  startDriver: (applicationId: string) => WarmDriver
  log: (line: string) => void
  /** How long a driver may take to end when the service stops, before it is killed. */
  stopGraceMs: number
}

/**
 * Pre-initialised capacity: at most one warm Spark driver per application, started when
 * the application starts (or its first run asks for it) and replaced after it crashed, was
 * killed by a cancel, or was left unusable by a run.
 */
export class WarmCapacity {
  private readonly drivers = new Map<string, WarmDriver>()
  private stopped = false

  constructor(private readonly options: WarmCapacityOptions) {}

  isWarm(applicationId: string): boolean {
    return this.options.isWarm(applicationId)
  }

  /** The application's driver, started now when it has none (or none alive). */
  driver(applicationId: string): WarmDriver | undefined {
    if (this.stopped || !this.options.isWarm(applicationId)) return undefined
    const existing = this.drivers.get(applicationId)
    if (existing?.alive) return existing
    const driver = this.options.startDriver(applicationId)
    this.drivers.set(applicationId, driver)
    this.options.log(`application ${applicationId}: warm Spark driver starting`)
    return driver
  }

  /** Kills a driver that cannot serve another run; the next run (or start) gets a new one. */
  async discard(applicationId: string, driver: WarmDriver): Promise<void> {
    if (this.drivers.get(applicationId) === driver) this.drivers.delete(applicationId)
    await driver.kill()
    this.options.log(`application ${applicationId}: warm Spark driver replaced`)
    // Capacity is kept: a new driver warms up before the next run asks for it.
    this.driver(applicationId)
  }

  async stop(): Promise<void> {
    this.stopped = true
    const drivers = [...this.drivers.values()]
    this.drivers.clear()
    await Promise.all(drivers.map(driver => driver.stop(this.options.stopGraceMs)))
  }
}
