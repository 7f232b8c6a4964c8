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
import { autoRetry, GITHUB_MAX_ATTEMPTS } from '../pipeline/auto-retry.js'
import { parseRepository } from '../core/github-rest.js'

await runAction(async () => {
  const inputs = actionInputs()
  const token = inputs.string('github-token')
  maskSecret(token)
  inputs.required('run-id', 'the id of the failed workflow run')
  const runId = inputs.integer('run-id', 0, { min: 1 })
  const workflow = inputs.required('workflow', "the watched workflow's file name")
  const maxAttempts = inputs.integer('max-attempts', 3, { min: 1, max: GITHUB_MAX_ATTEMPTS })
  const delayMs = inputs.duration('delay', '5m', { min: 0, max: 3_600_000 })
  const events = inputs.list('events')
  if (!token) inputs.required('github-token', 'a token with actions: write')
  const repository = parseRepository(process.env.GITHUB_REPOSITORY)

  const request = githubRequest(token, { logger: actionLogger })
  const result = await autoRetry(request, {
    repository,
    runId,
    policy: {
      workflow,
      maxAttempts,
      delayMs,
      events: events.length ? events : ['schedule', 'workflow_dispatch']
    },
    clock: systemClock,
    logger: actionLogger
  })
  setOutputs({ retried: result.retried, reason: result.reason, 'run-attempt': result.runAttempt })
  const link = result.runUrl ? ` ([run](${result.runUrl}))` : ''
  await writeSummary(
    `### Auto-retry: ${result.retried ? 're-running failed jobs' : 'no re-run'}\n\n${result.reason}${link}\n`
  )
})
