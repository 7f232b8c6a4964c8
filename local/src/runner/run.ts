import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { LOCAL_RUN_VARIABLE } from '../../../src/core/run-reference.js'
import { UsageError } from './errors.js'
import { resolveInputs } from './inputs.js'
import { githubContext, githubEnv, runIdentity } from './github-context.js'
import { localGitHubApi } from './local-github-api.js'
import { LocalGitHubStore } from './local-github-store.js'
import { TextReporter, type JobRow } from './log.js'
import { Masker } from './masker.js'
import { describePlan, planWorkflow } from './plan.js'
import { journaled, RunJournal, type JournalJob } from './run-journal.js'
import { CancelSignal } from './process.js'
import type { RunOptions, WorkflowRun } from './run-context.js'
import { startServices, type LocalService } from './services.js'
import { evaluateTextMap } from './template.js'
import { loadWorkflow } from './workflow-file.js'
import { ConcurrencyGroups, Slots } from './concurrency.js'
import { runWorkflowInGroup, type WorkflowOutcome } from './workflow-runner.js'

export interface RunRequest extends RunOptions {
  workflowFile: string
  event: string
  inputs: Record<string, string>
  /** When the event happened (a schedule's tick): the run's creation time. Default: now. */
  eventTime?: Date
  vars: Record<string, string>
  secrets: Record<string, string>
  /** Started before the first job, stopped after the last; their env reaches every step. */
  services?: LocalService[]
  /**
   * The repository's issues and labels as the GitHub API stand-in keeps them; pass the same
   * store to several runs to follow a failure issue across them. Default: a new, empty one.
   */
  github?: LocalGitHubStore
  write: (text: string) => void
  /** Ctrl-C once: cancel; twice: force. The CLI wires SIGINT to them. */
  cancel?: CancelSignal
  force?: CancelSignal
  runId?: number
  /** Which of the workflow's `schedule:` entries fired (its cron); default the first. */
  schedule?: string
  /**
   * The repository's concurrency groups; pass the same to runs that overlap, so that their
   * groups hold across them as on GitHub. Default: the run's own.
   */
  concurrency?: ConcurrencyGroups
}

export interface RunResult {
  exitCode: number
  rows: JobRow[]
  outcome?: WorkflowOutcome
  /** The run's jobs as GitHub's REST API lists them (steps, conclusions, annotations). */
  jobs?: JournalJob[]
}

