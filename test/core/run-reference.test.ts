import { describe, expect, it } from 'vitest'
import {
  describeRun,
  LOCAL_RUN_VARIABLE,
  runLink,
  runReference
} from '../../src/core/run-reference.js'

const github = {
  GITHUB_RUN_ID: '4242',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'example/pipeline'
}

describe('runReference', () => {
  it('links a run on GitHub: the run, or its attempt', () => {
    expect(runReference(github)).toEqual({
      id: '4242',
      attempt: 2,
      url: 'https://github.com/example/pipeline/actions/runs/4242'
    })
    expect(runReference(github, 'attempt')?.url).toBe(
      'https://github.com/example/pipeline/actions/runs/4242/attempts/2'
    )
  })

  it("uses the server the runner names (GitHub Enterprise Server), without a trailing '/'", () => {
    expect(runReference({ ...github, GITHUB_SERVER_URL: 'https://ghe.example.com/' })?.url).toBe(
      'https://ghe.example.com/example/pipeline/actions/runs/4242'
    )
  })

  it('never links a run of the local runner, whatever its repository and server', () => {
    const local = runReference({ ...github, [LOCAL_RUN_VARIABLE]: 'true' }, 'attempt')
    expect(local).toEqual({ id: '4242', attempt: 2, local: true })
    expect(describeRun(local)).toBe('local run 4242')
    expect(runLink(local)).toEqual({ name: 'local run 4242' })
  })

  it.each([
    ["a clone's path ending in '/.'", 'clone/.'],
    ['no repository', ''],
    ['a path, not owner/name', 'work/main/extra'],
    ['an owner GitHub does not allow', 'my_org/pipeline']
  ])('gives no link for %s outside the local runner', (_, repository) => {
    expect(runReference({ ...github, GITHUB_REPOSITORY: repository })).toEqual({
      id: '4242',
      attempt: 2
    })
  })

  it('gives no link when the server is not an http(s) URL', () => {
    expect(runReference({ ...github, GITHUB_SERVER_URL: 'javascript:alert(1)//' })).toEqual({
      id: '4242',
      attempt: 2
    })
  })

  it('is undefined outside a workflow run, or for a run ID that is not a number', () => {
    expect(runReference({})).toBeUndefined()
    expect(runReference({ ...github, GITHUB_RUN_ID: '12; rm -rf /' })).toBeUndefined()
    expect(describeRun(undefined)).toBe('a run outside GitHub Actions')
  })

  it('names a run as a log line does, with its page when it has one', () => {
    expect(describeRun(runReference(github))).toBe(
      'run 4242 (https://github.com/example/pipeline/actions/runs/4242)'
    )
    expect(runLink(runReference(github), 'https://example.com/runs/9')).toEqual({
      name: 'run 4242',
      url: 'https://example.com/runs/9'
    })
  })
})
