import { printable } from './printable.js'
import { redactCredentials } from './redact.js'

/**
 * Errors a user can act on. The runner prints their message as one line and exits 1,
 * without a stack trace: the message must say what to change.
 */
export class UserError extends Error {
  override name = 'UserError'
}

/**
 * The title of the error annotation that marks a failure no re-run can change (a refusal, a
 * blocked date): the auto-retry action reads the failed run's annotations (`checks: read`)
 * and re-runs nothing that carries it.
 */
export const CERTAIN_FAILURE_TITLE = 'Certain failure (not retried)'

/** A failure that running the same thing again would repeat: reported under its title. */
export class CertainFailure extends UserError {
  override name = 'CertainFailure'
}

/** A bad action input, reported before any request is sent. */
export class InputError extends UserError {
  override name = 'InputError'
  constructor(
    readonly input: string,
    readonly expected: string,
    readonly got?: string
  ) {
    super(
      got === undefined
        ? `Input '${input}': expected ${expected}`
        : `Input '${input}': expected ${expected}, got '${printable(truncate(got, 80))}'`
    )
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

/** The name of an AWS SDK (or similar) error, whatever shape it came in. */
export function errorName(error: unknown): string {
  if (error && typeof error === 'object') {
    const named = error as { name?: unknown; code?: unknown; Code?: unknown }
    for (const candidate of [named.name, named.Code, named.code]) {
      if (typeof candidate === 'string' && candidate !== 'Error') return candidate
    }
  }
  return 'Error'
}

/** An error's message, stripped of any credential a service echoed into it. */
export function errorMessage(error: unknown): string {
  return redactCredentials(error instanceof Error ? error.message : String(error))
}