/** Loads, checks and runs a workflow file; the exit code says whether every job passed. */
export async function runWorkflowFile(request: RunRequest): Promise<RunResult> {
  const workspace = path.resolve(request.workspace)
  const workflow = await loadWorkflow(workspace, request.workflowFile)
  const events = workflow.template.events
  if (!(request.event in events)) {
    const triggers = Object.keys(events).join(', ') || 'none'
    throw new UsageError(
      `--event ${request.event}: ${workflow.file} is not triggered by it (on: ${triggers})`
    )
  }
  const declared =
    request.event === 'workflow_dispatch'
      ? events.workflow_dispatch?.inputs
      : request.event === 'workflow_call'
        ? events.workflow_call?.inputs
        : undefined
  if (!declared && Object.keys(request.inputs).length > 0) {
    throw new UsageError(`--input: the ${request.event} event takes no inputs`)
  }
  const inputs = resolveInputs(declared as never, request.inputs, workflow.file)
  const plan = await planWorkflow(workspace, workflow, request.strict)

  // The GitHub API stand-in's token: new for each run, given only to the run's steps.
  const localToken = `ghs_${randomBytes(18).toString('hex')}`
  const masker = new Masker()
  for (const secret of Object.values(request.secrets)) masker.add(secret)
  masker.add(localToken)
  const identity = runIdentity(workspace, request.hostEnv)
  const eventTime = request.eventTime ?? new Date()
  const runId = request.runId ?? Math.floor(eventTime.getTime() / 1000)
  const journal = new RunJournal(runId * 1000 + 1, text => masker.mask(text))
  const reporter = journaled(new TextReporter(request.write, masker, request.verbose), journal)
  if (request.dryRun) {
    reporter.note(`Plan for ${workflow.file} (${request.event}):`)
    for (const line of describePlan(plan)) reporter.note(line)
    return { exitCode: 0, rows: [] }
  }

  const schedules = (events.schedule ?? []).map(entry => entry.cron)
  if (request.schedule !== undefined && !schedules.includes(request.schedule)) {
    throw new UsageError(
      `--schedule '${request.schedule}': ${workflow.file} has ${schedules.length ? `the schedules ${schedules.map(cron => `'${cron}'`).join(', ')}` : 'no schedule'}`
    )
  }
  const schedule = request.schedule ?? schedules[0]
  const payload: Record<string, unknown> =
    request.event === 'schedule'
      ? { schedule }
      : request.event === 'workflow_dispatch'
        ? {
            inputs: Object.fromEntries(
              Object.entries(inputs).map(([key, value]) => [key, String(value)])
            ),
            ref: identity.ref,
            workflow: workflow.file
          }
        : {}
  Object.assign(payload, {
    repository: {
      full_name: identity.repository,
      name: identity.repository.split('/')[1],
      owner: { login: identity.repository.split('/')[0] },
      // A clone knows no default branch of its own: the branch checked out stands in.
      default_branch: identity.refName
    },
    sender: { login: identity.actor }
  })

  const tempDir = mkdtempSync(path.join(tmpdir(), 'spark-pipeline-run-'))
  const store = request.github ?? new LocalGitHubStore(identity.repository, 'http://localhost')
  const activityBefore = store.activity.length
  const gitHubApi = localGitHubApi({ store, journal, token: localToken })
  const services = await startServices([gitHubApi, ...(request.services ?? [])], {
    workspace,
    run: {
      repository: identity.repository,
      runId,
      runAttempt: 1,
      createdAt: eventTime,
      event: request.event,
      workflowPath: workflow.file
    }
  })
  try {
    reporter.note(
      `repository: ${identity.repository} (${identity.ref}, ${identity.sha.slice(0, 12)})`
    )
    for (const description of services.descriptions) reporter.note(`local service: ${description}`)
    const github = githubContext({
      workspace,
      identity,
      eventName: request.event,
      payload,
      runId,
      runAttempt: 1,
      workflowName: (workflow.root && nameOf(workflow)) || workflow.file,
      workflowFile: workflow.file,
      token: localToken,
      apiUrl: services.env.GITHUB_API_URL ?? 'https://api.github.com'
    })
    const eventPath = path.join(tempDir, 'event.json')
    writeFileSync(eventPath, JSON.stringify(payload, null, 2))
    const hostEnv = Object.fromEntries(
      Object.entries(request.hostEnv).filter(
        (entry): entry is [string, string] =>
          entry[1] !== undefined && !/^(GITHUB_|INPUT_|STATE_|RUNNER_)/.test(entry[0])
      )
    )
    const secrets = { GITHUB_TOKEN: localToken, ...request.secrets }
    const run: WorkflowRun = {
      options: { ...request, workspace },
      workflow,
      github,
      inputs,
      vars: request.vars,
      secrets,
      masker,
      reporter,
      cancel: request.cancel ?? new CancelSignal(),
      force: request.force ?? new CancelSignal(),
      tempDir,
      baseEnv: {
        ...hostEnv,
        ...githubEnv(github, eventPath),
        ...services.env,
        RUNNER_TEMP: tempDir,
        // The run has no page on github.com: the actions name it "local run <id>" instead.
        [LOCAL_RUN_VARIABLE]: 'true',
        ...(request.verbose ? { RUNNER_DEBUG: '1' } : {})
      },
      workflowEnv: {}
    }
    run.workflowEnv = evaluateTextMap(
      workflow.template.env,
      { github, inputs, vars: request.vars, secrets },
      workflow.file
    )
    const outcome = await runWorkflowInGroup(
      run,
      {
        slots: new Slots(Math.max(1, request.maxParallel)),
        groups: request.concurrency ?? new ConcurrencyGroups()
      },
      ''
    )
    reporter.finish()
    for (const done of store.activity.slice(activityBefore)) {
      reporter.note(`local GitHub API: ${done}`)
    }
    const failed = Object.values(outcome.jobs).some(
      job => job.result === 'failure' || job.result === 'cancelled'
    )
    return { exitCode: failed ? 1 : 0, rows: outcome.rows, outcome, jobs: journal.jobs }
  } finally {
    await services.stop()
    rmSync(tempDir, { recursive: true, force: true })
  }
}

function nameOf(workflow: { root: unknown }): string | undefined {
  const root = workflow.root as { find?: (key: string) => { value?: unknown } | undefined }
  const value = root.find?.('name')?.value
  return typeof value === 'string' ? value : undefined
}
