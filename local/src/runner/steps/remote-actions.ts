/**
 * Local stand-ins for the remote actions the pipeline uses. Anything else is skipped with one
 * line, or refused before the run with --strict. docs/running-locally.md, "Remote actions:
 * local stand-ins", has this table.
 */
export interface StandInResult {
  /** Exported to the later steps of the job, as the real action does with GITHUB_ENV. */
  env: Record<string, string>
  /** Values to mask (credentials). */
  secrets: string[]
  note: string
}

export interface StandInRequest {
  inputs: Record<string, string>
  /** The runner's own environment, where the local credentials and endpoints come from. */
  hostEnv: NodeJS.ProcessEnv
}

type StandIn = (request: StandInRequest) => StandInResult

const awsVariables = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_S3',
  'AWS_ENDPOINT_URL_EMR_SERVERLESS',
  'AWS_ENDPOINT_URL_STS'
]

const standIns: Record<string, StandIn> = {
  // The workspace is the working tree already.
  'actions/checkout': () => ({ env: {}, secrets: [], note: 'the working tree is the workspace' }),
  'aws-actions/configure-aws-credentials': ({ inputs, hostEnv }) => {
    const env: Record<string, string> = {}
    for (const name of awsVariables) {
      const value = hostEnv[name]
      if (value) env[name] = value
    }
    const region = inputs['aws-region'] || hostEnv.AWS_REGION || hostEnv.AWS_DEFAULT_REGION
    if (region) {
      env.AWS_REGION = region
      env.AWS_DEFAULT_REGION = region
    }
    const secrets = [env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN].filter(
      (value): value is string => Boolean(value)
    )
    const exported = Object.keys(env).join(', ') || 'nothing (no AWS_* variables were given)'
    return { env, secrets, note: `local credentials: exports ${exported}` }
  }
}

/** `owner/repo` of a `uses: owner/repo[/path]@ref`. */
export function actionName(uses: string): string {
  const [name = ''] = uses.split('@')
  return name.split('/').slice(0, 2).join('/').toLowerCase()
}

/** A full commit SHA, as workflows pin third-party actions (docs/security.md, "Workflow security"). */
const commitSha = /^[0-9a-f]{40}$/i

/**
 * The stand-in for a remote action, whatever its ref: a tag (`@v5`, `@v5.1.0`), a branch or a
 * full commit SHA (`@fbc6f39…`, the pinned form) all run the same local stand-in.
 */
export function standInFor(uses: string): StandIn | undefined {
  return standIns[actionName(uses)]
}

/** How the plan and the log name a remote step: a pinned SHA shortened as git shows it. */
export function remoteLabel(uses: string): string {
  const at = uses.lastIndexOf('@')
  if (at < 0) return uses
  const ref = uses.slice(at + 1)
  return commitSha.test(ref) ? `${uses.slice(0, at)}@${ref.slice(0, 7)}` : uses
}

export const standInNames = Object.keys(standIns)
