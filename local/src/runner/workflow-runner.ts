import { isMapping, isString } from '@actions/workflow-parser'
import type {
  InputConfig,
  Job,
  ReusableWorkflowJob,
  WorkflowJob
} from '@actions/workflow-parser/model/workflow-template'
import { ConcurrencyGroups, Slots } from './concurrency.js'
import { location, messageOf } from './errors.js'
import { asText, evaluateCondition, type Contexts, type Status } from './expressions.js'
import { resolveInputs } from './inputs.js'
import { runJob, type JobOutcome } from './job-runner.js'
import type { JobRow } from './log.js'
import { expandStrategy } from './matrix.js'
import { CancelSignal } from './process.js'
import type { JobResult, NeedResult, WorkflowRun } from './run-context.js'
import { evaluateTextMap, evaluateToken, property } from './template.js'
import { jobToken, loadWorkflow, type WorkflowFile } from './workflow-file.js'

/** What a whole run gives back: each job's row for the table, its result and outputs. */
export interface WorkflowOutcome {
  rows: JobRow[]
  jobs: Record<string, NeedResult>
}

/** Shared by a run and the workflows it calls: the --max-parallel bound and the groups. */
export interface Scheduler {
  slots: Slots
  groups: ConcurrencyGroups
}

function ancestorsOf(jobs: WorkflowJob[], id: string, seen = new Set<string>()): Set<string> {
  const job = jobs.find(candidate => candidate.id.value === id)
  for (const need of job?.needs ?? []) {
    if (seen.has(need.value)) continue
    seen.add(need.value)
    ancestorsOf(jobs, need.value, seen)
  }
  return seen
}

/** What GitHub writes on a job or run it cancels because a newer one took its queue place. */
export function supersededMessage(group: string): string {
  return `Canceling since a higher priority waiting request for '${group}' exists`
}

/** A `concurrency:` value (a group name, or `group:` with `cancel-in-progress:`), evaluated. */
function concurrencyOf(
  token: Parameters<typeof evaluateToken>[0],
  contexts: Contexts,
  file: string
): { group: string; cancelInProgress: boolean } | undefined {
  const concurrency = evaluateToken(token, contexts, file)
  const group =
    typeof concurrency === 'string'
      ? concurrency
      : (concurrency as { group?: unknown } | undefined)?.group
  if (group === undefined || group === null || group === '') return undefined
  const cancelInProgress =
    typeof concurrency === 'object' &&
    Boolean((concurrency as { 'cancel-in-progress'?: unknown })['cancel-in-progress'])
  return { group: asText(group), cancelInProgress }
}

/**
 * Runs a workflow's jobs under its workflow-level `concurrency:` (the root workflow's, or a
 * called one's): the whole run waits for the group; replaced in the queue by a newer one, all
 * its jobs end cancelled with GitHub's annotation, and nothing of it runs.
 */
export async function runWorkflowInGroup(
  run: WorkflowRun,
  scheduler: Scheduler,
  prefix: string
): Promise<WorkflowOutcome> {
  const { workflow } = run
  const contexts: Contexts = { github: run.github, inputs: run.inputs, vars: run.vars }
  const concurrency = concurrencyOf(workflow.template.concurrency, contexts, workflow.file)
  if (!concurrency) return runWorkflowJobs(run, scheduler, prefix)
  const groupCancel = new CancelSignal()
  const admission = await scheduler.groups.acquire(
    concurrency.group,
    concurrency.cancelInProgress,
    () => groupCancel.cancel()
  )
  if (!admission.admitted) {
    const message = supersededMessage(concurrency.group)
    const rows: JobRow[] = []
    const jobs: Record<string, NeedResult> = {}
    for (const job of workflow.template.jobs) {
      const id = `${prefix}${job.id.value}`
      const row: JobRow = { id, name: id, state: 'cancelled' }
      rows.push(row)
      jobs[job.id.value] = { result: 'cancelled', outputs: {} }
      run.reporter.annotation(id, { level: 'error', message })
      run.reporter.job(row, message)
    }
    return { rows, jobs }
  }
  try {
    return await runWorkflowJobs(
      { ...run, cancel: mergeCancel(run.cancel, groupCancel) },
      scheduler,
      prefix
    )
  } finally {
    admission.release()
  }
}

