import { parseTimestamp } from '../core/calendar.js'
import { InputError, UserError } from '../core/errors.js'
import { githubRequest } from '../core/github.js'
import { parseRepository } from '../core/github-rest.js'
import { safeMd, table } from '../core/markdown.js'
import {
  actionInputs,
  actionLogger,
  maskSecret,
  runAction,
  setOutputs,
  writeSummary
} from '../core/runner.js'
import { openDateBook } from '../pipeline/date-ledger.js'
import { readLedgerTarget } from '../pipeline/dates-inputs.js'
import { parseTimeOfDay } from '../pipeline/watchdog.js'
import { runWatchdog } from '../pipeline/watchdog-run.js'
import { getWorkflowRun } from '../pipeline/workflow-run.js'
import { openLake } from '../records/open-lake.js'

const WORKFLOW_FILE = /^[\w.-]+\.ya?ml$/

await runAction(async () => {
  const inputs = actionInputs()
  const env = process.env
  const token = inputs.string('github-token')
  const webhookUrl = inputs.string('webhook-url')
  maskSecret(token)
  maskSecret(webhookUrl)
  if (webhookUrl && !/^https?:\/\/[^\s/]+/i.test(webhookUrl)) {
    throw new InputError('webhook-url', 'an http(s) URL')
  }
  const target = readLedgerTarget(inputs, env, env.GITHUB_WORKSPACE || process.cwd())
  const sla = parseTimeOfDay(inputs.string('sla', '06:00'), 'sla')
  const days = inputs.integer('days', 7, { min: 1, max: 31 })
  const workflow = inputs.string('workflow', 'daily-customer-etl.yml')
  const keepEnabled = inputs.list('keep-enabled')
  for (const [name, value] of [
    ['workflow', workflow],
    ...keepEnabled.map(file => ['keep-enabled', file])
  ]) {
    if (!WORKFLOW_FILE.test(value!))
      throw new InputError(name!, 'a workflow file name such as daily-customer-etl.yml', value)
  }
  const ref = inputs.required('ref', 'the branch a dispatched run uses')
  if (!token) inputs.required('github-token', 'a token with actions: write and issues: write')
  const repository = parseRepository(env.GITHUB_REPOSITORY)
  const request = githubRequest(token, { logger: actionLogger })
  const now = inputs.has('run-created-at')
    ? parseTimestamp(inputs.raw('run-created-at'), 'run-created-at')
    : (await getWorkflowRun(request, repository, Number(env.GITHUB_RUN_ID))).createdAt
  const book = await openDateBook(
    openLake(target.root, target.aws),
    target.pipeline,
    undefined,
    message => actionLogger.warning(message)
  )
  const result = await runWatchdog({
    request,
    repository,
    book,
    now,
    sla,
    days,
    pipeline: target.pipeline,
    workflow,
    keepEnabled,
    ref,
    dispatch: inputs.boolean('dispatch', true),
    label: inputs.string('label', 'pipeline-failure'),
    webhookUrl,
    runUrl: `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY ?? ''}/actions/runs/${env.GITHUB_RUN_ID ?? ''}`,
    logger: actionLogger
  })
  for (const line of result.lines) actionLogger.info(line)
  setOutputs({
    overdue: JSON.stringify(result.watch.overdue),
    'blocked-date': result.watch.blocked?.date ?? '',
    'workflow-state': result.state,
    dispatched: result.dispatched,
    'issue-number': result.alert?.issueNumber ?? ''
  })
  await writeSummary(
    safeMd`### ${result.failing ? '❌' : '✅'} Watchdog: ${result.watch.overdue.length} overdue date(s)

${table(
  ['', ''],
  result.lines.map(line => ['', line])
)}`
  )
  const failures = result.alert?.failures ?? []
  if (failures.length) throw failures[0]
  if (result.failing)
    throw new UserError(
      result.lines.find(line => line.startsWith('Overdue') || line.includes(' is ')) ??
        'the pipeline is behind'
    )
})
