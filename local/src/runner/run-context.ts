import type { Reporter } from './log.js'
import type { Masker } from './masker.js'
import type { CancelSignal, CancelTimings } from './process.js'
import type { WorkflowFile } from './workflow-file.js'

export type JobResult = 'success' | 'failure' | 'cancelled' | 'skipped'

export interface RunOptions {
  workspace: string
  /** Refuse unknown remote actions instead of skipping them. */
  strict: boolean
  verbose: boolean
  /** How many jobs run at once (independent jobs; matrix legs). */
  maxParallel: number
  /** Print the plan and run no step. */
  dryRun: boolean
  /** Cancel escalation; GitHub's 7.5 s + 2.5 s unless a test shortens it. */
  timings?: CancelTimings
  /** The runner's own environment: PATH, HOME, the local AWS credentials and endpoints. */
  hostEnv: NodeJS.ProcessEnv
}

/** Everything the jobs of one workflow run share. */
export interface WorkflowRun {
  options: RunOptions
  workflow: WorkflowFile
  github: Record<string, unknown>
  inputs: Record<string, unknown>
  vars: Record<string, string>
  secrets: Record<string, string>
  masker: Masker
  reporter: Reporter
  /** Ctrl-C (or a caller's cancel): the run is cancelled, post steps still run. */
  cancel: CancelSignal
  /** A second Ctrl-C: stop everything now, post steps included. */
  force: CancelSignal
  tempDir: string
  /** GITHUB_*, RUNNER_* and the local services' variables, given to every step. */
  baseEnv: Record<string, string>
  workflowEnv: Record<string, string>
}

export interface NeedResult {
  result: JobResult
  outputs: Record<string, string>
}
