import { expect } from 'vitest'

/**
 * A value the test needs in order to go on (the first run, a job of a workflow, a matched
 * line): a failed expectation naming what is missing when it is not there, rather than a
 * TypeError further down.
 */
export function present<T>(value: T | undefined, what: string): T {
  if (value === undefined) expect.unreachable(`expected ${what}, found none`)
  return value
}
