import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { LocalService } from './services.js'

/**
 * The piece of the GitHub REST API a run reads about itself: GET the current workflow run
 * (its creation time is the scheduled run's event time, from which the logical-date action
 * derives the date). Everything else answers 404 with a message saying so, so an action that
 * needs more of the API fails with one clear line instead of reaching github.com; not a 5xx,
 * which GitHub clients retry with backoff (notify would wait ~15 s per call for nothing).
 */
export const localGitHubApi: LocalService = {
  name: 'GitHub API (runs only)',
  async start({ run }) {
    const runPath = `/repos/${run.repository}/actions/runs/${run.runId}`
    const server = createServer((request, response) => {
      const url = (request.url ?? '').split('?')[0]
      const send = (status: number, body: unknown): void => {
        response.writeHead(status, { 'content-type': 'application/json' })
        response.end(JSON.stringify(body))
      }
      if (
        request.method === 'GET' &&
        (url === runPath || url === `${runPath}/attempts/${run.runAttempt}`)
      ) {
        send(200, {
          id: run.runId,
          name: run.workflowPath,
          path: run.workflowPath,
          event: run.event,
          status: 'in_progress',
          conclusion: null,
          run_attempt: run.runAttempt,
          created_at: run.createdAt.toISOString(),
          html_url: `http://localhost/${run.repository}/actions/runs/${run.runId}`
        })
        return
      }
      send(404, {
        message: `the local runner's GitHub API stand-in only answers GET ${runPath} (got ${request.method} ${url})`
      })
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const url = `http://127.0.0.1:${port}`
    return {
      env: { GITHUB_API_URL: url, GITHUB_GRAPHQL_URL: `${url}/graphql` },
      description: `GitHub API stand-in on ${url}`,
      stop: () => new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}
