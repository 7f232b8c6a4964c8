import { isString } from '@actions/workflow-parser'
import { location, WorkflowFileError } from './errors.js'
import { loadLocalAction, localActionFile } from './steps/local-action.js'
import { actionName, remoteLabel, standInFor } from './steps/remote-actions.js'
import { property } from './template.js'
import { loadWorkflow, stepTokens, unsupportedShells, type WorkflowFile } from './workflow-file.js'

export type StepKind = 'run' | 'local-action' | 'stand-in' | 'skipped-remote'

export interface PlannedStep {
  label: string
  kind: StepKind
  /** A local action with a post step. */
  post: boolean
}

export interface PlannedJob {
  id: string
  needs: string[]
  /** 0 for jobs that need nothing, else one more than the latest of their needs. */
  stage: number
  steps: PlannedStep[]
  /** For `uses: ./.github/workflows/x.yml`: the called workflow's plan. */
  calls?: { file: string; jobs: PlannedJob[] }
}

/**
 * What a run would do, checked before anything runs: every local action is a Node action
 * with an action.yml, every remote action has a stand-in (or is skipped; refused with
 * `strict`), every called workflow loads. All problems at once, each with its file and line.
 */
export async function planWorkflow(
  workspace: string,
  workflow: WorkflowFile,
  strict: boolean,
  depth = 0
): Promise<PlannedJob[]> {
  const problems: string[] = []
  const jobs: PlannedJob[] = []
  const stages = new Map<string, number>()
  for (const job of workflow.template.jobs) {
    const needs = (job.needs ?? []).map(need => need.value)
    const stage = needs.length === 0 ? 0 : Math.max(...needs.map(need => stages.get(need) ?? 0)) + 1
    stages.set(job.id.value, stage)
    const planned: PlannedJob = { id: job.id.value, needs, stage, steps: [] }
    if (job.type === 'reusableWorkflowJob') {
      if (depth >= 3) {
        problems.push(
          `${location(workflow.file, job.ref)}: reusable workflows nested more than 3 deep`
        )
      } else {
        try {
          const called = await loadWorkflow(workspace, job.ref.value)
          planned.calls = {
            file: called.file,
            jobs: await planWorkflow(workspace, called, strict, depth + 1)
          }
        } catch (error) {
          problems.push(error instanceof Error ? error.message : String(error))
        }
      }
      jobs.push(planned)
      continue
    }
    const raw = stepTokens(workflow, job.id.value)
    job.steps.forEach((step, index) => {
      if ('run' in step) {
        const shell = property(raw[index], 'shell')
        if (shell && isString(shell) && unsupportedShells.includes(shell.value)) {
          problems.push(
            `${location(workflow.file, shell)}: shell '${shell.value}' is not supported by the local runner`
          )
        }
        const script = isString(step.run) ? step.run.value : step.run.toDisplayString()
        planned.steps.push({ label: script.trim().split('\n')[0] ?? '', kind: 'run', post: false })
        return
      }
      if (!('uses' in step)) {
        problems.push(
          `${location(workflow.file, raw[index])}: this kind of step is not supported by the local runner`
        )
        return
      }
      const uses = step.uses.value
      if (uses.startsWith('./')) {
        // GitHub loads a local action when its step starts: one that is not there yet (an
        // earlier step may create it; a skipped step never needs it) fails only its step.
        if (!localActionFile(workspace, uses)) {
          planned.steps.push({
            label: `${uses} (loaded when the step starts)`,
            kind: 'local-action',
            post: false
          })
          return
        }
        const action = loadLocalAction(workspace, uses)
        if (Array.isArray(action)) {
          const at = location(workflow.file, step.uses)
          problems.push(...action.map(problem => `${at}: ${problem}`))
          return
        }
        planned.steps.push({ label: uses, kind: 'local-action', post: action.post !== undefined })
      } else if (standInFor(uses)) {
        planned.steps.push({ label: remoteLabel(uses), kind: 'stand-in', post: false })
      } else if (strict) {
        problems.push(
          `${location(workflow.file, step.uses)}: remote action ${actionName(uses)} has no local stand-in (--strict)`
        )
      } else {
        planned.steps.push({ label: remoteLabel(uses), kind: 'skipped-remote', post: false })
      }
    })
    jobs.push(planned)
  }
  if (problems.length > 0) throw new WorkflowFileError(problems.join('\n'))
  return jobs
}

/** The plan as text, one line per job (by stage) and one per step. */
export function describePlan(jobs: PlannedJob[], indent = ''): string[] {
  const lines: string[] = []
  const ordered = [...jobs].sort((a, b) => a.stage - b.stage)
  for (const job of ordered) {
    const needs = job.needs.length ? ` (needs ${job.needs.join(', ')})` : ''
    lines.push(`${indent}stage ${job.stage}: ${job.id}${needs}`)
    for (const step of job.steps) {
      lines.push(`${indent}  - ${step.kind}: ${step.label}${step.post ? ' (+ post step)' : ''}`)
    }
    if (job.calls) {
      lines.push(`${indent}  calls ${job.calls.file}:`)
      lines.push(...describePlan(job.calls.jobs, `${indent}    `))
    }
  }
  return lines
}
