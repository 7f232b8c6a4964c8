/** What makes a run "the same run" across re-runs: pipeline, task and logical date. */
export interface RunIdentity {
  pipeline: string
  task: string
  /** YYYY-MM-DD, or '' when the workflow passes none. */
  logicalDate: string
  /** The workflow run ID; stands in for the date when there is none, so a re-run still matches. */
  runId: string
}

/**
 * `<pipeline>/<task>/<logical-date>`: the same for every re-run of a date, so a re-run can
 * find a run that is still going and attach to it instead of starting a duplicate.
 */
export function logicalRunName({ pipeline, task, logicalDate, runId }: RunIdentity): string {
  const third = logicalDate || (runId ? `run-${runId}` : '')
  return [pipeline, task, third].filter(Boolean).join('/')
}

/** Tags that tie a job run back to the workflow run that started it. */
export function runTags(identity: RunIdentity, env: NodeJS.ProcessEnv): Record<string, string> {
  const tags: Record<string, string | undefined> = {
    pipeline: identity.pipeline,
    task: identity.task,
    'logical-date': identity.logicalDate,
    'github:repository': env.GITHUB_REPOSITORY,
    'github:workflow': env.GITHUB_WORKFLOW,
    'github:run-id': env.GITHUB_RUN_ID,
    'github:run-attempt': env.GITHUB_RUN_ATTEMPT,
    'github:sha': env.GITHUB_SHA
  }
  const clean: Record<string, string> = {}
  for (const [key, value] of Object.entries(tags)) {
    if (value) clean[key] = tagValue(value)
  }
  return clean
}

/** AWS tag values allow letters, digits, spaces and `_ . : / = + - @`, up to 256 characters. */
function tagValue(value: string): string {
  return value.replace(/[^\p{L}\p{N} _.:/=+@-]/gu, '_').slice(0, 256)
}
