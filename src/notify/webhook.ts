import { UserError } from '../core/errors.js'
import { withRetry } from '../core/retry.js'
import type { Sleep } from '../core/sleep.js'
import type { WebhookMessage } from './message.js'

export type Fetch = typeof fetch

export interface WebhookOptions {
  fetch?: Fetch
  attempts?: number
  baseDelayMs?: number
  timeoutMs?: number
  sleep?: Sleep
}

class WebhookStatusError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`)
  }
}

/**
 * POSTs the message as JSON. The URL is a secret (whoever has it can post to the
 * channel), so no error here ever contains it: failures name only the status or the
 * network error code.
 */
export async function postWebhook(
  url: string,
  message: WebhookMessage,
  {
    fetch: fetchImpl = fetch,
    attempts = 3,
    baseDelayMs = 1000,
    timeoutMs = 15_000,
    sleep
  }: WebhookOptions = {}
): Promise<void> {
  try {
    await withRetry(
      async () => {
        const response = await fetchImpl(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(message),
          signal: AbortSignal.timeout(timeoutMs)
        })
        await response.text()
        if (!response.ok) throw new WebhookStatusError(response.status)
      },
      {
        attempts,
        baseDelayMs,
        maxDelayMs: 10_000,
        retryable: error =>
          !(error instanceof WebhookStatusError) || error.status === 429 || error.status >= 500,
        ...(sleep ? { sleep } : {})
      }
    )
  } catch (error) {
    throw new UserError(
      `Webhook: the POST failed (${describe(error)}); check the webhook-url secret`
    )
  }
}

function describe(error: unknown): string {
  if (error instanceof WebhookStatusError) return error.message
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause
  if (typeof cause?.code === 'string') return cause.code
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out'
  return error instanceof Error ? error.name : 'unknown error'
}
