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

export class LocalGitHubStore {
  readonly issues: StoredIssue[] = []
  readonly labels = new Map<string, { color?: unknown; description?: unknown }>()
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
  }

  /**
   * The answer to an issues or labels request (`route` relative to /repos/{owner}/{repo}),
   * or undefined when the route is not one of those.
   */
  answer(method: string, route: string, query: URLSearchParams, body: unknown): Answer | undefined {
    const data = (body ?? {}) as Record<string, unknown>
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
      const name = decodeURIComponent(labelRoute[1])
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
