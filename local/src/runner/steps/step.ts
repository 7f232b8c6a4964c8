import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/index'
import type { Contexts } from '../expressions.js'
import type { JobContext, PostStep } from '../job-context.js'
import type { StepProcessResult } from './step-process.js'

/**
 * One step of a job, whatever its kind (nektos/act's `step`): the job runs each step's main
 * part in order, then the post parts it left, in reverse order. No kind has a pre part: the
 * runner refuses an action's `runs.pre`.
 */
export interface JobStep {
  /** Runs the step; what it wrote back (outputs, env, path, state, summary). */
  main(call: StepCall): Promise<StepProcessResult>
  /** What main left for the end of the job; undefined for nothing. */
  post(): PostStep | undefined
}

/** What the job hands a step to run it: its place, name, contexts and process settings. */
export interface StepCall {
  job: JobContext
  /** The step's place in the job (its script file's name). */
  index: number
  /** The step as written, for what the model leaves out (shell, working-directory, with). */
  rawStep: TemplateToken | undefined
  name: string
  /** The step's `env:`, evaluated. */
  stepEnv: Record<string, string>
  /** The contexts with the step's env. */
  contexts: Contexts
  /** The step's timeout-minutes, in milliseconds. */
  timeoutMs: number | undefined
}

/** What a step that runs no process gives back: a stand-in, or a remote action skipped. */
export function nothingWritten(): StepProcessResult {
  return {
    outcome: 'success',
    outputs: {},
    env: {},
    path: [],
    state: {},
    summary: '',
    signalsSent: []
  }
}
