import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { isString } from '@actions/workflow-parser'
import type {
  ActionStep,
  Job,
  RunStep,
  Step
} from '@actions/workflow-parser/model/workflow-template'
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/index'
import { location, messageOf } from './errors.js'
import { asText, evaluateCondition, type Contexts, type Status } from './expressions.js'
import type { StepOutcome } from './log.js'
import { CancelSignal } from './process.js'
import type { JobResult, NeedResult, WorkflowRun } from './run-context.js'
import { actionInputs, loadLocalAction, type LocalAction } from './steps/local-action.js'
import { forcedNodeWarning } from './steps/node-runtime.js'
import { actionName, remoteLabel, standInFor } from './steps/remote-actions.js'
import { shellCommand } from './steps/shell.js'
import { runStepProcess, type StepProcessResult } from './steps/step-process.js'
import { evaluateTextMap, evaluateToken, property } from './template.js'
import { jobToken, stepTokens } from './workflow-file.js'

export interface JobScope {
  /** The job's id in the log: `build`, or `build (2026-01-01)` for a matrix leg. */
  displayId: string
  needs: Record<string, NeedResult>
  matrix: Record<string, unknown>
  strategy: Record<string, unknown>
}

export interface JobOutcome {
  result: JobResult
  outputs: Record<string, string>
}

interface StepRecord {
  outputs: Record<string, string>
  outcome: StepOutcome
  conclusion: StepOutcome
}

interface PostStep {
  name: string
  action: LocalAction
  stepEnv: Record<string, string>
  inputEnv: Record<string, string>
  state: Record<string, string>
}

const defaultJobTimeoutMinutes = 360

