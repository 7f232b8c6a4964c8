import { HttpRouter, type RouteParams } from '../http-router.js'

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
   * The answer to an issues, labels, workflows or re-run request (`route` relative to
   * /repos/{owner}/{repo}), or undefined when the route is not one of those.
   */
  answer(method: string, route: string, query: URLSearchParams, body: unknown): Answer | undefined {
    const found = STORE_ROUTES.find(method, route)
    if (!found.found) return undefined
    return found.handler(this, found.params, query, (body ?? {}) as Record<string, unknown>)
  }

  listIssues(query: URLSearchParams): Answer {
    const label = query.get('labels')
    const state = query.get('state') ?? 'open'
    const matching = this.issues
      .filter(issue => issue.state === state && (!label || issue.labels.includes(label)))
      .sort((a, b) => b.number - a.number)
    return [200, onePage(matching, query).map(issue => this.issueJson(issue))]
  }

  getLabel(name: string): Answer {
    const label = this.labels.get(name)
    return label ? [200, { name, ...label }] : [404, { message: 'Not Found' }]
  }

  createLabel(data: Record<string, unknown>): Answer {
    const name = String(data.name)
    if (this.labels.has(name)) return [422, { message: 'Validation Failed' }]
    this.labels.set(name, { color: data.color, description: data.description })
    return [201, { name }]
  }

  createIssue(data: Record<string, unknown>): Answer {
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

  /** The issue `number` names, or GitHub's 404 answer. */
  issue(number: string): StoredIssue | Answer {
    const issue = this.issues.find(candidate => candidate.number === Number(number))
    return issue ?? [404, { message: 'Not Found' }]
  }

  getIssue(issue: StoredIssue): Answer {
    return [200, this.issueJson(issue)]
  }

  updateIssue(issue: StoredIssue, data: Record<string, unknown>): Answer {
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

  addComment(issue: StoredIssue, data: Record<string, unknown>): Answer {
    issue.comments.push(String(data.body))
    this.activity.push(`commented on issue #${issue.number}: ${firstLine(String(data.body))}`)
    return [201, { id: issue.comments.length, body: data.body }]
  }

  listComments(issue: StoredIssue, query: URLSearchParams): Answer {
    const comments = issue.comments.map((body, index) => ({ id: index + 1, body }))
    return [200, onePage(comments, query)]
  }

  rerunFailedJobs(runId: string): Answer {
    this.reruns.push(Number(runId))
    this.activity.push(`re-ran the failed jobs of run ${runId}`)
    return [201, {}]
  }

  getWorkflow(file: string): Answer {
    const state = this.workflowState(file)
    return [200, { id: 1, name: file, path: `.github/workflows/${file}`, state }]
  }

  enableWorkflow(file: string): Answer {
    const state = this.workflowState(file)
    if (state !== 'active') this.activity.push(`enabled workflow ${file} (was ${state})`)
    this.workflowStates.delete(file)
    return [204, undefined]
  }

  disableWorkflow(file: string): Answer {
    this.workflowStates.set(file, 'disabled_manually')
    return [204, undefined]
  }

  dispatchWorkflow(file: string, data: Record<string, unknown>): Answer {
    if (this.workflowState(file) !== 'active') {
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

  private workflowState(file: string): string {
    return this.workflowStates.get(file) ?? 'active'
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

/** `per_page` and `page` as GitHub reads them (30 a page, the first page). */
export function onePage<T>(items: readonly T[], query: URLSearchParams): T[] {
  const perPage = Number(query.get('per_page') ?? 30)
  const page = Number(query.get('page') ?? 1)
  return items.slice((page - 1) * perPage, page * perPage)
}

type StoreHandler = (
  store: LocalGitHubStore,
  params: RouteParams,
  query: URLSearchParams,
  data: Record<string, unknown>
) => Answer

/** An issue route's handler: GitHub's 404 when the issue does not exist. */
const onIssue =
  (
    handler: (
      store: LocalGitHubStore,
      issue: StoredIssue,
      query: URLSearchParams,
      data: Record<string, unknown>
    ) => Answer
  ): StoreHandler =>
  (store, { number }, query, data) => {
    const issue = store.issue(number!)
    return Array.isArray(issue) ? issue : handler(store, issue, query, data)
  }

/** The routes the store answers: notify's issues and labels, the watchdog's and auto-retry's workflows. */
const STORE_ROUTES = new HttpRouter<StoreHandler>()
  .on('GET', '/issues', (store, _params, query) => store.listIssues(query))
  .on('POST', '/issues', (store, _params, _query, data) => store.createIssue(data))
  .on(
    'GET',
    '/issues/:number(\\d+)',
    onIssue((store, issue) => store.getIssue(issue))
  )
  .on(
    'PATCH',
    '/issues/:number(\\d+)',
    onIssue((store, issue, _query, data) => store.updateIssue(issue, data))
  )
  .on(
    'GET',
    '/issues/:number(\\d+)/comments',
    onIssue((store, issue, query) => store.listComments(issue, query))
  )
  .on(
    'POST',
    '/issues/:number(\\d+)/comments',
    onIssue((store, issue, _query, data) => store.addComment(issue, data))
  )
  .on('GET', '/labels/:name', (store, { name }) => store.getLabel(name!))
  .on('POST', '/labels', (store, _params, _query, data) => store.createLabel(data))
  .on('POST', '/actions/runs/:runId(\\d+)/rerun-failed-jobs', (store, { runId }) =>
    store.rerunFailedJobs(runId!)
  )
  .on('GET', '/actions/workflows/:file', (store, { file }) => store.getWorkflow(file!))
  .on('PUT', '/actions/workflows/:file/enable', (store, { file }) => store.enableWorkflow(file!))
  .on('PUT', '/actions/workflows/:file/disable', (store, { file }) => store.disableWorkflow(file!))
  .on('POST', '/actions/workflows/:file/dispatches', (store, { file }, _query, data) =>
    store.dispatchWorkflow(file!, data)
  )
