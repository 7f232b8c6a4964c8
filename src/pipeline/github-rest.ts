import { UserError } from '../core/errors.js'
import { withRetry } from '../core/retry.js'
import type { Sleep } from '../core/sleep.js'

/**
 * The one thing the domain code needs from a GitHub client: Octokit's `request(route,
 * parameters)`. The entry points pass `github.getOctokit(token).request`; nothing here
 * imports @actions/github, so the code runs against any server that speaks the REST API.
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
  return { owner: match[1], repo: match[2] }
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

/** Octokit reports a dropped connection as status 500 with no response, so both count. */
function retryable(error: unknown): boolean {
  const status = statusOf(error)
  return status === undefined || status === 429 || status >= 500
}

function detailOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  // Octokit appends the documentation link after " - "; the first line is the reason.
  return (message.split(/\r?\n/)[0] ?? '').replace(/ - https:\/\/docs\.github\.com\S*$/, '').trim()
}

export interface CallOptions {
  /** What the token needs for this call, named in the error of a 403. */
  permission: string
  attempts?: number
  baseDelayMs?: number
  sleep?: Sleep
}

/**
 * One REST call with retries on 5xx, 429 and dropped connections (GitHub has bad minutes
 * too), and every failure turned into a GitHubApiError naming the route and the fix.
 */
export async function callGitHub<T>(
  request: GitHubRequest,
  route: string,
  parameters: Record<string, unknown>,
  { permission, attempts = 4, baseDelayMs = 1000, sleep }: CallOptions
): Promise<T> {
  try {
    const response = await withRetry(() => request(route, parameters), {
      attempts,
      baseDelayMs,
      maxDelayMs: 10_000,
      retryable,
      ...(sleep ? { sleep } : {})
    })
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