/** A matrix job's result over its legs, as `needs.<id>.result` reports it. */
function combine(results: JobResult[]): JobResult {
  if (results.includes('failure')) return 'failure'
  if (results.includes('cancelled')) return 'cancelled'
  if (results.length > 0 && results.every(result => result === 'skipped')) return 'skipped'
  return 'success'
}

/**
 * Runs the jobs of a workflow in `needs:` order, independent ones at once within the bound,
 * each under its `if:` (default `success()`), its concurrency group and its matrix.
 */
export async function runWorkflowJobs(
  run: WorkflowRun,
  scheduler: Scheduler,
  prefix = ''
): Promise<WorkflowOutcome> {
  const { workflow, reporter } = run
  const jobs = workflow.template.jobs
  const done: Record<string, NeedResult> = {}
  const rows: JobRow[] = []
  const started = new Set<string>()
  const running = new Map<string, Promise<void>>()

  // As on GitHub, a job's status functions look at its whole dependency chain, not only its
  // direct needs: a job needing a job that ran after a failure (if: always()) is skipped by
  // the default success().
  const jobStatus = (job: WorkflowJob): Status => {
    const ancestors = [...ancestorsOf(jobs, job.id.value)].map(id => done[id]?.result)
    return {
      success: !run.cancel.cancelled && ancestors.every(result => result === 'success'),
      failure: ancestors.includes('failure'),
      cancelled: run.cancel.cancelled
    }
  }

  const startJob = async (job: WorkflowJob): Promise<void> => {
    const id = job.id.value
    const displayId = `${prefix}${id}`
    const needs = Object.fromEntries((job.needs ?? []).map(need => [need.value, done[need.value]]))
    const contexts: Contexts = {
      github: run.github,
      inputs: run.inputs,
      vars: run.vars,
      needs
    }
    const row: JobRow = { id: displayId, name: displayId, state: 'queued' }
    rows.push(row)
    // A plain job's runner reports its own line; this one is for a skipped job, and for a
    // matrix or a called workflow, whose legs report theirs.
    const compound = job.type === 'reusableWorkflowJob' || job.strategy !== undefined
    const finish = (result: JobResult, outputs: Record<string, string>, detail?: string): void => {
      done[id] = { result, outputs }
      row.state = result
      if (compound || result === 'skipped' || detail) reporter.job(row, detail)
    }
    try {
      const condition = job.if?.expression ?? 'success()'
      if (!evaluateCondition(condition, contexts, jobStatus(job))) {
        finish('skipped', {}, `if: ${condition}`)
        return
      }
      const outcome =
        job.type === 'reusableWorkflowJob'
          ? await runCalledWorkflow(run, scheduler, job, contexts, displayId, row)
          : await runMatrixJob(run, scheduler, job, contexts, displayId, row)
      finish(outcome.result, outcome.outputs)
    } catch (error) {
      finish('failure', {}, messageOf(error))
    }
  }

  for (;;) {
    for (const job of jobs) {
      const id = job.id.value
      if (started.has(id)) continue
      if (!(job.needs ?? []).every(need => done[need.value] !== undefined)) continue
      started.add(id)
      running.set(
        id,
        startJob(job).finally(() => running.delete(id))
      )
    }
    if (running.size === 0) break
    await Promise.race(running.values())
  }
  return { rows, jobs: done }
}

