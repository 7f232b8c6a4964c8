import { NotifyDefault, NotifyInput, NotifyOutput } from '../constants/notify.js'
import { isWebUrl, link, safeMd } from '../core/markdown.js'
import { errorMessage, InputError } from '../core/errors.js'
import { runLink, runReference } from '../core/run-reference.js'
import { githubRequest } from '../core/github.js'
import {
  actionInputs,
  actionLogger,
  maskSecret,
  runAction,
  setOutputs,
  writeSummary
} from '../core/runner.js'
import { parseFailedJobs } from '../notify/failed-jobs.js'
import { notify } from '../notify/notify.js'
import { parseRepository } from '../core/github-rest.js'

await runAction(async () => {
  const inputs = actionInputs()
  // Masked before anything can print them.
  const token = inputs.string(NotifyInput.GithubToken)
  const webhookUrl = inputs.string(NotifyInput.WebhookUrl)
  maskSecret(token)
  maskSecret(webhookUrl)

  inputs.required(NotifyInput.Status, 'success, failure or skipped')
  const status = inputs.choice(
    NotifyInput.Status,
    ['success', 'failure', 'skipped'] as const,
    'failure'
  )
  if (webhookUrl && !/^https?:\/\/[^\s/]+/i.test(webhookUrl)) {
    // The value is a secret: the error must not echo it.
    throw new InputError(NotifyInput.WebhookUrl, 'an http(s) URL')
  }
  const env = process.env
  const pipeline = inputs.string(NotifyInput.Pipeline, env.GITHUB_WORKFLOW ?? '')
  if (!pipeline) inputs.required(NotifyInput.Pipeline, 'the pipeline name')
  oneLine(NotifyInput.Pipeline, pipeline, 100)
  const runUrl = inputs.string(NotifyInput.RunUrl)
  if (runUrl && !isWebUrl(runUrl))
    throw new InputError(NotifyInput.RunUrl, 'an http(s) URL of the run', runUrl)
  const run = runLink(runReference(env), runUrl)
  const outcome = {
    status,
    pipeline,
    logicalDate: inputs.string(NotifyInput.LogicalDate, 'an unresolved date'),
    failedJobs: parseFailedJobs(inputs.raw(NotifyInput.FailedJobs)),
    errorExcerpt: inputs.string(NotifyInput.ErrorExcerpt),
    run,
    details: inputs.lines(NotifyInput.Details),
    oncePerStreak: inputs.string(NotifyInput.OncePerStreak)
  }
  // GitHub's own limit for a label's name.
  const label = oneLine(
    NotifyInput.Label,
    inputs.string(NotifyInput.Label, NotifyDefault.Label),
    50
  )
  if (!token) inputs.required(NotifyInput.GithubToken, 'a token with issues: write')
  const repository = parseRepository(env.GITHUB_REPOSITORY)

  const request = githubRequest(token, { logger: actionLogger })
  const result = await notify(request, {
    repository,
    outcome,
    label,
    webhookUrl,
    logger: actionLogger,
    evidenceRunId: Number(env.GITHUB_RUN_ID) || undefined
  })
  setOutputs({
    [NotifyOutput.IssueNumber]: result.issueNumber ?? '',
    [NotifyOutput.Action]: result.action
  })
  const issue = result.issueUrl
    ? safeMd` · issue ${link(`#${result.issueNumber}`, result.issueUrl)} ${result.action}`
    : ''
  await writeSummary(safeMd`### ${result.summary}

${run.url ? link('Workflow run', run.url) : safeMd`Workflow run: ${run.name}`}${issue}
`)
  for (const extra of result.failures.slice(1)) actionLogger.error(errorMessage(extra))
  if (result.failures.length) throw result.failures[0]
})

/** A name on one line, at most `max` characters, without control characters. */
function oneLine(name: string, value: string, max: number): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (value.length > max || /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value)) {
    throw new InputError(name, `one line of at most ${max} characters`, value)
  }
  return value
}
