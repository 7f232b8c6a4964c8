import { isWebUrl, link, safeMd } from '../core/markdown.js'
import { errorMessage, InputError } from '../core/errors.js'
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
  const token = inputs.string('github-token')
  const webhookUrl = inputs.string('webhook-url')
  maskSecret(token)
  maskSecret(webhookUrl)

  inputs.required('status', 'success, failure or skipped')
  const status = inputs.choice('status', ['success', 'failure', 'skipped'] as const, 'failure')
  if (webhookUrl && !/^https?:\/\/[^\s/]+/i.test(webhookUrl)) {
    // The value is a secret: the error must not echo it.
    throw new InputError('webhook-url', 'an http(s) URL')
  }
  const env = process.env
  const pipeline = inputs.string('pipeline', env.GITHUB_WORKFLOW ?? '')
  if (!pipeline) inputs.required('pipeline', 'the pipeline name')
  oneLine('pipeline', pipeline, 100)
  const runUrl = inputs.string(
    'run-url',
    `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY ?? ''}/actions/runs/${env.GITHUB_RUN_ID ?? ''}`
  )
  if (!isWebUrl(runUrl)) throw new InputError('run-url', 'an http(s) URL of the run', runUrl)
  const outcome = {
    status,
    pipeline,
    logicalDate: inputs.string('logical-date', 'an unresolved date'),
    failedJobs: parseFailedJobs(inputs.raw('failed-jobs')),
    errorExcerpt: inputs.string('error-excerpt'),
    runUrl,
    details: inputs.lines('details'),
    oncePerStreak: inputs.string('once-per-streak')
  }
  // GitHub's own limit for a label's name.
  const label = oneLine('label', inputs.string('label', 'pipeline-failure'), 50)
  if (!token) inputs.required('github-token', 'a token with issues: write')
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
  setOutputs({ 'issue-number': result.issueNumber ?? '', action: result.action })
  const issue = result.issueUrl
    ? safeMd` · issue ${link(`#${result.issueNumber}`, result.issueUrl)} ${result.action}`
    : ''
  await writeSummary(safeMd`### ${result.summary}

${link('Workflow run', runUrl)}${issue}
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
