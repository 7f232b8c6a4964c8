import { readFileSync } from 'node:fs'
import path from 'node:path'
import {
  convertWorkflowTemplate,
  isMapping,
  isSequence,
  isString,
  NoOperationTraceWriter,
  type WorkflowTemplate
} from '@actions/workflow-parser'
import type { WorkflowJob } from '@actions/workflow-parser/model/workflow-template'
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/index'
import type { FileReference } from '@actions/workflow-parser/workflows/file-reference'
import { location, WorkflowFileError } from './errors.js'
import { property } from './template.js'
import { parseWorkflowText } from './workflow-reader.js'

/**
 * A workflow as GitHub's parser reads it: the converted template (jobs, needs, if, events,
 * inputs) and the parsed token tree, which keeps what the conversion drops (with:,
 * defaults, timeout-minutes, working-directory, shell) together with its line and column.
 */
export interface WorkflowFile {
  /** Path relative to the workspace, as errors name it. */
  file: string
  template: WorkflowTemplate
  root: TemplateToken
}

export function jobToken(workflow: WorkflowFile, jobId: string): TemplateToken | undefined {
  return property(property(workflow.root, 'jobs'), jobId)
}

export function stepTokens(workflow: WorkflowFile, jobId: string): TemplateToken[] {
  const steps = property(jobToken(workflow, jobId), 'steps')
  return steps && isSequence(steps) ? [...steps] : []
}

/** Reads and validates a workflow; throws one WorkflowFileError listing every problem. */
export async function loadWorkflow(workspace: string, file: string): Promise<WorkflowFile> {
  const relative = path.relative(workspace, path.resolve(workspace, file)) || file
  let content: string
  try {
    content = readFileSync(path.resolve(workspace, file), 'utf8')
  } catch {
    throw new WorkflowFileError(`${relative}: no such workflow file`)
  }
  const parsed = parseWorkflowText({ name: relative, content }, new NoOperationTraceWriter())
  const parseErrors = parsed.context.errors.getErrors().map(error => refusal(error.message))
  if (parseErrors.length > 0 || !parsed.value) {
    throw new WorkflowFileError(parseErrors.join('\n') || `${relative}: not a workflow`)
  }
  const unsupported = unsupportedFeatures(relative, parsed.value)
  if (unsupported.length > 0) throw new WorkflowFileError(unsupported.join('\n'))

  const localFiles = {
    getFileContent: async (ref: FileReference) => {
      if (!('path' in ref) || 'repository' in ref) throw new Error('only local files')
      return { name: ref.path, content: readFileSync(path.resolve(workspace, ref.path), 'utf8') }
    }
  }
  const template = await convertWorkflowTemplate(parsed.context, parsed.value, localFiles, {
    fetchReusableWorkflowDepth: 1
  })
  const errors = [
    ...parsed.context.errors.getErrors().map(error => refusal(error.message)),
    ...(template.errors ?? []).map(error => refusal(error.Message))
  ]
  if (errors.length > 0) throw new WorkflowFileError([...new Set(errors)].join('\n'))
  return { file: relative, template, root: parsed.value }
}

/**
 * A parser error in the runner's one format, `file:line:col: what` on one line (the parser
 * writes `file (Line: n, Col: m): what`, sometimes over several lines).
 */
export function refusal(message: string): string {
  const oneLine = message.replace(/\s*\r?\n\s*/g, ' ').trim()
  const at = /^(.+?) \(Line: (\d+), Col: (\d+)\): (.*)$/.exec(oneLine)
  return at ? `${at[1]}:${at[2]}:${at[3]}: ${at[4]}` : oneLine
}

/** What GitHub accepts in a step's `uses:` besides a local path and a Docker image. */
const repositoryAction = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+(\/[^@]+)?@[^@\s]+$/

/** Shells a step of this runner cannot start (Windows' shells). */
export const unsupportedShells = ['pwsh', 'powershell', 'cmd']

/** Job keys the runner cannot honour; each is refused with its line before anything runs. */
const unsupportedJobKeys: Record<string, string> = {
  services: 'service containers (jobs.<id>.services)',
  container: 'container jobs (jobs.<id>.container)',
  snapshot: 'custom images (jobs.<id>.snapshot)'
}

function unsupportedFeatures(file: string, root: TemplateToken): string[] {
  const problems: string[] = []
  const say = (token: TemplateToken | undefined, feature: string): void => {
    problems.push(`${location(file, token)}: ${feature} is not supported by the local runner`)
  }
  const defaultShell = (owner: TemplateToken | undefined): void => {
    const shell = property(property(property(owner, 'defaults'), 'run'), 'shell')
    if (shell && isString(shell) && unsupportedShells.includes(shell.value))
      say(shell, `shell '${shell.value}' (defaults.run.shell)`)
  }
  defaultShell(root)
  const jobs = property(root, 'jobs')
  if (!jobs || !isMapping(jobs)) return problems
  for (const pair of jobs) {
    const job = pair.value
    defaultShell(job)
    for (const [key, feature] of Object.entries(unsupportedJobKeys)) {
      const value = property(job, key)
      if (value) say(value, feature)
    }
    const uses = property(job, 'uses')
    if (uses && isString(uses) && !uses.value.startsWith('./')) {
      say(uses, `a reusable workflow from another repository (${uses.value})`)
    }
    const steps = property(job, 'steps')
    for (const step of steps && isSequence(steps) ? steps : []) {
      const stepUses = property(step, 'uses')
      if (!stepUses || !isString(stepUses)) continue
      const uses = stepUses.value
      if (uses.startsWith('docker://')) {
        say(stepUses, `a Docker action (${uses})`)
      } else if (!uses.startsWith('./') && !repositoryAction.test(uses)) {
        // GitHub refuses the whole workflow for it, in these words.
        problems.push(
          `${location(file, stepUses)}: the \`uses' attribute must be a path, a Docker image, or owner/repo@ref (got '${uses}')`
        )
      }
    }
  }
  return problems
}

export type { WorkflowJob }
