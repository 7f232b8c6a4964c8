import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { HttpRouter, type RouteParams } from '../../local/src/http-router.js'
import { LocalGitHubStore } from '../../local/src/runner/local-github-store.js'

export type { StoredIssue } from '../../local/src/runner/local-github-store.js'

/**
 * A local stand-in for the GitHub REST API (the few routes the pipeline actions call) and
 * for a chat webhook, on 127.0.0.1. It keeps issues and workflow runs in memory so a test
 * can follow an issue through open → comment → close across several action runs, and it
 * RECORDS every request (method, path, query, body, headers) for the tests to assert on.
 * `fail()` injects error answers that the real API gives but cannot be provoked here
 * (403 without permission, 5xx, rate limits with their headers, a dropped connection), and
 * `scriptReruns()` says how the attempts started by a re-run end, since no workflow runs
 * here: each one is in progress for a given number of reads, then completes.
 */
export interface RecordedRequest {
  method: string
  path: string
  query: URLSearchParams
  body: unknown
  headers: IncomingMessage['headers']
}

export interface StoredRun {
  id: number
  name: string
  path: string
  event: string
  status: string
  conclusion: string | null
  run_attempt: number
  created_at: string
}

/** How one scripted attempt ends, and after how many reads of it (run or attempt route). */
export interface ScriptedAttempt {
  conclusion: 'success' | 'failure' | 'cancelled'
  readsWhileRunning?: number
}

export interface StoredJob {
  id: number
  name: string
  conclusion: string | null
  steps: Array<{ name: string; conclusion: string | null }>
  annotations: Array<{ annotation_level: string; message: string; title?: string }>
}

interface Fault {
  method: string
  path: RegExp
  /** 0 drops the connection without an answer. */
  status: number
  message: string
  times: number
  headers: Record<string, string>
}

export class LocalGitHub {
  readonly requests: RecordedRequest[] = []
  readonly runs = new Map<number, StoredRun>()
  /** Jobs of a run (by run id), with the annotations their steps wrote. */
  readonly jobs = new Map<number, StoredJob[]>()
  readonly webhookMessages: unknown[] = []
  /** Earlier attempts of each run (by run id), as they ended; the latest is in `runs`. */
  readonly pastAttempts = new Map<number, StoredRun[]>()
  private readonly scripts = new Map<number, ScriptedAttempt[]>()
  private readonly readsLeft = new Map<number, number>()
  private readonly pending = new Map<number, ScriptedAttempt | undefined>()
  webhookStatus = 200
  /**
   * Called once each request has been answered: lets a test act between two requests of an
   * action (a person re-running a run) at a point that does not depend on timing.
   */
  onAnswered?: ((request: RecordedRequest) => void) | undefined
  private faults: Fault[] = []
  private server?: Server
  url = ''

  /** Issues and labels: the runner's own in-memory store, so both answer alike. */
  readonly store: LocalGitHubStore

  constructor(
    readonly token: string,
    readonly repository = 'example/pipeline'
  ) {
    this.store = new LocalGitHubStore(repository)
  }

  get issues(): LocalGitHubStore['issues'] {
    return this.store.issues
  }

  get labels(): LocalGitHubStore['labels'] {
    return this.store.labels
  }

