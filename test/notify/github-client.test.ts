import type Bottleneck from 'bottleneck'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { githubRequest, SPACING_SECONDS, spacingGroups } from '../../src/core/github.js'
import { callGitHub, DEFAULT_GITHUB_RETRY, type GitHubRequest } from '../../src/core/github-rest.js'
import { MemoryLogger } from '../../src/core/log.js'
import { LocalGitHub } from './local-github.js'

// The client the notify, auto-retry and logical-date actions use (Octokit with
// @octokit/plugin-retry and @octokit/plugin-throttling), against the local stand-in for the
// GitHub REST API on 127.0.0.1 (./local-github.ts). Rate limits, 5xx answers and dropped
// connections cannot be provoked from a local server that behaves, so the stand-in injects
// them (`fail`). Waits are shortened to a millisecond per second of Retry-After: the test
// checks what is retried and how often, never how long it took.
const token = 'ghs_clientTestToken0123456789'
const github = new LocalGitHub(token)
const route = 'GET /repos/{owner}/{repo}/actions/runs/{run_id}'
const runPath = /\/actions\/runs\/5$/
let logger: MemoryLogger

beforeAll(() => github.start())
afterAll(() => github.stop())
beforeEach(() => {
  github.reset()
  logger = new MemoryLogger()
  github.runs.set(5, {
    id: 5,
    name: 'Daily customer ETL',
    path: '.github/workflows/daily-customer-etl.yml',
    event: 'schedule',
    status: 'completed',
    conclusion: 'success',
    run_attempt: 1,
    created_at: '2026-03-01T02:04:00Z'
  })
})

function client(): GitHubRequest {
  return githubRequest(token, {
    baseUrl: github.url,
    policy: { ...DEFAULT_GITHUB_RETRY, msPerSecond: 1 },
    logger
  })
}

function readRun(): Promise<{ id: number }> {
  return callGitHub(
    client(),
    route,
    { owner: 'example', repo: 'pipeline', run_id: 5 },
    {
      permission: 'actions: read'
    }
  )
}

/** The one line a failed call ends in. */
async function failure(): Promise<string> {
  const error: unknown = await readRun().then(
    () => undefined,
    (caught: unknown) => caught
  )
  return error instanceof Error ? error.message : `no error: ${String(error)}`
}

const secondary = 'You have exceeded a secondary rate limit. Please wait a few minutes.'

describe('GitHub client: one retry layer per kind of failure', () => {
  it.each([429, 403])(
    'a %i secondary rate limit waits what Retry-After says, then succeeds',
    async status => {
      github.fail('GET', runPath, status, secondary, 1, { 'retry-after': '7' })
      await expect(readRun()).resolves.toMatchObject({ id: 5 })
      expect(github.calls()).toEqual([
        'GET /repos/example/pipeline/actions/runs/5',
        'GET /repos/example/pipeline/actions/runs/5'
      ])
      expect(logger.lines.filter(line => line.startsWith('warning:'))).toEqual([
        'warning: GitHub secondary rate limit reached on GET /repos/{owner}/{repo}/actions/runs/{run_id}; trying again in 7s (Retry-After)'
      ])
    }
  )

  it('a used-up primary rate limit waits until its reset time, then succeeds', async () => {
    const reset = String(Math.ceil(Date.now() / 1000) + 5)
    github.fail('GET', runPath, 403, 'API rate limit exceeded for installation ID 1.', 1, {
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': reset
    })
    await expect(readRun()).resolves.toMatchObject({ id: 5 })
    expect(github.calls()).toHaveLength(2)
    expect(logger.lines.join('\n')).toContain('GitHub API rate limit reached')
  })

  it('a rate limit that lasts longer than is worth waiting fails at once, in one line', async () => {
    github.fail('GET', runPath, 429, secondary, 1, { 'retry-after': '3600' })
    expect(await failure()).toBe(
      'GitHub API GET /repos/{owner}/{repo}/actions/runs/{run_id} answered HTTP 429 ' +
        `(${secondary}): the API rate limit is used up; re-run later`
    )
    expect(github.calls()).toHaveLength(1)
  })

  it('a rate limit that keeps coming back is given up after two more tries', async () => {
    github.fail('GET', runPath, 429, secondary, 10, { 'retry-after': '1' })
    expect(await failure()).toMatch(/HTTP 429 .*re-run later$/)
    expect(github.calls()).toHaveLength(1 + DEFAULT_GITHUB_RETRY.rateLimitRetries)
  })

  it('a 404 is final: one request and the hint', async () => {
    github.runs.clear()
    expect(await failure()).toBe(
      'GitHub API GET /repos/{owner}/{repo}/actions/runs/{run_id} answered HTTP 404 (Not Found): ' +
        'not found: check the repository and id, and that the token can see them (`actions: read`)'
    )
    expect(github.calls()).toHaveLength(1)
  })

  it('a 403 without a rate limit is final and names the permission', async () => {
    github.fail('GET', runPath, 403, 'Resource not accessible by integration')
    expect(await failure()).toMatch(
      /answered HTTP 403 \(Resource not accessible by integration\): the workflow job needs `permissions: actions: read`/
    )
    expect(github.calls()).toHaveLength(1)
  })

  it('5xx answers and dropped connections are retried, then succeed', async () => {
    github.fail('GET', runPath, 502, 'Server Error', 1)
    github.fail('GET', runPath, 0, '', 1)
    await expect(readRun()).resolves.toMatchObject({ id: 5 })
    expect(github.calls()).toHaveLength(3)
  })

  it('a 5xx that does not go away ends after the retries, in one line', async () => {
    github.fail('GET', runPath, 503, 'Service Unavailable', 10)
    expect(await failure()).toBe(
      'GitHub API GET /repos/{owner}/{repo}/actions/runs/{run_id} answered HTTP 503 (Service Unavailable)'
    )
    expect(github.calls()).toHaveLength(1 + DEFAULT_GITHUB_RETRY.retries)
  })
})

