import { callGitHub, type GitHubRequest, type Repository } from '../core/github-rest.js'

/** The fields of a workflow run (GET /repos/{owner}/{repo}/actions/runs/{id}) used here. */
export interface WorkflowRun {
  id: number
  name: string
  /** `.github/workflows/<file>.yml`, sometimes followed by `@<ref>`. */
  path: string
  event: string
  status: string
  conclusion: string | null
  runAttempt: number
  createdAt: Date
  htmlUrl: string
}

interface RunPayload {
  id?: unknown
  name?: unknown
  path?: unknown
  event?: unknown
  status?: unknown
  conclusion?: unknown
  run_attempt?: unknown
  created_at?: unknown
  html_url?: unknown
}

export async function getWorkflowRun(
  request: GitHubRequest,
  repository: Repository,
  runId: number
): Promise<WorkflowRun> {
  const data = await callGitHub<RunPayload>(
    request,
    'GET /repos/{owner}/{repo}/actions/runs/{run_id}',
    { ...repository, run_id: runId },
    { permission: 'actions: read' }
  )
  return workflowRunOf(data, runId)
}

/** One attempt of a run as it is or ended (GET …/runs/{id}/attempts/{n}), not the latest. */
export async function getRunAttempt(
  request: GitHubRequest,
  repository: Repository,
  runId: number,
  attemptNumber: number
): Promise<WorkflowRun> {
  const data = await callGitHub<RunPayload>(
    request,
    'GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}',
    { ...repository, run_id: runId, attempt_number: attemptNumber },
    { permission: 'actions: read' }
  )
  return workflowRunOf(data, runId)
}

function workflowRunOf(data: RunPayload, runId: number): WorkflowRun {
  const createdAt = new Date(String(data.created_at ?? ''))
  if (Number.isNaN(createdAt.getTime())) {
    throw new Error(`workflow run ${runId} has no valid created_at (${String(data.created_at)})`)
  }
  return {
    id: Number(data.id ?? runId),
    name: String(data.name ?? ''),
    path: String(data.path ?? ''),
    event: String(data.event ?? ''),
    status: String(data.status ?? ''),
    conclusion: typeof data.conclusion === 'string' ? data.conclusion : null,
    runAttempt: Number(data.run_attempt ?? 1),
    createdAt,
    htmlUrl: String(data.html_url ?? '')
  }
}