/** One job, or one leg per matrix combination within the strategy's max-parallel. */
async function runMatrixJob(
  run: WorkflowRun,
  scheduler: Scheduler,
  job: Job | ReusableWorkflowJob,
  contexts: Contexts,
  displayId: string,
  row: JobRow,
  runLeg: (scope: LegScope) => Promise<JobOutcome> = scope =>
    runLeafJob(run, scheduler, job as Job, scope)
): Promise<JobOutcome> {
  const file = run.workflow.file
  const strategy = expandStrategy(
    evaluateToken(job.strategy, contexts, file),
    location(file, job.strategy)
  )
  const legSlots = new Slots(strategy.maxParallel ?? Number.MAX_SAFE_INTEGER)
  const failFast = new CancelSignal()
  const results: JobResult[] = []
  let outputs: Record<string, string> = {}
  const started = Date.now()
  row.state = 'running'
  const isMatrix =
    job.strategy !== undefined && strategy.legs.some(leg => Object.keys(leg).length > 0)
  await Promise.all(
    strategy.legs.map(async (matrix, index) => {
      const release = await legSlots.take()
      try {
        const legId = isMatrix
          ? `${displayId} (${Object.values(matrix)
              .map(value => asText(value))
              .join(', ')})`
          : displayId
        const scope: LegScope = {
          displayId: legId,
          matrix,
          strategy: {
            'fail-fast': strategy.failFast,
            'job-index': index,
            'job-total': strategy.legs.length,
            'max-parallel': strategy.maxParallel ?? strategy.legs.length
          },
          contexts: { ...contexts, matrix, strategy: {} },
          failFast
        }
        if (failFast.cancelled) {
          run.reporter.job(
            { id: legId, name: legId, state: 'cancelled' },
            'fail-fast: another leg failed'
          )
          results.push('cancelled')
          return
        }
        const outcome = await runLeg(scope)
        results.push(outcome.result)
        // As on GitHub, the matrix job's outputs are those of the leg that finished last.
        outputs = { ...outputs, ...outcome.outputs }
        if (outcome.result === 'failure' && strategy.failFast && isMatrix) failFast.cancel()
      } finally {
        release()
      }
    })
  )
  row.durationMs = Date.now() - started
  return { result: combine(results), outputs }
}

interface LegScope {
  displayId: string
  matrix: Record<string, unknown>
  strategy: Record<string, unknown>
  contexts: Contexts
  failFast: CancelSignal
}

/** A job with steps: waits for its concurrency group and a slot, then runs on the runner. */
async function runLeafJob(
  run: WorkflowRun,
  scheduler: Scheduler,
  job: Job,
  scope: LegScope
): Promise<JobOutcome> {
  const { reporter, workflow } = run
  const file = workflow.file
  const legContexts = { ...scope.contexts, strategy: scope.strategy }
  const name = job.name ? asText(evaluateToken(job.name, legContexts, file)) : scope.displayId
  const named = name && name !== job.id.value ? name : scope.displayId
  const row: JobRow = { id: scope.displayId, name: named, state: 'queued' }
  const report = (detail?: string): void => reporter.job(row, detail)
  report()

  const jobCancel = new CancelSignal()
  const stopCancel = scope.failFast.onCancel(() => jobCancel.cancel())
  let releaseGroup: (() => void) | undefined
  try {
    const concurrency = concurrencyOf(job.concurrency, legContexts, file)
    if (concurrency) {
      row.state = 'waiting'
      const admission = await scheduler.groups.acquire(
        concurrency.group,
        concurrency.cancelInProgress,
        () => jobCancel.cancel()
      )
      if (!admission.admitted) {
        row.state = 'cancelled'
        const message = supersededMessage(concurrency.group)
        reporter.annotation(scope.displayId, { level: 'error', message })
        report(message)
        return { result: 'cancelled', outputs: {} }
      }
      releaseGroup = admission.release
    }
    const releaseSlot = await scheduler.slots.take()
    const started = Date.now()
    try {
      if (jobCancel.cancelled) {
        row.state = 'cancelled'
        report()
        return { result: 'cancelled', outputs: {} }
      }
      row.state = 'running'
      report()
      // A job that starts after the run was cancelled (its if: allows it, say always()) runs
      // its steps; like the post steps, only a second Ctrl-C stops it.
      const runCancel = run.cancel.cancelled ? run.force : run.cancel
      const outcome = await runJob({ ...run, cancel: mergeCancel(runCancel, jobCancel) }, job, {
        displayId: scope.displayId,
        needs: scope.contexts.needs as Record<string, NeedResult>,
        matrix: scope.matrix,
        strategy: scope.strategy
      })
      row.state = outcome.result
      row.durationMs = Date.now() - started
      // Job-level continue-on-error: the job shows failed, but `needs.<id>.result` is success
      // and the run does not fail for it (actions/runner#1161 describes GitHub's behaviour).
      const continueToken = property(jobToken(workflow, job.id.value), 'continue-on-error')
      if (
        outcome.result === 'failure' &&
        continueToken &&
        evaluateToken(continueToken, legContexts, file)
      ) {
        report('continue-on-error: the run goes on as if it passed')
        return { ...outcome, result: 'success' }
      }
      report()
      return outcome
    } finally {
      releaseSlot()
    }
  } finally {
    stopCancel()
    releaseGroup?.()
  }
}

