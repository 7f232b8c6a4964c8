import * as github from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import {
  DEFAULT_GITHUB_RETRY,
  githubClientOptions,
  type GitHubRequest,
  type GitHubRetryPolicy
} from './github-rest.js'
import type { Logger } from './log.js'

export interface GitHubClientOptions {
  /** The API root; @actions/github reads GITHUB_API_URL when this is not given. */
  baseUrl?: string
  policy?: GitHubRetryPolicy
  /** Told about each wait for a rate limit. */
  logger?: Logger
}

/**
 * A GitHub REST call with the given token, in the shape ./github-rest.ts takes, retried by
 * @octokit/plugin-retry and @octokit/plugin-throttling (which layer owns what: see
 * GitHubRetryPolicy). Apart from runner.ts so that only the actions that talk to GitHub
 * bundle this client.
 */
export function githubRequest(
  token: string,
  { baseUrl, policy = DEFAULT_GITHUB_RETRY, logger }: GitHubClientOptions = {}
): GitHubRequest {
  const octokit = github.getOctokit(
    token,
    { ...githubClientOptions(policy, logger), ...(baseUrl ? { baseUrl } : {}) },
    retry,
    throttling
  )
  return (route, parameters) => octokit.request(route, parameters)
}
