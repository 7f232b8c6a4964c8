import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { browserRequestRefusal } from '../service-guard.js'
import { HttpRouter, type RouteParams } from '../http-router.js'
import { onePage, type Answer, type LocalGitHubStore } from './local-github-store.js'
import type { RunJournal } from './run-journal.js'
import type { LocalService } from './services.js'

/**
 * The part of the GitHub REST API the pipeline's actions call, for one local run: the run
 * itself (its creation time is a scheduled run's event time, from which the logical-date
 * action derives the date), its jobs with their steps and error annotations (from the
 * journal, as the run goes: notify quotes the failed jobs' errors), and the repository's
 * issues and labels (from the store: notify opens, comments on and closes its issue there).
 * Anything else answers 404 saying so, so an action that needs more fails with one clear
 * line instead of reaching github.com; not a 5xx, which GitHub clients retry with backoff.
 * Requests must carry the run's token, as on GitHub (a random one per run), and come from
 * the steps, not a browser (local/src/service-guard.ts).
 */
export function localGitHubApi(options: {
  store: LocalGitHubStore
  journal: RunJournal
  token: string
}): LocalService {
  const { store, journal, token } = options
  return {
    name: 'GitHub API (runs, jobs, issues)',
    async start({ run }) {
      const prefix = `/repos/${run.repository}`
      const runPath = `${prefix}/actions/runs/${run.runId}`
      const runJson = (): Answer => [
        200,
        {
          id: run.runId,
          name: run.workflowPath,
          path: run.workflowPath,
          event: run.event,
          status: 'in_progress',
          conclusion: null,
          run_attempt: run.runAttempt,
          created_at: run.createdAt.toISOString(),
          html_url: `http://localhost/${run.repository}/actions/runs/${run.runId}`
        }
      ]
      // This run and its jobs from the journal; the rest of the repository from the store.
      const routes = new HttpRouter<(params: RouteParams, query: URLSearchParams) => Answer>()
        .on('GET', prefix, () => [200, store.repositoryJson()])
        .on('GET', runPath, runJson)
        .on('GET', `${runPath}/attempts/${run.runAttempt}`, runJson)
        .on('GET', `${runPath}/jobs`, (_params, query) => {
          const jobs = journal.jobs.map(({ annotations: _annotations, ...job }) => ({
            ...job,
            run_id: run.runId
          }))
          return [200, { total_count: jobs.length, jobs: onePage(jobs, query) }]
        })
        .on('GET', `${prefix}/check-runs/:id(\\d+)/annotations`, ({ id }) => {
          const job = journal.jobs.find(candidate => candidate.id === Number(id))
          return job ? [200, job.annotations] : [404, { message: 'Not Found' }]
        })
      const answer = (
        method: string,
        url: URL,
        authorization: string | undefined,
        body: unknown
      ): Answer => {
        if (authorization !== `token ${token}` && authorization !== `Bearer ${token}`) {
          return [401, { message: 'Bad credentials (the local runner gives each step its token)' }]
        }
        const found = routes.find(method, url)
        if (found.found) return found.handler(found.params, found.query)
        if (url.pathname.startsWith(`${prefix}/`)) {
          const route = url.pathname.slice(prefix.length)
          const stored = store.answer(method, route, url.searchParams, body)
          if (stored) return stored
        }
        return [
          404,
          {
            message:
              `the local runner's GitHub API stand-in answers this run, its jobs, the ` +
              `repository, its issues, labels and workflows (state, enable, dispatch) and ` +
              `re-runs only (got ${method} ${url.pathname})`
          }
        ]
      }
      const server = createServer((request, response) => {
        const { port } = server.address() as AddressInfo
        const refusal = browserRequestRefusal(request.method ?? 'GET', request.headers, port)
        if (refusal) {
          request.resume()
          response.writeHead(403, { 'content-type': 'application/json' })
          response.end(JSON.stringify({ message: `GitHub API stand-in: ${refusal}` }))
          return
        }
        let raw = ''
        request.on('data', chunk => (raw += String(chunk)))
        request.on('end', () => {
          const url = new URL(request.url ?? '/', 'http://127.0.0.1')
          let body: unknown
          try {
            body = raw ? JSON.parse(raw) : undefined
          } catch {
            body = undefined
          }
          const [status, data] = answer(
            request.method ?? 'GET',
            url,
            request.headers.authorization,
            body
          )
          if (status === 204) {
            response.writeHead(204)
            response.end()
            return
          }
          response.writeHead(status, { 'content-type': 'application/json' })
          response.end(JSON.stringify(data))
        })
      })
      await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
      const { port } = server.address() as AddressInfo
      const url = `http://127.0.0.1:${port}`
      return {
        env: { GITHUB_API_URL: url, GITHUB_GRAPHQL_URL: `${url}/graphql` },
        description: `GitHub API stand-in on ${url} (this run, its jobs, issues and labels)`,
        stop: () => new Promise<void>(resolve => server.close(() => resolve()))
      }
    }
  }
}
