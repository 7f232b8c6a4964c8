import { UserError } from './errors.js'
import type { Logger } from './log.js'
import { group } from './regex.js'

/**
 * The one thing the domain code needs from a GitHub client: Octokit's `request(route,
 * parameters)`. The entry points pass the client of ./github.ts; nothing here imports
 * @actions/github, so the code runs against any server that speaks the REST API.
 */
export type GitHubRequest = (
  route: string,
  parameters?: Record<string, unknown>
) => Promise<{ status: number; data: unknown }>

export interface Repository {
  owner: string
  repo: string
}

export function parseRepository(text: string | undefined): Repository {
  const match = /^([\w.-]+)\/([\w.-]+)$/.exec((text ?? '').trim())
  if (!match) {
    throw new UserError(
      `GITHUB_REPOSITORY must be owner/name, got '${text ?? ''}' (is this running in a workflow?)`
    )
  }
  return { owner: group(match, 1), repo: group(match, 2) }
}

/**
 * How the client retries, in one place. Two Octokit plugins, one concern each, so that no
 * request is retried by both:
 * - @octokit/plugin-throttling owns rate limits (403/429 with `x-ratelimit-remaining: 0`,
 *   or a secondary-rate-limit message): it waits what `Retry-After` or the reset time
 *   says, when that is short enough to be worth it;
 * - @octokit/plugin-retry owns 5xx answers and dropped connections (Octokit reports those
 *   as status 500), with a growing wait; every other 4xx is final.
 */
export interface GitHubRetryPolicy {
  /** Re-tries of a 5xx or a dropped connection. */
  retries: number
  /** Re-tries of one request after a rate limit. */
  rateLimitRetries: number
  /** The longest wait for a rate limit; a longer one fails at once ("re-run later"). */
  maxRateLimitWaitSeconds: number
  /** Milliseconds per second of wait: 1000, except in tests that must not wait. */
  msPerSecond: number
}

export const DEFAULT_GITHUB_RETRY: GitHubRetryPolicy = {
  retries: 3,
  rateLimitRetries: 2,
  maxRateLimitWaitSeconds: 120,
  msPerSecond: 1000
}

/** Statuses the retry plugin leaves alone: final answers, and 429, which throttling owns. */
const FINAL_STATUSES = [400, 401, 403, 404, 410, 422, 429, 451]

type RateLimitHandler = (
  retryAfterSeconds: number,
  options: { method?: string; url?: string },
  octokit: unknown,
  retryCount: number
) => boolean

/** The `retry` and `throttle` options of an Octokit built with both plugins. */
export function githubClientOptions(
  policy: GitHubRetryPolicy = DEFAULT_GITHUB_RETRY,
  logger?: Logger
): {
  retry: { retries: number; doNotRetry: number[]; retryAfterBaseValue: number }
  throttle: {
    onRateLimit: RateLimitHandler
    onSecondaryRateLimit: RateLimitHandler
    retryAfterBaseValue: number
    fallbackSecondaryRateRetryAfter: number
  }
} {
  const handler =
    (kind: string): RateLimitHandler =>
    (retryAfterSeconds, options, _octokit, retryCount) => {
      const call = `${options.method ?? ''} ${options.url ?? ''}`.trim()
      if (retryCount >= policy.rateLimitRetries) return false
      if (retryAfterSeconds > policy.maxRateLimitWaitSeconds) return false
      logger?.warning(
        `GitHub ${kind} reached on ${call}; trying again in ${retryAfterSeconds}s (Retry-After)`
      )
      return true
    }
  return {
    retry: {
      retries: policy.retries,
      doNotRetry: FINAL_STATUSES,
      retryAfterBaseValue: policy.msPerSecond
    },
    throttle: {
      onRateLimit: handler('API rate limit'),
      onSecondaryRateLimit: handler('secondary rate limit'),
      retryAfterBaseValue: policy.msPerSecond,
      // GitHub asks for at least a minute when a secondary limit comes without Retry-After.
      fallbackSecondaryRateRetryAfter: 60
    }
  }
}

/** A failed GitHub API call, said in one line with what to change when that is known. */
export class GitHubApiError extends UserError {
  override name = 'GitHubApiError'
  constructor(
    readonly route: string,
    readonly status: number | undefined,
    detail: string,
    hint?: string
  ) {
    super(
      `GitHub API ${route} ${status === undefined ? 'failed' : `answered HTTP ${status}`}` +
        (detail ? ` (${detail})` : '') +
        (hint ? `: ${hint}` : '')
    )
  }
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | undefined)?.status
  return typeof status === 'number' ? status : undefined
}

function detailOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  // Octokit appends the documentation link after " - "; the first line is the reason.
  return (message.split(/\r?\n/)[0] ?? '').replace(/ - https:\/\/docs\.github\.com\S*$/, '').trim()
}

export interface CallOptions {
  /** What the token needs for this call, named in the error of a 403. */
  permission: string
}

/**
 * One REST call, its failure turned into a GitHubApiError naming the route and the fix.
 * Retries are the client's (see GitHubRetryPolicy): by the time an error gets here, it
 * is final.
 */
export async function callGitHub<T>(
  request: GitHubRequest,
  route: string,
  parameters: Record<string, unknown>,
  { permission }: CallOptions
): Promise<T> {
  try {
    const response = await request(route, parameters)
    return response.data as T
  } catch (error) {
    const status = statusOf(error)
    const detail = detailOf(error)
    throw new GitHubApiError(route, status, detail, hintFor(status, detail, permission))
  }
}

function hintFor(
  status: number | undefined,
  detail: string,
  permission: string
): string | undefined {
  if (/rate limit/i.test(detail)) return 'the API rate limit is used up; re-run later'
  switch (status) {
    case 401:
      return 'the token is missing, expired or invalid (check the github-token input)'
    case 403:
      return `the workflow job needs \`permissions: ${permission}\` for its GITHUB_TOKEN (or a token that has it)`
    case 404:
      return `not found: check the repository and id, and that the token can see them (\`${permission}\`)`
    default:
      return undefined
  }
}
