import { group } from '../../../src/core/regex.js'
/**
 * The issues and labels of a repository, in memory, answered as GitHub's REST API answers
 * them: what notify reads and writes to open, comment on and close a failure issue. The
 * runner's GitHub API stand-in serves it, and one store can outlive a run so a failure
 * streak (open → comment → close) can be followed across the dates of `npm run pipeline`.
 */
export interface StoredIssue {
  number: number
  title: string
  body: string
  labels: string[]
  state: 'open' | 'closed'
  state_reason?: string
  comments: string[]
  pull_request?: unknown
}

export type Answer = [status: number, body: unknown]

/** A workflow_dispatch request the stand-in received. */
export interface StoredDispatch {
  workflow: string
  ref: string
  inputs: Record<string, string>
}

export class LocalGitHubStore {
  readonly issues: StoredIssue[] = []
  readonly labels = new Map<string, { color?: unknown; description?: unknown }>()
  /** Workflows (by file name) whose state is not `active`, as GitHub reports it. */
  readonly workflowStates = new Map<string, string>()
  /** Dispatches received, in order: a test (or a person) runs them next. */
  readonly dispatches: StoredDispatch[] = []
  /** Runs whose failed jobs were asked to re-run, by run id. */
  readonly reruns: number[] = []
  /** Whether the repository is public (GitHub disables its schedules after 60 idle days). */
  visibility: 'public' | 'private' = 'private'

  /** What was done, one line each ("opened issue #1 …"), for the end of a run's output. */
  readonly activity: string[] = []

  constructor(
    readonly repository: string,
    private readonly htmlUrl = 'https://github.com'
  ) {}

  reset(): void {
    this.issues.length = 0
    this.labels.clear()
    this.activity.length = 0
    this.workflowStates.clear()
    this.dispatches.length = 0
    this.reruns.length = 0
    this.visibility = 'private'
  }

  /** GET /repos/{owner}/{repo}. */
  repositoryJson(): Record<string, unknown> {
    return {
      full_name: this.repository,
      private: this.visibility !== 'public',
      visibility: this.visibility,
      default_branch: 'main'
    }
  }

  /**
   * The answer to an issues or labels request (`route` relative to /repos/{owner}/{repo}),
   * or undefined when the route is not one of those.
   */
  answer(method: string, route: string, query: URLSearchParams, body: unknown): Answer | undefined {
    const data = (body ?? {}) as Record<string, unknown>
    const workflows = this.answerWorkflows(method, route, data)
    if (workflows) return workflows
    if (method === 'GET' && route === '/issues') {
      const label = query.get('labels')
      const state = query.get('state') ?? 'open'
      const perPage = Number(query.get('per_page') ?? 30)
      const page = Number(query.get('page') ?? 1)
      const matching = this.issues
        .filter(issue => issue.state === state && (!label || issue.labels.includes(label)))
        .sort((a, b) => b.number - a.number)
        .slice((page - 1) * perPage, page * perPage)
      return [200, matching.map(issue => this.issueJson(issue))]
    }
    const labelRoute = /^\/labels\/([^/]+)$/.exec(route)
    if (method === 'GET' && labelRoute) {
      const name = decodeURIComponent(group(labelRoute, 1))
      const label = this.labels.get(name)
      return label ? [200, { name, ...label }] : [404, { message: 'Not Found' }]
    }
    if (method === 'POST' && route === '/labels') {
      const name = String(data.name)
      if (this.labels.has(name)) return [422, { message: 'Validation Failed' }]
      this.labels.set(name, { color: data.color, description: data.description })
      return [201, { name }]
    }
    if (method === 'POST' && route === '/issues') {
      // As GitHub does for a token that may not create labels: an unknown label is dropped.
      const labels = ((data.labels as string[] | undefined) ?? []).filter(name =>
        this.labels.has(name)
      )
      const issue: StoredIssue = {
        number: this.issues.length + 1,
        title: String(data.title),
        body: String(data.body ?? ''),
        labels,
        state: 'open',
        comments: []
      }
      this.issues.push(issue)
      this.activity.push(`opened issue #${issue.number}: ${issue.title}`)
      return [201, this.issueJson(issue)]
    }
    const issueRoute = /^\/issues\/(\d+)(\/comments)?$/.exec(route)
    if (!issueRoute) return undefined
    const issue = this.issues.find(candidate => candidate.number === Number(issueRoute[1]))
    if (!issue) return [404, { message: 'Not Found' }]
    if (method === 'POST' && issueRoute[2]) {
      issue.comments.push(String(data.body))
      this.activity.push(`commented on issue #${issue.number}: ${firstLine(String(data.body))}`)
      return [201, { id: issue.comments.length, body: data.body }]
    }
    if (method === 'PATCH' && !issueRoute[2]) {
      if (data.state === 'closed' || data.state === 'open') {
        if (issue.state !== data.state) {
          this.activity.push(
            `${data.state === 'closed' ? 'closed' : 'reopened'} issue #${issue.number}`
          )
        }
        issue.state = data.state
      }
      if (typeof data.state_reason === 'string') issue.state_reason = data.state_reason
      return [200, this.issueJson(issue)]
    }
    if (method === 'GET' && !issueRoute[2]) return [200, this.issueJson(issue)]
    if (method === 'GET' && issueRoute[2]) {
      const perPage = Number(query.get('per_page') ?? 30)
      const page = Number(query.get('page') ?? 1)
      const comments = issue.comments.map((body, index) => ({ id: index + 1, body }))
      return [200, comments.slice((page - 1) * perPage, page * perPage)]
    }
    return undefined
  }

