import { isWebUrl } from './markdown.js'

/**
 * Set to `true` by the local workflow runner (`spark-pipeline run`) in every step's
 * environment. A local run has no page on any GitHub server: its run ID exists only on this
 * machine, so a link built from `GITHUB_SERVER_URL` would lead to somebody else's run or to
 * nothing.
 */
export const LOCAL_RUN_VARIABLE = 'SPARK_PIPELINE_LOCAL_RUN'

/** The workflow run an action runs in, as records, the date ledger and messages name it. */
export interface RunReference {
  id: string
  attempt: number
  /** Its page on the GitHub server; absent for a local run or a repository GitHub cannot name. */
  url?: string
  /** Run by the local workflow runner: named `local run <id>`, never linked. */
  local?: boolean
}

// GitHub's names: an owner of letters, digits and hyphens; a repository of letters, digits,
// `.`, `_` and `-`, not `.` or `..`.
const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/(?!\.{1,2}$)[A-Za-z0-9._-]{1,100}$/

/**
 * The run from the runner's environment (`GITHUB_RUN_ID`, `GITHUB_RUN_ATTEMPT`,
 * `GITHUB_SERVER_URL`, `GITHUB_REPOSITORY`), or undefined outside a workflow run.
 * `page: 'attempt'` links the attempt's own page rather than the run's latest.
 */
export function runReference(
  env: NodeJS.ProcessEnv,
  page: 'run' | 'attempt' = 'run'
): RunReference | undefined {
  const id = env.GITHUB_RUN_ID
  if (!id || !/^\d{1,20}$/.test(id)) return undefined
  const attempt = Number(env.GITHUB_RUN_ATTEMPT) || 1
  if (env[LOCAL_RUN_VARIABLE] === 'true') return { id, attempt, local: true }
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '')
  const repository = env.GITHUB_REPOSITORY ?? ''
  if (!isWebUrl(server) || !REPOSITORY.test(repository)) return { id, attempt }
  const url = `${server}/${repository}/actions/runs/${id}${page === 'attempt' ? `/attempts/${attempt}` : ''}`
  return { id, attempt, url }
}

/** "run 123 (https://…)", "local run 123" or "run 123", for a log line or a message. */
export function describeRun(run: RunReference | undefined): string {
  const name = runName(run)
  return run?.url && !run.local ? `${name} (${run.url})` : name
}

/** The run's name without its link: "local run 123" or "run 123". */
export function runName(run: RunReference | undefined): string {
  if (!run) return 'a run outside GitHub Actions'
  return run.local ? `local run ${run.id}` : `run ${run.id}`
}

/** A run as a message shows it: its name, and its page when it has one. */
export interface RunLink {
  name: string
  url?: string
}

/** The run's link; `url` (a page the caller was given) takes the place of the run's own. */
export function runLink(run: RunReference | undefined, url?: string): RunLink {
  const page = url || run?.url
  return { name: runName(run), ...(page ? { url: page } : {}) }
}