/** `if:` conditions the author wrote without a status function mean `success() && (…)`. */
export function withStatusFunction(condition: string): string {
  return /\b(success|failure|cancelled|always)\s*\(/.test(condition)
    ? condition
    : `success() && (${condition})`
}

function minutes(value: unknown, where: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined
  const number = Number(value)
  if (!Number.isFinite(number) || number <= 0) {
    throw new Error(`${where}: timeout-minutes must be a positive number, got '${String(value)}'`)
  }
  return number * 60_000
}

function runDefaults(
  run: WorkflowRun,
  job: TemplateToken | undefined
): {
  shell?: string
  workingDirectory?: string
} {
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

function stepDisplayName(step: Step, evaluated: unknown): string {
  if (evaluated !== undefined && evaluated !== null && evaluated !== '') return asText(evaluated)
  if ('run' in step) {
    const script = isString(step.run) ? step.run.value : step.run.toDisplayString()
    return `Run ${script.trim().split('\n')[0]}`
  }
  if ('uses' in step) return `Run ${step.uses.value}`
  return step.id
}

/** Runs one job's steps, then its post steps, as a GitHub runner does. */
export async function runJob(run: WorkflowRun, job: Job, scope: JobScope): Promise<JobOutcome> {
  const { workflow, reporter, masker, options } = run
  const file = workflow.file
  const jobId = job.id.value
  const raw = jobToken(workflow, jobId)
  const rawSteps = stepTokens(workflow, jobId)
  const tempDir = path.join(run.tempDir, scope.displayId.replace(/[^\w.-]+/g, '_'))
  mkdirSync(tempDir, { recursive: true })

  const cancel = new CancelSignal()
  let jobStatus: 'success' | 'failure' = 'success'
  const stopListening = run.cancel.onCancel(() => cancel.cancel())
  const steps: Record<string, StepRecord> = {}
  const addedEnv: Record<string, string> = {}
  const addedPath: string[] = []
  const posts: PostStep[] = []
  const forcedNode = new Set<string>()

  const contexts = (stepEnv: Record<string, string> = {}): Contexts => ({
    github: { ...run.github, job: jobId },
    inputs: run.inputs,
    vars: run.vars,
    secrets: run.secrets,
    needs: scope.needs,
    matrix: scope.matrix,
    strategy: scope.strategy,
    steps,
    job: { status: cancel.cancelled ? 'cancelled' : jobStatus },
    runner: {
      os: 'Linux',
      arch: process.arch === 'arm64' ? 'ARM64' : 'X64',
      name: 'local',
      environment: 'self-hosted',
      temp: tempDir,
      tool_cache: path.join(run.tempDir, 'tool-cache'),
      debug: options.verbose ? '1' : ''
    },
    env: { ...run.workflowEnv, ...jobEnv, ...addedEnv, ...stepEnv }
  })
  const status = (): Status => ({
    success: jobStatus === 'success' && !cancel.cancelled,
    failure: jobStatus === 'failure',
    cancelled: cancel.cancelled
  })

  let jobEnv: Record<string, string> = {}
  let timer: NodeJS.Timeout | undefined
  try {
    jobEnv = evaluateTextMap(job.env, contexts(), file)
    const timeout =
      minutes(
        evaluateToken(property(raw, 'timeout-minutes'), contexts(), file),
        location(file, property(raw, 'timeout-minutes'))
      ) ?? defaultJobTimeoutMinutes * 60_000
    timer = setTimeout(() => {
      reporter.line(scope.displayId, `The job has exceeded its timeout-minutes; cancelling it`, 0)
      cancel.cancel()
    }, timeout)
  } catch (error) {
    reporter.line(scope.displayId, messageOf(error), 0)
    stopListening()
    return { result: 'failure', outputs: {} }
  }
  const defaults = runDefaults(run, raw)
  if (job.environment) {
    reporter.line(
      scope.displayId,
      `environment: not applied locally (no protection rules, no environment variables or secrets)`,
      0
    )
  }

  const processEnv = (
    stepEnv: Record<string, string>,
    extra: Record<string, string>
  ): Record<string, string> => {
    const pathValue = [...addedPath]
      .reverse()
      .concat(run.baseEnv.PATH ?? '')
      .join(path.delimiter)
    return {
      ...run.baseEnv,
      GITHUB_JOB: jobId,
      RUNNER_TEMP: tempDir,
      ...run.workflowEnv,
      ...jobEnv,
      ...addedEnv,
      ...stepEnv,
      ...extra,
      PATH: pathValue
    }
  }

  const record = (step: Step, result: StepRecord): void => {
    // Only steps with an id of the author's appear in the steps context.
    if (step.id && !step.id.startsWith('__')) steps[step.id] = result
  }

  for (const [index, step] of job.steps.entries()) {
    const rawStep = rawSteps[index]
    let name = step.id
    const started = Date.now()
    try {
      name = stepDisplayName(step, evaluateToken(step.name, contexts(), file))
      const condition = withStatusFunction(
        (step as RunStep | ActionStep).if?.expression ?? 'success()'
      )
      const stepEnvRaw = (step as RunStep | ActionStep).env
      const runIt = evaluateCondition(condition, contexts(), status())
      if (!runIt) {
        record(step, { outputs: {}, outcome: 'skipped', conclusion: 'skipped' })
        reporter.stepEnded(scope.displayId, name, 'skipped', 0, `if: ${condition}`)
        continue
      }
      reporter.stepStarted(scope.displayId, name)
      const stepEnv = evaluateTextMap(stepEnvRaw, contexts(), file)
      const ctx = contexts(stepEnv)
      const continueOnError = step['continue-on-error']
      const mayContinue =
        typeof continueOnError === 'boolean'
          ? continueOnError
          : continueOnError
            ? Boolean(evaluateToken(continueOnError, ctx, file))
            : false
      const stepTimeout = minutes(
        evaluateToken(property(rawStep, 'timeout-minutes'), ctx, file),
        location(file, property(rawStep, 'timeout-minutes'))
      )
      const common = {
        jobId: scope.displayId,
        tempDir,
        // A step that runs after the cancel (if: always() / cancelled()) is not cancelled at
        // once; like the post steps, only a second Ctrl-C stops it.
        cancel: cancel.cancelled ? run.force : cancel,
        ...(stepTimeout !== undefined ? { timeoutMs: stepTimeout } : {}),
        ...(options.timings ? { timings: options.timings } : {}),
        reporter,
        masker
      }

      let result: StepProcessResult
      if ('run' in step) {
        const script = asText(evaluateToken(step.run, ctx, file))
        const shellToken = property(rawStep, 'shell')
        const shell = shellToken ? asText(evaluateToken(shellToken, ctx, file)) : defaults.shell
        const dirToken = property(rawStep, 'working-directory')
        const workingDirectory = dirToken
          ? asText(evaluateToken(dirToken, ctx, file))
          : defaults.workingDirectory
        const command = shellCommand(shell, path.join(tempDir, `script_${index}`))
        if (typeof command === 'string')
          throw new Error(`${location(file, shellToken)}: ${command}`)
        writeFileSync(command.scriptFile, script)
        result = await runStepProcess({
          ...common,
          command: command.command,
          args: command.args,
          cwd: path.resolve(options.workspace, workingDirectory ?? '.'),
          env: processEnv(stepEnv, {})
        })
      } else if ('uses' in step && step.uses.value.startsWith('./')) {
        const action = loadLocalAction(options.workspace, step.uses.value)
        if (typeof action === 'string') throw new Error(`${location(file, step.uses)}: ${action}`)
        const inputEnv = actionInputs(
          action,
          evaluateTextMap(property(rawStep, 'with'), ctx, file),
          ctx,
          file,
          message => reporter.annotation(scope.displayId, { level: 'warning', message })
        )
        const { node } = action
        reporter.line(scope.displayId, `Node ${node.version} (runs.using: ${node.using})`, 0)
        if (node.forced) forcedNode.add(step.uses.value)
        result = await runStepProcess({
          ...common,
          command: node.executable,
          args: [action.main],
          cwd: options.workspace,
          env: processEnv(stepEnv, {
            ...inputEnv,
            GITHUB_ACTION: step.id,
            GITHUB_ACTION_PATH: action.dir
          })
        })
        if (action.post) posts.push({ name, action, stepEnv, inputEnv, state: result.state })
      } else if ('uses' in step) {
        const standIn = standInFor(step.uses.value)
        const inputs = evaluateTextMap(property(rawStep, 'with'), ctx, file)
        if (standIn) {
          const done = standIn({ inputs, hostEnv: options.hostEnv })
          for (const secret of done.secrets) masker.add(secret)
          Object.assign(addedEnv, done.env)
          reporter.line(
            scope.displayId,
            `local stand-in for ${actionName(step.uses.value)}: ${done.note}`,
            0
          )
        } else {
          reporter.line(
            scope.displayId,
            `skipped: no local stand-in for ${remoteLabel(step.uses.value)} (--strict makes this an error)`,
            0
          )
        }
        result = {
          outcome: 'success',
          outputs: {},
          env: {},
          path: [],
          state: {},
          summary: '',
          signalsSent: []
        }
      } else {
        throw new Error(
          `${location(file, rawStep)}: this kind of step is not supported by the local runner`
        )
      }

      Object.assign(addedEnv, result.env)
      addedPath.push(...result.path)
      if (result.summary.trim()) reporter.summary(scope.displayId, name, result.summary)
      const conclusion = result.outcome === 'failure' && mayContinue ? 'success' : result.outcome
      record(step, { outputs: result.outputs, outcome: result.outcome, conclusion })
      if (conclusion === 'failure') jobStatus = 'failure'
      const note =
        result.outcome === 'failure' && mayContinue
          ? `${result.reason ?? 'failed'}; continue-on-error`
          : result.reason
      reporter.stepEnded(scope.displayId, name, result.outcome, Date.now() - started, note)
    } catch (error) {
      record(step, { outputs: {}, outcome: 'failure', conclusion: 'failure' })
      jobStatus = 'failure'
      reporter.line(scope.displayId, messageOf(error), 0)
      reporter.stepEnded(scope.displayId, name, 'failure', Date.now() - started)
    }
  }

  // Post steps: reverse order, each under its post-if (default always()), also after a
  // failure or a cancel; only a second Ctrl-C stops them.
  for (const post of posts.reverse()) {
    const name = `Post ${post.name}`
    const started = Date.now()
    try {
      const condition = withStatusFunction(post.action.postIf)
      if (!evaluateCondition(condition, contexts(post.stepEnv), status())) {
        reporter.stepEnded(scope.displayId, name, 'skipped', 0, `post-if: ${post.action.postIf}`)
        continue
      }
      reporter.stepStarted(scope.displayId, name)
      const stateEnv = Object.fromEntries(
        Object.entries(post.state).map(([key, value]) => [`STATE_${key}`, value])
      )
      const result = await runStepProcess({
        jobId: scope.displayId,
        tempDir,
        cancel: run.force,
        ...(options.timings ? { timings: options.timings } : {}),
        reporter,
        masker,
        command: post.action.node.executable,
        args: [post.action.post ?? ''],
        cwd: options.workspace,
        env: processEnv(post.stepEnv, {
          ...post.inputEnv,
          ...stateEnv,
          GITHUB_ACTION_PATH: post.action.dir
        })
      })
      if (result.summary.trim()) reporter.summary(scope.displayId, name, result.summary)
      if (result.outcome === 'failure') jobStatus = 'failure'
      reporter.stepEnded(scope.displayId, name, result.outcome, Date.now() - started, result.reason)
    } catch (error) {
      jobStatus = 'failure'
      reporter.line(scope.displayId, messageOf(error), 0)
    }
  }
  if (forcedNode.size > 0) {
    reporter.annotation(scope.displayId, {
      level: 'warning',
      message: forcedNodeWarning([...forcedNode])
    })
  }
  clearTimeout(timer)
  stopListening()

  const outputs: Record<string, string> = {}
  try {
    for (const [key, value] of Object.entries(evaluateTextMap(job.outputs, contexts(), file))) {
      if (masker.carriesSecret(value)) {
        reporter.line(scope.displayId, `Skip output '${key}' since it may contain secret.`, 0)
        continue
      }
      outputs[key] = value
    }
  } catch (error) {
    reporter.line(scope.displayId, messageOf(error), 0)
    jobStatus = 'failure'
  }
  const result: JobResult = cancel.cancelled ? 'cancelled' : jobStatus
  return { result, outputs }
}