  /** Workflows (state, enable, dispatch) and re-runs: what the watchdog and auto-retry call. */
  private answerWorkflows(
    method: string,
    route: string,
    data: Record<string, unknown>
  ): Answer | undefined {
    const rerun = /^\/actions\/runs\/(\d+)\/rerun-failed-jobs$/.exec(route)
    if (method === 'POST' && rerun) {
      this.reruns.push(Number(rerun[1]))
      this.activity.push(`re-ran the failed jobs of run ${rerun[1]}`)
      return [201, {}]
    }
    const workflow = /^\/actions\/workflows\/([^/]+)(\/enable|\/disable|\/dispatches)?$/.exec(route)
    if (!workflow) return undefined
    const file = decodeURIComponent(workflow[1]!)
    const state = this.workflowStates.get(file) ?? 'active'
    if (method === 'GET' && !workflow[2]) {
      return [200, { id: 1, name: file, path: `.github/workflows/${file}`, state }]
    }
    if (method === 'PUT' && workflow[2] === '/enable') {
      if (state !== 'active') this.activity.push(`enabled workflow ${file} (was ${state})`)
      this.workflowStates.delete(file)
      return [204, undefined]
    }
    if (method === 'PUT' && workflow[2] === '/disable') {
      this.workflowStates.set(file, 'disabled_manually')
      return [204, undefined]
    }
    if (method === 'POST' && workflow[2] === '/dispatches') {
      if (state !== 'active') {
        return [422, { message: "Cannot trigger a 'workflow_dispatch' on a disabled workflow" }]
      }
      const inputs = Object.fromEntries(
        Object.entries((data.inputs ?? {}) as Record<string, unknown>).map(([key, value]) => [
          key,
          String(value)
        ])
      )
      const dispatch = { workflow: file, ref: String(data.ref ?? ''), inputs }
      this.dispatches.push(dispatch)
      const given = Object.entries(inputs).map(([key, value]) => `${key}=${value}`)
      this.activity.push(
        `dispatched ${file} on ${dispatch.ref}${given.length ? ` (${given.join(', ')})` : ''}`
      )
      return [204, undefined]
    }
    return undefined
  }

  private issueJson(issue: StoredIssue): Record<string, unknown> {
    return {
      number: issue.number,
      title: issue.title,
      body: issue.body,
      state: issue.state,
      labels: issue.labels.map(name => ({ name })),
      html_url: `${this.htmlUrl}/${this.repository}/issues/${issue.number}`,
      ...(issue.pull_request ? { pull_request: issue.pull_request } : {})
    }
  }
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? ''
  return line.length > 100 ? `${line.slice(0, 99)}…` : line
}
