import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

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
        : this.answer(url)
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

  private answer(url: URL): [number, unknown] {
    const repo = '/repos/example/pipeline'
    const route = url.pathname.startsWith(repo) ? url.pathname.slice(repo.length) : ''
    if (/^\/actions\/workflows\/[^/]+\/runs$/.test(route)) {
      const perPage = Number(url.searchParams.get('per_page') ?? 30)
      const page = Number(url.searchParams.get('page') ?? 1)
      const runs = this.runs.slice((page - 1) * perPage, page * perPage).map(run => ({
        ...run,
        html_url: `${this.linkBase}/actions/runs/${run.id}`
      }))
      return [200, { total_count: this.runs.length, workflow_runs: runs }]
    }
    if (/^\/actions\/runs\/\d+\/jobs$/.test(route)) {
      return [
        200,
        {
          total_count: this.jobs.length,
          jobs: this.jobs.map((job, index) => ({
            ...job,
            html_url: `${this.linkBase}/actions/runs/1/job/${index + 1}`
          }))
        }
      ]
    }
    if (route === '/issues') {
      const label = url.searchParams.get('labels')
      return [
        200,
        this.issues
          .filter(issue => !label || issue.labels.includes(label))
          .map(issue => ({
            ...issue,
            html_url: `${this.linkBase}/issues/${issue.number}`
          }))
      ]
    }
    return [404, { message: 'Not Found' }]
  }
}