/** A signal fired by either of two: the run's cancel and this job's own (fail-fast, groups). */
function mergeCancel(first: CancelSignal, second: CancelSignal): CancelSignal {
  const merged = new CancelSignal()
  first.onCancel(() => merged.cancel())
  second.onCancel(() => merged.cancel())
  return merged
}

/**
 * `uses: ./.github/workflows/x.yml`: the called workflow runs with the caller's github
 * context, the `with:` inputs typed by its workflow_call declarations, the given (or
 * inherited) secrets, and gives back its declared outputs. One call per matrix leg.
 */
async function runCalledWorkflow(
  run: WorkflowRun,
  scheduler: Scheduler,
  job: ReusableWorkflowJob,
  contexts: Contexts,
  displayId: string,
  row: JobRow
): Promise<JobOutcome> {
  const called = await loadWorkflow(run.options.workspace, job.ref.value)
  const declared = called.template.events.workflow_call
  if (!declared) {
    throw new Error(
      `${location(run.workflow.file, job.ref)}: ${called.file} has no workflow_call trigger`
    )
  }
  const outcome = await runMatrixJob(run, scheduler, job, contexts, displayId, row, async scope => {
    const file = run.workflow.file
    const given = evaluateToken(job['input-values'], scope.contexts, file) as
      Record<string, unknown> | undefined
    const inputs = resolveInputs(
      declared.inputs as Record<string, InputConfig> | undefined,
      given ?? {},
      called.file
    )
    const secrets = job['inherit-secrets']
      ? run.secrets
      : evaluateTextMap(job['secret-values'], { ...scope.contexts, secrets: run.secrets }, file)
    const child: WorkflowRun = {
      ...run,
      workflow: called,
      inputs,
      secrets,
      workflowEnv: {}
    }
    child.workflowEnv = evaluateTextMap(
      called.template.env,
      { github: run.github, inputs, vars: run.vars, secrets },
      called.file
    )
    const result = await runWorkflowInGroup(child, scheduler, `${scope.displayId} / `)
    // Jobs the called workflow skipped (its notify, say) do not make the call skipped.
    const ran = Object.values(result.jobs)
      .map(need => need.result)
      .filter(result => result !== 'skipped')
    return { result: combine(ran), outputs: calledOutputs(called, result.jobs, inputs, run) }
  })
  return outcome
}

function calledOutputs(
  called: WorkflowFile,
  jobs: Record<string, NeedResult>,
  inputs: Record<string, unknown>,
  run: WorkflowRun
): Record<string, string> {
  const outputsToken = property(property(property(called.root, 'on'), 'workflow_call'), 'outputs')
  if (!outputsToken || !isMapping(outputsToken)) return {}
  const result: Record<string, string> = {}
  for (const pair of outputsToken) {
    if (!isString(pair.key)) continue
    const value = property(pair.value, 'value')
    result[pair.key.value] = asText(
      evaluateToken(value, { github: run.github, inputs, vars: run.vars, jobs }, called.file)
    )
  }
  return result
}
