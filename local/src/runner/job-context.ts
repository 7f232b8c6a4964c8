import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { isString } from '@actions/workflow-parser'
import type { Job, Step } from '@actions/workflow-parser/model/workflow-template'
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/index'
import { location } from './errors.js'
import type { Contexts, Status } from './expressions.js'
import type { StepOutcome } from './log.js'
import { CancelSignal } from './process.js'
import type { JobResult, NeedResult, WorkflowRun } from './run-context.js'
import type { StepProcessRequest, StepProcessResult } from './steps/step-process.js'
import { evaluateTextMap, evaluateToken, property } from './template.js'
import { jobToken, stepTokens } from './workflow-file.js'

export interface JobScope {
  /** The job's id in the log: `build`, or `build (2026-01-01)` for a matrix leg. */
  displayId: string
  needs: Record<string, NeedResult>
  matrix: Record<string, unknown>
  strategy: Record<string, unknown>
}

export interface StepRecord {
  outputs: Record<string, string>
  outcome: StepOutcome
  conclusion: StepOutcome
}

/** What a step leaves for the end of the job (a local action's `runs.post`). */
export interface PostStep {
  /** The main step's display name; the log shows `Post <name>`. */
  name: string
  postIf: string
  /** The main step's `env:`, the post step's too. */
  stepEnv: Record<string, string>
  run(job: JobContext): Promise<StepProcessResult>
}

/** The `defaults.run` of the job, else of the workflow. */
export interface RunDefaults {
  shell?: string
  workingDirectory?: string
}

/** The request fields every step process of the job shares. */
export type ProcessBase = Pick<
  StepProcessRequest,
  'jobId' | 'tempDir' | 'cancel' | 'timeoutMs' | 'timings' | 'reporter' | 'masker'
>

const defaultJobTimeoutMinutes = 360

/**
 * One job's state while it runs, passed to each step: its status, the steps context, what the
 * steps exported (GITHUB_ENV, GITHUB_PATH), the post steps to run, its cancel and timeout.
 */
export class JobContext {
  readonly jobId: string
  readonly file: string
  readonly raw: TemplateToken | undefined
  readonly rawSteps: TemplateToken[]
  readonly tempDir: string
  readonly cancel = new CancelSignal()
  /** The steps context: only steps with an id of the author's. */
  readonly steps: Record<string, StepRecord> = {}
  /** What steps wrote to GITHUB_ENV (and stand-ins exported), for the later steps. */
  readonly addedEnv: Record<string, string> = {}
  /** What steps wrote to GITHUB_PATH, the latest first on PATH. */
  readonly addedPath: string[] = []
  readonly posts: PostStep[] = []
  /** Local actions whose `runs.using` Node is not installed, run on another. */
  readonly forcedNode = new Set<string>()
  readonly defaults: RunDefaults
  jobEnv: Record<string, string> = {}
  private jobStatus: 'success' | 'failure' = 'success'
  private timer: NodeJS.Timeout | undefined
  private readonly stopListening: () => void

  constructor(
    readonly run: WorkflowRun,
    readonly job: Job,
    readonly scope: JobScope
  ) {
    this.file = run.workflow.file
    this.jobId = job.id.value
    this.raw = jobToken(run.workflow, this.jobId)
    this.rawSteps = stepTokens(run.workflow, this.jobId)
    this.tempDir = path.join(run.tempDir, scope.displayId.replace(/[^\w.-]+/g, '_'))
    mkdirSync(this.tempDir, { recursive: true })
    this.stopListening = run.cancel.onCancel(() => this.cancel.cancel())
    this.defaults = runDefaults(run, this.raw)
  }

  /**
   * The job's `env:` and its timeout, which start the clock; throws when either is wrong (the
   * job then fails before its first step).
   */
  start(): void {
    this.jobEnv = evaluateTextMap(this.job.env, this.contexts(), this.file)
    const timeoutToken = property(this.raw, 'timeout-minutes')
    const timeout =
      minutes(
        evaluateToken(timeoutToken, this.contexts(), this.file),
        location(this.file, timeoutToken)
      ) ?? defaultJobTimeoutMinutes * 60_000
    this.timer = setTimeout(() => {
      this.log('The job has exceeded its timeout-minutes; cancelling it')
      this.cancel.cancel()
    }, timeout)
  }

