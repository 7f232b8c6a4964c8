import * as github from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import Bottleneck from 'bottleneck/light.js'
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

/** The throttling plugin's queues that space requests out, by kind of request. */
export interface SpacingGroups {
  write: Bottleneck.Group
  search: Bottleneck.Group
  notifications: Bottleneck.Group
}

/**
 * The seconds GitHub asks a client to leave between two requests of a kind (its REST API's
 * best practices, which @octokit/plugin-throttling follows): writes (and GraphQL) one at a
 * time a second apart, searches two, writes that notify three.
 */
export const SPACING_SECONDS = { write: 1, search: 2, notifications: 3 } as const

const spacingBySecond = new Map<number, SpacingGroups>()

/**
 * The plugin's spacing in the policy's seconds. The plugin keeps one set of queues for the
 * whole process, spaced in real seconds, so a test whose policy shortens every other wait
 * would still wait a second per write; these take GitHub's numbers in `msPerSecond` instead.
 * One set per length of second, shared by every client that uses it, as the plugin's are:
 * production (1000 ms) spaces all its clients' writes a second apart, as GitHub asks.
 */
export function spacingGroups(msPerSecond: number): SpacingGroups {
  let groups = spacingBySecond.get(msPerSecond)
  if (!groups) {
    const group = (kind: keyof SpacingGroups): Bottleneck.Group =>
      new Bottleneck.Group({
        id: `octokit-${kind}`,
        maxConcurrent: 1,
        minTime: SPACING_SECONDS[kind] * msPerSecond
      })
    groups = {
      write: group('write'),
      search: group('search'),
      notifications: group('notifications')
    }
    spacingBySecond.set(msPerSecond, groups)
  }
  return groups
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
  const options = githubClientOptions(policy, logger)
  const octokit = github.getOctokit(
    token,
    {
      ...options,
      throttle: { ...options.throttle, ...spacingGroups(policy.msPerSecond) },
      ...(baseUrl ? { baseUrl } : {})
    },
    retry,
    throttling
  )
  return (route, parameters) => octokit.request(route, parameters)
}
