import { execFileSync } from 'node:child_process'
import path from 'node:path'

export interface RunIdentity {
  repository: string
  sha: string
  ref: string
  refName: string
  actor: string
}

function git(workspace: string, args: string[]): string {
  try {
    return execFileSync('git', args, {
      cwd: workspace,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore']
    }).trim()
  } catch {
    return ''
  }
}

// The names GitHub allows: an owner of letters, digits and single hyphens (not at either
// end, at most 39), a repository of letters, digits, '.', '_' and '-' (at most 100, not '.'
// or '..').
const ownerName = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/
const repositoryName = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,100}$/

/**
 * owner/name of a remote on a server (`https://host/owner/name.git`, `ssh://git@host/…`,
 * `git@host:owner/name.git`), when both are names GitHub allows; a local path, a `file://`
 * URL or anything else has none.
 */
export function repositoryOfRemote(remote: string): string | undefined {
  const url = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]+@)?[^/]+\/(.+)$/i.exec(remote)
  const scp = /^(?:[^@/:]+@)?[^/:]+:(?!\/)(.+)$/.exec(remote)
  if (/^file:/i.test(remote)) return undefined
  const repositoryPath = (url ?? scp)?.[1]
  if (!repositoryPath) return undefined
  const [owner, name, ...rest] = repositoryPath
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .split('/')
  if (rest.length > 0 || !owner || !name) return undefined
  return ownerName.test(owner) && repositoryName.test(name) ? `${owner}/${name}` : undefined
}

/** `local/<folder>`, the folder's name made one GitHub allows. */
export function localRepository(workspace: string): string {
  const folder = path.basename(path.resolve(workspace)).replace(/[^A-Za-z0-9._-]+/g, '-')
  return `local/${repositoryName.test(folder) ? folder : 'repository'}`
}

/** owner/name from the origin remote, else `local/<folder>`; sha and branch from git. */
export function runIdentity(workspace: string, hostEnv: NodeJS.ProcessEnv): RunIdentity {
  const remote = git(workspace, ['remote', 'get-url', 'origin'])
  const repository = repositoryOfRemote(remote) ?? localRepository(workspace)
  const branch = git(workspace, ['rev-parse', '--abbrev-ref', 'HEAD']) || 'main'
  return {
    repository,
    sha: git(workspace, ['rev-parse', 'HEAD']) || '0'.repeat(40),
    ref: `refs/heads/${branch}`,
    refName: branch,
    actor: hostEnv.USER || 'local'
  }
}

export interface GitHubContextRequest {
  workspace: string
  identity: RunIdentity
  eventName: string
  payload: Record<string, unknown>
  runId: number
  runAttempt: number
  workflowName: string
  workflowFile: string
  token: string
  apiUrl: string
}

/** The `github` context of the run, with GitHub's names. */
export function githubContext(request: GitHubContextRequest): Record<string, unknown> {
  const { identity } = request
  const [owner] = identity.repository.split('/')
  return {
    action: '',
    actor: identity.actor,
    triggering_actor: identity.actor,
    api_url: request.apiUrl,
    event: request.payload,
    event_name: request.eventName,
    graphql_url: `${request.apiUrl}/graphql`,
    job: '',
    ref: identity.ref,
    ref_name: identity.refName,
    ref_type: 'branch',
    repository: identity.repository,
    repository_owner: owner,
    retention_days: '0',
    run_attempt: String(request.runAttempt),
    run_id: String(request.runId),
    run_number: '1',
    server_url: 'https://github.com',
    sha: identity.sha,
    token: request.token,
    workflow: request.workflowName,
    workflow_ref: `${identity.repository}/${request.workflowFile}@${identity.ref}`,
    workspace: request.workspace
  }
}

/** The GITHUB_* variables every step sees, from the github context. */
export function githubEnv(
  github: Record<string, unknown>,
  eventPath: string
): Record<string, string> {
  const text = (key: string): string => String(github[key] ?? '')
  return {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTOR: text('actor'),
    GITHUB_API_URL: text('api_url'),
    GITHUB_EVENT_NAME: text('event_name'),
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_GRAPHQL_URL: text('graphql_url'),
    GITHUB_REF: text('ref'),
    GITHUB_REF_NAME: text('ref_name'),
    GITHUB_REF_TYPE: 'branch',
    GITHUB_REPOSITORY: text('repository'),
    GITHUB_REPOSITORY_OWNER: text('repository_owner'),
    GITHUB_RUN_ATTEMPT: text('run_attempt'),
    GITHUB_RUN_ID: text('run_id'),
    GITHUB_RUN_NUMBER: text('run_number'),
    GITHUB_SERVER_URL: text('server_url'),
    GITHUB_SHA: text('sha'),
    GITHUB_WORKFLOW: text('workflow'),
    GITHUB_WORKFLOW_REF: text('workflow_ref'),
    GITHUB_WORKSPACE: text('workspace'),
    RUNNER_ARCH: process.arch === 'arm64' ? 'ARM64' : 'X64',
    RUNNER_NAME: 'local',
    RUNNER_OS: 'Linux',
    RUNNER_ENVIRONMENT: 'self-hosted'
  }
}