  /** Stops the job's clock and its link to the run's cancel. */
  close(): void {
    clearTimeout(this.timer)
    this.stopListening()
  }

  contexts(stepEnv: Record<string, string> = {}): Contexts {
    const { run, scope } = this
    return {
      github: { ...run.github, job: this.jobId },
      inputs: run.inputs,
      vars: run.vars,
      secrets: run.secrets,
      needs: scope.needs,
      matrix: scope.matrix,
      strategy: scope.strategy,
      steps: this.steps,
      job: { status: this.cancel.cancelled ? 'cancelled' : this.jobStatus },
      runner: {
        os: 'Linux',
        arch: process.arch === 'arm64' ? 'ARM64' : 'X64',
        name: 'local',
        environment: 'self-hosted',
        temp: this.tempDir,
        tool_cache: path.join(run.tempDir, 'tool-cache'),
        debug: run.options.verbose ? '1' : ''
      },
      env: { ...run.workflowEnv, ...this.jobEnv, ...this.addedEnv, ...stepEnv }
    }
  }

  /** What success(), failure() and cancelled() answer now. */
  status(): Status {
    return {
      success: this.jobStatus === 'success' && !this.cancel.cancelled,
      failure: this.jobStatus === 'failure',
      cancelled: this.cancel.cancelled
    }
  }

  fail(): void {
    this.jobStatus = 'failure'
  }

  result(): JobResult {
    return this.cancel.cancelled ? 'cancelled' : this.jobStatus
  }

  /** A step's environment: the runner's, the workflow's, the job's, the steps' exports, its own. */
  processEnv(
    stepEnv: Record<string, string>,
    extra: Record<string, string>
  ): Record<string, string> {
    const { run } = this
    const pathValue = [...this.addedPath]
      .reverse()
      .concat(run.baseEnv.PATH ?? '')
      .join(path.delimiter)
    return {
      ...run.baseEnv,
      GITHUB_JOB: this.jobId,
      RUNNER_TEMP: this.tempDir,
      ...run.workflowEnv,
      ...this.jobEnv,
      ...this.addedEnv,
      ...stepEnv,
      ...extra,
      PATH: pathValue
    }
  }

  processBase(cancel: CancelSignal, timeoutMs?: number): ProcessBase {
    const { reporter, masker, options } = this.run
    return {
      jobId: this.scope.displayId,
      tempDir: this.tempDir,
      cancel,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(options.timings ? { timings: options.timings } : {}),
      reporter,
      masker
    }
  }

  /** A step's result in the steps context. */
  record(step: Step, result: StepRecord): void {
    if (step.id && !step.id.startsWith('__')) this.steps[step.id] = result
  }

  /** What a step wrote to GITHUB_ENV and GITHUB_PATH, for the steps after it. */
  absorb(result: Pick<StepProcessResult, 'env' | 'path'>): void {
    Object.assign(this.addedEnv, result.env)
    this.addedPath.push(...result.path)
  }

  log(line: string): void {
    this.run.reporter.line(this.scope.displayId, line, 0)
  }
}

/** `timeout-minutes` in milliseconds; undefined when not given. */
export function minutes(value: unknown, where: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined
  const number = Number(value)
  if (!Number.isFinite(number) || number <= 0) {
    throw new Error(`${where}: timeout-minutes must be a positive number, got '${String(value)}'`)
  }
  return number * 60_000
}

function runDefaults(run: WorkflowRun, job: TemplateToken | undefined): RunDefaults {
  const read = (root: TemplateToken | undefined, key: string): string | undefined => {
    const token = property(property(property(root, 'defaults'), 'run'), key)
    return token && isString(token) ? token.value : undefined
  }
  const shell = read(job, 'shell') ?? read(run.workflow.root, 'shell')
  const workingDirectory =
    read(job, 'working-directory') ?? read(run.workflow.root, 'working-directory')
  return {
    ...(shell !== undefined ? { shell } : {}),
    ...(workingDirectory !== undefined ? { workingDirectory } : {})
  }
}
