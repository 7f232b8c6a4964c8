import { describe, expect, it } from 'vitest'
import { LocalGitHubStore } from '../../../local/src/runner/local-github-store.js'
import { runFixture } from './support.js'

// The runner's GitHub API stand-in with the real notify bundle: the run's own jobs and error
// annotations, read from the API as on GitHub, end up in the issue; one store followed over
// two runs gives the streak issue's open → close.
describe('the local GitHub API stand-in', { timeout: 120_000 }, () => {
  it('serves the run, its jobs and the issues, so notify opens and then closes its issue', async () => {
    const store = new LocalGitHubStore('local/repository', 'http://localhost')
    const secret = 'canary-key-5f2b9c'
    const failed = await runFixture('test/fixtures/workflows/notify.yml', {
      github: store,
      inputs: { fail: 'true' },
      secrets: { API_KEY: secret }
    })
    expect(failed.exitCode, failed.output).toBe(1)
    expect(failed.output).toMatch(/notify +passed/)
    expect(store.issues).toHaveLength(1)
    const [issue] = store.issues
    expect(issue).toMatchObject({ state: 'open', labels: ['pipeline-failure'] })
    expect(issue?.title).toContain('fixture-pipeline')
    // The failed job and its ::error:: annotation, read back through the jobs and
    // annotations routes, with the secret masked as the runner masks its log.
    expect(issue?.body).toContain('load')
    expect(issue?.body).toContain('the export for the day is truncated (key ***)')
    expect(issue?.body).not.toContain(secret)
    expect(failed.output).toContain(`local GitHub API: opened issue #1: ${issue?.title}`)

    const recovered = await runFixture('test/fixtures/workflows/notify.yml', {
      github: store,
      inputs: { fail: 'false' }
    })
    expect(recovered.exitCode, recovered.output).toBe(0)
    expect(store.issues[0]).toMatchObject({ state: 'closed', state_reason: 'completed' })
    expect(store.issues[0]?.comments.at(-1)).toContain('Recovered')
    expect(recovered.output).toContain('local GitHub API: closed issue #1')
  })
})
