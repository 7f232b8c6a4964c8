import { PipelineDatesDefault, PipelineDatesInput } from '../constants/pipeline-dates.js'
import { parseTimestamp } from '../core/calendar.js'
import { CertainFailure, errorMessage, UserError } from '../core/errors.js'
import { githubRequest } from '../core/github.js'
import { parseRepository } from '../core/github-rest.js'
import {
  actionInputs,
  actionLogger,
  maskSecret,
  runAction,
  setOutputs,
  writeSummary
} from '../core/runner.js'
import {
  DATES_MODES,
  readClaimSettings,
  readLedgerTarget,
  readNeeds,
  readPlanSettings
} from '../pipeline/dates-inputs.js'
import {
  claimStep,
  finishStep,
  planStep,
  reportStep,
  type LedgerDeps,
  type StepResult
} from '../pipeline/dates-steps.js'
import { supersededDates } from '../pipeline/run-annotations.js'
import { getWorkflowRun } from '../pipeline/workflow-run.js'
import { openLake } from '../records/open-lake.js'

await runAction(async () => {
  const inputs = actionInputs()
  const env = process.env
  const mode = inputs.choice(PipelineDatesInput.Mode, DATES_MODES, PipelineDatesDefault.Mode)
  const token = inputs.string(PipelineDatesInput.GithubToken)
  maskSecret(token)
  const warn = (message: string): void => actionLogger.warning(message)
  const ledger = (): LedgerDeps => {
    const target = readLedgerTarget(inputs, env, env.GITHUB_WORKSPACE || process.cwd())
    return { lake: openLake(target.root, target.aws), pipeline: target.pipeline, env, warn }
  }
  const github = () => ({
    request: githubRequest(token, { logger: actionLogger }),
    repository: parseRepository(env.GITHUB_REPOSITORY),
    runId: Number(env.GITHUB_RUN_ID)
  })

  let result: StepResult
  if (mode === 'plan') {
    const deps = ledger()
    const settings = readPlanSettings(inputs, env)
    let runCreatedAt = inputs.has(PipelineDatesInput.RunCreatedAt)
      ? parseTimestamp(inputs.raw(PipelineDatesInput.RunCreatedAt), PipelineDatesInput.RunCreatedAt)
      : undefined
    if (!runCreatedAt && !settings.date) {
      if (!token)
        inputs.required(PipelineDatesInput.GithubToken, 'a token to read the run creation time')
      const { request, repository, runId } = github()
      runCreatedAt = (await getWorkflowRun(request, repository, runId)).createdAt
    }
    result = await planStep(settings, runCreatedAt ?? new Date(), deps)
  } else if (mode === 'claim') {
    const deps = ledger()
    result = await claimStep(readClaimSettings(inputs), deps)
  } else if (mode === 'finish') {
    const deps = ledger()
    const date = readClaimSettings(inputs).date
    const needs = readNeeds(inputs)
    const lastTask = inputs.required(
      PipelineDatesInput.LastTask,
      'the job whose success completes the date'
    )
    result = await finishStep(date, needs, lastTask, deps)
  } else {
    const needs = readNeeds(inputs)
    result = await reportStep(
      needs,
      inputs.string(PipelineDatesInput.PlanJob, PipelineDatesDefault.PlanJob),
      inputs.list(PipelineDatesInput.DateJobs),
      async dates => {
        if (!token || !env.GITHUB_RUN_ID) return new Set()
        try {
          const { request, repository, runId } = github()
          return await supersededDates(request, repository, runId, dates)
        } catch (error) {
          warn(`Could not tell a superseded date from a cancelled one: ${errorMessage(error)}`)
          return new Set()
        }
      }
    )
  }
  for (const line of result.lines) actionLogger.info(line)
  setOutputs(result.outputs)
  await writeSummary(result.summary)
  if (result.failure) {
    const { message, certain } = result.failure
    throw certain ? new CertainFailure(message) : new UserError(message)
  }
})
