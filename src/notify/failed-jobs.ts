import { NotifyInput } from '../constants/notify.js'
import { InputError } from '../core/errors.js'

/**
 * The `failed-jobs` input: either names (one per line or comma-separated), or the
 * workflow's `needs` context as JSON (`${{ toJSON(needs) }}`), from which the jobs whose
 * result is failure (or cancelled, said so) are taken in their order.
 */
export function parseFailedJobs(raw: string): string[] {
  const text = raw.trim()
  if (!text) return []
  if (text.startsWith('{')) {
    let needs: unknown
    try {
      needs = JSON.parse(text)
    } catch {
      throw new InputError(
        NotifyInput.FailedJobs,
        'job names, or the needs context as JSON (toJSON(needs))'
      )
    }
    if (!needs || typeof needs !== 'object' || Array.isArray(needs)) {
      throw new InputError(NotifyInput.FailedJobs, 'the needs context as a JSON object')
    }
    return Object.entries(needs as Record<string, { result?: unknown }>).flatMap(([job, value]) => {
      const result = value && typeof value === 'object' ? value.result : undefined
      if (result === 'failure') return [job]
      if (result === 'cancelled') return [`${job} (cancelled)`]
      return []
    })
  }
  return text
    .split(/[\n,]/)
    .map(name => name.trim())
    .filter(Boolean)
}
