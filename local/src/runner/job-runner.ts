import type {
  ActionStep,
  Job,
  RunStep,
  Step
} from '@actions/workflow-parser/model/workflow-template'
import { isString } from '@actions/workflow-parser'
import { location, messageOf } from './errors.js'
import { asText, evaluateCondition, type Contexts } from './expressions.js'
import { JobContext, minutes, type JobScope, type PostStep } from './job-context.js'
import type { JobResult, WorkflowRun } from './run-context.js'
import { forcedNodeWarning } from './steps/node-runtime.js'
import { createStep } from './steps/step-factory.js'
import { evaluateTextMap, evaluateToken, property } from './template.js'

export type { JobScope } from './job-context.js'

export interface JobOutcome {
  result: JobResult
  outputs: Record<string, string>
}

/** `if:` conditions the author wrote without a status function mean `success() && (…)`. */
export function withStatusFunction(condition: string): string {
  return /\b(success|failure|cancelled|always)\s*\(/.test(condition)
    ? condition
    : `success() && (${condition})`
}

/** Runs one job's steps, then its post steps, as a GitHub runner does. */
export async function runJob(run: WorkflowRun, job: Job, scope: JobScope): Promise<JobOutcome> {
  const context = new JobContext(run, job, scope)
  try {
    context.start()
  } catch (error) {
    context.log(messageOf(error))
    context.close()
    return { result: 'failure', outputs: {} }
  }
  if (job.environment) {
    context.log(
      `environment: not applied locally (no protection rules, no environment variables or secrets)`
    )
  }
  for (const [index, step] of job.steps.entries()) await runMainStep(context, step, index)
  // Post steps: reverse order, each under its post-if (default always()), also after a
  // failure or a cancel; only a second Ctrl-C stops them.
  for (const post of [...context.posts].reverse()) await runPostStep(context, post)
  if (context.forcedNode.size > 0) {
    run.reporter.annotation(scope.displayId, {
      level: 'warning',
      message: forcedNodeWarning([...context.forcedNode])
    })
  }
  context.close()
  const outputs = jobOutputs(context)
  return { result: context.result(), outputs }
}

/** One step under its `if:`, recorded in the steps context; a failure fails the job. */
async function runMainStep(context: JobContext, step: Step, index: number): Promise<void> {
  const { file, run } = context
  const { reporter } = run
  const jobId = context.scope.displayId
  const rawStep = context.rawSteps[index]
  let name = step.id
  const started = Date.now()
  try {
    name = stepDisplayName(step, context.contexts(), file)
    const condition = withStatusFunction(
      (step as RunStep | ActionStep).if?.expression ?? 'success()'
    )
    if (!evaluateCondition(condition, context.contexts(), context.status())) {
      context.record(step, { outputs: {}, outcome: 'skipped', conclusion: 'skipped' })
      reporter.stepEnded(jobId, name, 'skipped', 0, `if: ${condition}`)
      return
    }
    reporter.stepStarted(jobId, name)
    const stepEnv = evaluateTextMap((step as RunStep | ActionStep).env, context.contexts(), file)
    const contexts = context.contexts(stepEnv)
    const mayContinue = continueOnError(step, contexts, file)
    const timeoutMs = minutes(
      evaluateToken(property(rawStep, 'timeout-minutes'), contexts, file),
      location(file, property(rawStep, 'timeout-minutes'))
    )
    const kind = createStep(step, rawStep, file)
    const result = await kind.main({
      job: context,
      index,
      rawStep,
      name,
      stepEnv,
      contexts,
      timeoutMs
    })
    const post = kind.post()
    if (post) context.posts.push(post)

    context.absorb(result)
    if (result.summary.trim()) reporter.summary(jobId, name, result.summary)
    const conclusion = result.outcome === 'failure' && mayContinue ? 'success' : result.outcome
    context.record(step, { outputs: result.outputs, outcome: result.outcome, conclusion })
    if (conclusion === 'failure') context.fail()
    const note =
      result.outcome === 'failure' && mayContinue
        ? `${result.reason ?? 'failed'}; continue-on-error`
        : result.reason
    reporter.stepEnded(jobId, name, result.outcome, Date.now() - started, note)
  } catch (error) {
    context.record(step, { outputs: {}, outcome: 'failure', conclusion: 'failure' })
    context.fail()
    context.log(messageOf(error))
    reporter.stepEnded(jobId, name, 'failure', Date.now() - started)
  }
}

/** A post step under its post-if; a failure fails the job. */
async function runPostStep(context: JobContext, post: PostStep): Promise<void> {
  const { reporter } = context.run
  const jobId = context.scope.displayId
  const name = `Post ${post.name}`
  const started = Date.now()
  try {
    const condition = withStatusFunction(post.postIf)
    if (!evaluateCondition(condition, context.contexts(post.stepEnv), context.status())) {
      reporter.stepEnded(jobId, name, 'skipped', 0, `post-if: ${post.postIf}`)
      return
    }
    reporter.stepStarted(jobId, name)
    const result = await post.run(context)
    if (result.summary.trim()) reporter.summary(jobId, name, result.summary)
    if (result.outcome === 'failure') context.fail()
    reporter.stepEnded(jobId, name, result.outcome, Date.now() - started, result.reason)
  } catch (error) {
    context.fail()
    context.log(messageOf(error))
  }
}

/** The job's `outputs:`, evaluated after its steps; one that may hold a secret is left out. */
function jobOutputs(context: JobContext): Record<string, string> {
  const outputs: Record<string, string> = {}
  try {
    const evaluated = evaluateTextMap(context.job.outputs, context.contexts(), context.file)
    for (const [key, value] of Object.entries(evaluated)) {
      if (context.run.masker.carriesSecret(value)) {
        context.log(`Skip output '${key}' since it may contain secret.`)
        continue
      }
      outputs[key] = value
    }
  } catch (error) {
    context.log(messageOf(error))
    context.fail()
  }
  return outputs
}

function continueOnError(step: Step, contexts: Contexts, file: string): boolean {
  const value = step['continue-on-error']
  if (typeof value === 'boolean') return value
  return value ? Boolean(evaluateToken(value, contexts, file)) : false
}

/**
 * A step's name as GitHub's runner shows it: its `name:`, else `Run ` and the first line of
 * its script evaluated in the step's contexts (the script as written when it cannot be).
 */
function stepDisplayName(step: Step, contexts: Contexts, file: string): string {
  const evaluated = evaluateToken(step.name, contexts, file)
  if (evaluated !== undefined && evaluated !== null && evaluated !== '') return asText(evaluated)
  if ('run' in step) {
    let script: string
    try {
      script = asText(evaluateToken(step.run, contexts, file))
    } catch {
      script = isString(step.run) ? step.run.value : step.run.toDisplayString()
    }
    return `Run ${script.trimStart().split(/\r|\n/)[0]}`
  }
  if ('uses' in step) return `Run ${step.uses.value}`
  return step.id
}
