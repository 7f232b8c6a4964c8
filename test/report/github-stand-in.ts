import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { HttpRouter } from '../../local/src/http-router.js'
import { onePage } from '../../local/src/runner/local-github-store.js'

/**
 * A local stand-in for the three GitHub REST routes the report reads (a workflow's runs, a
 * run's jobs, the open issues with a label), on 127.0.0.1, recording every request. No
 * workflow runs here, so the runs are given by the test.
 */
export interface StandInRun {
  id: number
  run_attempt: number
  status: string
  conclusion: string | null
  event: string
  created_at: string
  display_title: string
}

export class GitHubStandIn {
  readonly requests: { path: string; query: URLSearchParams; headers: IncomingHttpHeaders }[] = []
  runs: StandInRun[] = []
  jobs: { name: string; conclusion: string | null }[] = []
  issues: { number: number; title: string; body: string; labels: string[] }[] = []
  /** Answer every request with this status instead (e.g. 401). */
  failWith?: number | undefined
  /** What every `html_url` starts with (a crafted answer gives another scheme). */
  linkBase = 'https://github.com/example/pipeline'
  url = ''
  private server?: Server

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      this.requests.push({ path: url.pathname, query: url.searchParams, headers: req.headers })
      const [status, body] = this.failWith
        ? [this.failWith, { message: 'Bad credentials' }]
        : this.answer(req.method ?? 'GET', url)
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    })
    await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  async stop(): Promise<void> {
    await new Promise<void>(resolve =>
      this.server ? this.server.close(() => resolve()) : resolve()
    )
  }

  private answer(method: string, url: URL): [number, unknown] {
    const found = ROUTES.find(method, url)
    return found.found ? found.handler(this, found.query) : [404, { message: 'Not Found' }]
  }

  listRuns(query: URLSearchParams): [number, unknown] {
    const runs = onePage(this.runs, query).map(run => ({
      ...run,
      html_url: `${this.linkBase}/actions/runs/${run.id}`
    }))
    return [200, { total_count: this.runs.length, workflow_runs: runs }]
  }

  listJobs(): [number, unknown] {
    const jobs = this.jobs.map((job, index) => ({
      ...job,
      html_url: `${this.linkBase}/actions/runs/1/job/${index + 1}`
    }))
    return [200, { total_count: this.jobs.length, jobs }]
  }

  listIssues(query: URLSearchParams): [number, unknown] {
    const label = query.get('labels')
    return [
      200,
      this.issues
        .filter(issue => !label || issue.labels.includes(label))
        .map(issue => ({ ...issue, html_url: `${this.linkBase}/issues/${issue.number}` }))
    ]
  }
}

const REPOSITORY = '/repos/example/pipeline'

/** What the report reads: the workflow's runs, a run's jobs, the failure issues. */
const ROUTES = new HttpRouter<
  (github: GitHubStandIn, query: URLSearchParams) => [number, unknown]
>()
  .on('GET', `${REPOSITORY}/actions/workflows/:workflow/runs`, (github, query) =>
    github.listRuns(query)
  )
  .on('GET', `${REPOSITORY}/actions/runs/:runId(\\d+)/jobs`, github => github.listJobs())
  .on('GET', `${REPOSITORY}/issues`, (github, query) => github.listIssues(query))
