import { AutoRetryDefault, AutoRetryInput, AutoRetryOutput } from '../constants/auto-retry.js'
import { parseRepository } from '../core/github-rest.js'
import { githubRequest } from '../core/github.js'
import {
  actionInputs,
  actionLogger,
  maskSecret,
  runAction,
  setOutputs,
  writeSummary
} from '../core/runner.js'
import { systemClock } from '../core/sleep.js'
import { autoRetry, GITHUB_MAX_RERUNS } from '../pipeline/auto-retry.js'
import { readRetryDelayPolicy } from '../core/retry-delay.js'
import { link, safeMd } from '../core/markdown.js'

const HOUR_MS = 3_600_000

await runAction(async () => {
  const inputs = actionInputs()
  const token = inputs.string(AutoRetryInput.GithubToken)
  maskSecret(token)
  inputs.required(AutoRetryInput.RunId, 'the id of the failed workflow run')
  const runId = inputs.integer(AutoRetryInput.RunId, 0, { min: 1 })
  const workflow = inputs.required(AutoRetryInput.Workflow, "the watched workflow's file name")
  const retries = inputs.integer(AutoRetryInput.Retries, AutoRetryDefault.Retries, {
    min: 0,
    max: GITHUB_MAX_RERUNS
  })
  const delay = readRetryDelayPolicy(inputs, AutoRetryDefault, {
    maxDelayMs: HOUR_MS,
    maxCapMs: 6 * HOUR_MS
  })
  const timeoutMs = inputs.duration(AutoRetryInput.Timeout, AutoRetryDefault.Timeout, {
    min: 1000,
    max: 72 * HOUR_MS
  })
  const pollIntervalMs = inputs.duration(
    AutoRetryInput.PollInterval,
    AutoRetryDefault.PollInterval,
    { min: 1000, max: HOUR_MS }
  )
  const events = inputs.list(AutoRetryInput.Events)
  if (!token) inputs.required(AutoRetryInput.GithubToken, 'a token with actions: write')
  const repository = parseRepository(process.env.GITHUB_REPOSITORY)

  const request = githubRequest(token, { logger: actionLogger })
  const result = await autoRetry(request, {
    repository,
    runId,
    policy: {
      workflow,
      retries,
      delay,
      events: events.length ? events : AutoRetryDefault.Events.split(', ')
    },
    timeoutMs,
    pollIntervalMs,
    clock: systemClock,
    logger: actionLogger
  })
  setOutputs({
    [AutoRetryOutput.Retried]: result.reruns > 0,
    [AutoRetryOutput.Reruns]: result.reruns,
    [AutoRetryOutput.Reason]: result.reason,
    [AutoRetryOutput.RunAttempt]: result.runAttempt,
    [AutoRetryOutput.Conclusion]: result.conclusion
  })
  const run = result.runUrl ? safeMd` (${link('run', result.runUrl)})` : ''
  const title = result.reruns ? `${result.reruns} re-run(s), run ${result.conclusion}` : 'no re-run'
  await writeSummary(safeMd`### Auto-retry: ${title}

${result.reason}${run}
`)
})