  get webhookUrl(): string {
    return `${this.url}/hooks/T000/B000/not-a-real-secret-xyz`
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let raw = ''
      req.on('data', chunk => (raw += String(chunk)))
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1')
        const body = raw ? safeJson(raw) : undefined
        this.requests.push({
          method: req.method ?? '',
          path: url.pathname,
          query: url.searchParams,
          body,
          headers: req.headers
        })
        const fault = this.takeFault(req.method ?? '', url.pathname)
        if (fault?.status === 0) {
          req.socket.destroy()
          return
        }
        const [status, answer] = fault
          ? [
              fault.status,
              { message: fault.message, documentation_url: 'https://docs.github.com/rest' }
            ]
          : this.answer(req, url, body)
        res.writeHead(status, { 'content-type': 'application/json', ...fault?.headers })
        res.end(typeof answer === 'string' ? answer : JSON.stringify(answer))
        // The request answered here was pushed above.
        this.onAnswered?.(this.requests.at(-1)!)
      })
    })
    await new Promise<void>(resolve => this.server?.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`
  }

  async stop(): Promise<void> {
    await new Promise(resolve => this.server?.close(resolve))
  }

  /**
   * Answers the next `times` matching requests with an error, as GitHub would (status 0:
   * the connection is dropped instead), with the given response headers.
   */
  fail(
    method: string,
    path: RegExp,
    status: number,
    message: string,
    times = 1,
    headers: Record<string, string> = {}
  ): void {
    this.faults.push({ method, path, status, message, times, headers })
  }

  /** The attempts the next re-runs of a run start, in order, and how each one ends. */
  scriptReruns(runId: number, attempts: ScriptedAttempt[]): void {
    this.scripts.set(runId, [...attempts])
  }

  private takeFault(method: string, path: string): Fault | undefined {
    if (path.startsWith('/hooks/')) return undefined
    const fault = this.faults.find(f => f.method === method && f.path.test(path) && f.times > 0)
    if (fault) fault.times--
    return fault
  }

  reset(): void {
    this.requests.length = 0
    this.store.reset()
    this.runs.clear()
    this.jobs.clear()
    this.pastAttempts.clear()
    this.scripts.clear()
    this.readsLeft.clear()
    this.pending.clear()
    this.webhookMessages.length = 0
    this.webhookStatus = 200
    this.onAnswered = undefined
    this.faults = []
  }

  /** Requests to the REST API, as `METHOD /path`, in order. */
  calls(): string[] {
    return this.requests
      .filter(r => !r.path.startsWith('/hooks/'))
      .map(r => `${r.method} ${r.path}`)
  }

  private answer(req: IncomingMessage, url: URL, body: unknown): [number, unknown] {
    const method = req.method ?? ''
    const path = url.pathname
    if (path.startsWith('/hooks/')) {
      this.webhookMessages.push(body)
      return [this.webhookStatus, this.webhookStatus < 300 ? 'ok' : 'no_service']
    }
    if (req.headers.authorization !== `token ${this.token}`) {
      return [401, { message: 'Bad credentials' }]
    }
    const prefix = `/repos/${this.repository}`
    if (!path.startsWith(prefix)) return [404, { message: 'Not Found' }]
    const route = path.slice(prefix.length)
    const found = FAKE_ROUTES.find(method, route)
    return (
      (found.found ? found.handler(this, found.params) : undefined) ??
      this.store.answer(method, route, url.searchParams, body) ?? [404, { message: 'Not Found' }]
    )
  }

  listJobs(runId: number): [number, unknown] {
    const jobs = this.jobs.get(runId)
    if (!jobs) return [404, { message: 'Not Found' }]
    const listed = jobs.map(({ annotations: _annotations, ...job }) => job)
    return [200, { total_count: listed.length, jobs: listed }]
  }

  annotations(jobId: number): [number, unknown] {
    const job = [...this.jobs.values()].flat().find(candidate => candidate.id === jobId)
    return job ? [200, job.annotations] : [404, { message: 'Not Found' }]
  }

  getAttempt(runId: number, number: number): [number, unknown] {
    const run = this.runs.get(runId)
    if (!run) return [404, { message: 'Not Found' }]
    if (number === run.run_attempt) return [200, this.runJson(this.read(run))]
    const past = this.pastAttempts.get(run.id)?.find(attempt => attempt.run_attempt === number)
    return past ? [200, this.runJson(past)] : [404, { message: 'Not Found' }]
  }

  getRun(runId: number): [number, unknown] {
    const run = this.runs.get(runId)
    return run ? [200, this.runJson(this.read(run))] : [404, { message: 'Not Found' }]
  }

  rerunFailedJobs(runId: number): [number, unknown] {
    const run = this.runs.get(runId)
    if (!run) return [404, { message: 'Not Found' }]
    if (run.status !== 'completed') {
      return [403, { message: 'This workflow is already running' }]
    }
    this.pastAttempts.set(run.id, [...(this.pastAttempts.get(run.id) ?? []), { ...run }])
    run.run_attempt++
    run.status = 'queued'
    run.conclusion = null
    const next = this.scripts.get(run.id)?.shift()
    if (next) this.readsLeft.set(run.id, next.readsWhileRunning ?? 1)
    this.pending.set(run.id, next)
    return [201, {}]
  }

  /** A read of a run whose scripted attempt is going: it runs, then completes as scripted. */
  private read(run: StoredRun): StoredRun {
    const script = this.pending.get(run.id)
    if (!script || run.status === 'completed') return run
    const left = (this.readsLeft.get(run.id) ?? 0) - 1
    this.readsLeft.set(run.id, left)
    if (left < 0) {
      run.status = 'completed'
      run.conclusion = script.conclusion
      this.pending.delete(run.id)
    } else {
      run.status = 'in_progress'
    }
    return run
  }

  private runJson(run: StoredRun): Record<string, unknown> {
    return { ...run, html_url: `https://github.com/${this.repository}/actions/runs/${run.id}` }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/**
 * The runs and jobs this fake keeps itself (relative to /repos/{owner}/{repo}); issues,
 * labels and workflows are the runner's store's.
 */
const FAKE_ROUTES = new HttpRouter<
  (github: LocalGitHub, params: RouteParams) => [number, unknown]
>()
  .on('GET', '/actions/runs/:runId(\\d+)/jobs', (github, { runId }) =>
    github.listJobs(Number(runId))
  )
  .on('GET', '/check-runs/:jobId(\\d+)/annotations', (github, { jobId }) =>
    github.annotations(Number(jobId))
  )
  .on('GET', '/actions/runs/:runId(\\d+)/attempts/:attempt(\\d+)', (github, { runId, attempt }) =>
    github.getAttempt(Number(runId), Number(attempt))
  )
  .on('GET', '/actions/runs/:runId(\\d+)', (github, { runId }) => github.getRun(Number(runId)))
  .on('POST', '/actions/runs/:runId(\\d+)/rerun-failed-jobs', (github, { runId }) =>
    github.rerunFailedJobs(Number(runId))
  )
