/**
 * Main → post hand-over. The runner stores state as `STATE_<name>` for the post step;
 * domain code sees only this interface so it can be tested with a Map.
 */
export interface StateStore {
  get(name: string): string
  save(name: string, value: string): void
}

export class MemoryState implements StateStore {
  readonly values = new Map<string, string>()
  get(name: string): string {
    return this.values.get(name) ?? ''
  }
  save(name: string, value: string): void {
    this.values.set(name, value)
  }
}
