import { WatchdogDefault, WatchdogInput, WatchdogOutput } from '../constants/watchdog.js'
import { parseTimestamp } from '../core/calendar.js'
import { InputError, UserError } from '../core/errors.js'
import { githubRequest } from '../core/github.js'
import { parseRepository } from '../core/github-rest.js'
import { safeMd, table } from '../core/markdown.js'
import { runLink, runReference } from '../core/run-reference.js'
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
  const token = inputs.string(WatchdogInput.GithubToken)
  const webhookUrl = inputs.string(WatchdogInput.WebhookUrl)
  maskSecret(token)
  maskSecret(webhookUrl)
  if (webhookUrl && !/^https?:\/\/[^\s/]+/i.test(webhookUrl)) {
    throw new InputError(WatchdogInput.WebhookUrl, 'an http(s) URL')
  }
  const target = readLedgerTarget(inputs, env, env.GITHUB_WORKSPACE || process.cwd())
  const sla = parseTimeOfDay(
    inputs.string(WatchdogInput.Sla, WatchdogDefault.Sla),
    WatchdogInput.Sla
  )
  const days = inputs.integer(WatchdogInput.Days, WatchdogDefault.Days, { min: 1, max: 31 })
  const workflow = inputs.string(WatchdogInput.Workflow, WatchdogDefault.Workflow)
  const keepEnabled = inputs.list(WatchdogInput.KeepEnabled)
  for (const [name, value] of [
    [WatchdogInput.Workflow, workflow],
    ...keepEnabled.map(file => [WatchdogInput.KeepEnabled, file])
  ]) {
    if (!WORKFLOW_FILE.test(value!))
      throw new InputError(name!, 'a workflow file name such as daily-customer-etl.yml', value)
  }
  const ref = inputs.required(WatchdogInput.Ref, 'the branch a dispatched run uses')
  if (!token)
    inputs.required(WatchdogInput.GithubToken, 'a token with actions: write and issues: write')
  const repository = parseRepository(env.GITHUB_REPOSITORY)
  const request = githubRequest(token, { logger: actionLogger })
  const now = inputs.has(WatchdogInput.RunCreatedAt)
    ? parseTimestamp(inputs.raw(WatchdogInput.RunCreatedAt), WatchdogInput.RunCreatedAt)
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
    dispatch: inputs.boolean(WatchdogInput.Dispatch, WatchdogDefault.Dispatch),
    label: inputs.string(WatchdogInput.Label, WatchdogDefault.Label),
    webhookUrl,
    run: runLink(runReference(env)),
    logger: actionLogger
  })
  for (const line of result.lines) actionLogger.info(line)
  setOutputs({
    [WatchdogOutput.Overdue]: JSON.stringify(result.watch.overdue),
    [WatchdogOutput.BlockedDate]: result.watch.blocked?.date ?? '',
    [WatchdogOutput.WorkflowState]: result.state,
    [WatchdogOutput.Dispatched]: result.dispatched,
    [WatchdogOutput.IssueNumber]: result.alert?.issueNumber ?? ''
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
