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
  const token = inputs.string('github-token')
  maskSecret(token)
  inputs.required('run-id', 'the id of the failed workflow run')
  const runId = inputs.integer('run-id', 0, { min: 1 })
  const workflow = inputs.required('workflow', "the watched workflow's file name")
  const retries = inputs.integer('retries', 3, { min: 0, max: GITHUB_MAX_RERUNS })
  const delay = readRetryDelayPolicy(inputs, { maxDelayMs: HOUR_MS, maxCapMs: 6 * HOUR_MS })
  const timeoutMs = inputs.duration('timeout', '5h30m', { min: 1000, max: 72 * HOUR_MS })
  const pollIntervalMs = inputs.duration('poll-interval', '1m', { min: 1000, max: HOUR_MS })
  const events = inputs.list('events')
  if (!token) inputs.required('github-token', 'a token with actions: write')
  const repository = parseRepository(process.env.GITHUB_REPOSITORY)

  const request = githubRequest(token, { logger: actionLogger })
  const result = await autoRetry(request, {
    repository,
    runId,
    policy: {
      workflow,
      retries,
      delay,
      events: events.length ? events : ['schedule', 'workflow_dispatch']
    },
    timeoutMs,
    pollIntervalMs,
    clock: systemClock,
    logger: actionLogger
  })
  setOutputs({
    retried: result.reruns > 0,
    reruns: result.reruns,
    reason: result.reason,
    'run-attempt': result.runAttempt,
    conclusion: result.conclusion
  })
  const run = result.runUrl ? safeMd` (${link('run', result.runUrl)})` : ''
  const title = result.reruns ? `${result.reruns} re-run(s), run ${result.conclusion}` : 'no re-run'
  await writeSummary(safeMd`### Auto-retry: ${title}

${result.reason}${run}
`)
})