describe("GitHub client: writes spaced as GitHub asks, in the policy's seconds", () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  /**
   * Queues `count` jobs at once on one key of the group (in fake time) and checks that each
   * starts `spacing` ms after the one before: Bottleneck spaces the slots it hands out, and a
   * job starts a tick or two after its slot, hence the 2 ms either way.
   */
  async function expectSpacing(
    group: Bottleneck.Group,
    key: string,
    count: number,
    spacing: number
  ) {
    vi.useFakeTimers({ now: 0 })
    const started: number[] = []
    const jobs = Array.from({ length: count }, () =>
      group.key(key).schedule(() => Promise.resolve(started.push(Date.now())))
    )
    await vi.advanceTimersByTimeAsync(count * spacing + 100)
    await Promise.all(jobs)
    expect(started).toHaveLength(count)
    const gaps = started.slice(1).map((time, k) => time - started[k]!)
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(spacing - 2)
      expect(gap).toBeLessThanOrEqual(spacing + 2)
    }
  }

  it('production: writes a second apart, searches two, notifying writes three', async () => {
    const groups = spacingGroups(1000)
    expect(SPACING_SECONDS).toEqual({ write: 1, search: 2, notifications: 3 })
    await expectSpacing(groups.write, 'production-write', 3, 1000)
    await expectSpacing(groups.search, 'production-search', 2, 2000)
    await expectSpacing(groups.notifications, 'production-notify', 2, 3000)
  })

  it('a policy with a shorter second spaces by that second, on queues of its own', async () => {
    const groups = spacingGroups(5)
    expect(groups).toBe(spacingGroups(5))
    expect(groups.write).not.toBe(spacingGroups(1000).write)
    await expectSpacing(groups.write, 'short-write', 3, 5)
    await expectSpacing(groups.search, 'short-search', 2, 10)
    await expectSpacing(groups.notifications, 'short-notify', 2, 15)
  })

  // The client goes through the queues of its policy's second. Only lower bounds on real
  // time: a busy machine makes the writes slower, never faster than the spacing.
  it.each([1000, 250])(
    'a client with %i ms a second: two writes at once are that far apart, through its queues',
    async msPerSecond => {
      const client = githubRequest(token, {
        baseUrl: github.url,
        policy: { ...DEFAULT_GITHUB_RETRY, msPerSecond }
      })
      const label = (name: string) =>
        client('POST /repos/{owner}/{repo}/labels', { owner: 'example', repo: 'pipeline', name })
      const began = performance.now()
      await Promise.all([label('first'), label('second')])
      // Timers may fire up to a millisecond before their time by performance.now().
      expect(performance.now() - began).toBeGreaterThanOrEqual(
        SPACING_SECONDS.write * msPerSecond - 2
      )
      expect(github.calls()).toEqual([
        'POST /repos/example/pipeline/labels',
        'POST /repos/example/pipeline/labels'
      ])
      // The plugin's queue key for a client without an id.
      expect(spacingGroups(msPerSecond).write.keys()).toContain('no-id')
    }
  )
})
