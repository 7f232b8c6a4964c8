import { callGitHub, type GitHubRequest, type Repository } from '../core/github-rest.js'

/**
 * A workflow's state as the REST API reports it: `active`, or why it does not run
 * (`disabled_inactivity` after 60 days without activity in a public repository,
 * `disabled_manually`, `disabled_fork`, `deleted`).
 */
export async function workflowState(
  request: GitHubRequest,
  repository: Repository,
  workflow: string
): Promise<string> {
  const data = await callGitHub<{ state?: unknown }>(
    request,
    'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}',
    { ...repository, workflow_id: workflow },
    { permission: 'actions: read' }
  )
  return typeof data.state === 'string' ? data.state : 'unknown'
}

/** PUT …/enable: turns a disabled workflow on again (an active one stays active). */
export async function enableWorkflow(
  request: GitHubRequest,
  repository: Repository,
  workflow: string
): Promise<void> {
  await callGitHub(
    request,
    'PUT /repos/{owner}/{repo}/actions/workflows/{workflow_id}/enable',
    { ...repository, workflow_id: workflow },
    { permission: 'actions: write' }
  )
}

/**
 * Starts a workflow_dispatch run. With the job's GITHUB_TOKEN this does create a run: GitHub
 * makes workflow_dispatch (and repository_dispatch) the exception to "events a GITHUB_TOKEN
 * triggers start no workflow".
 */
export async function dispatchWorkflow(
  request: GitHubRequest,
  repository: Repository,
  workflow: string,
  ref: string,
  inputs: Record<string, string>
): Promise<void> {
  await callGitHub(
    request,
    'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
    { ...repository, workflow_id: workflow, ref, inputs },
    { permission: 'actions: write' }
  )
}

/** Whether the repository is public (only public repositories' schedules are disabled). */
export async function isPublicRepository(
  request: GitHubRequest,
  repository: Repository
): Promise<boolean> {
  const data = await callGitHub<{ private?: unknown; visibility?: unknown }>(
    request,
    'GET /repos/{owner}/{repo}',
    { ...repository },
    { permission: 'contents: read' }
  )
  return data.visibility === 'public' || data.private === false
}
