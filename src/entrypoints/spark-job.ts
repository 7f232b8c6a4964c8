import { errorMessage, UserError } from '../core/errors.js'
import {
  actionInputs,
  actionLogger,
  actionState,
  runAction,
  setOutputs,
  writeSummary
} from '../core/runner.js'
import { createEmrClients } from '../emr/clients.js'
import { sparkJobOutputs, sparkJobSummary } from '../emr/report.js'
import { readSparkJobSettings } from '../emr/settings.js'
import { runSparkJob } from '../emr/spark-job.js'
import { sparkJobRecord } from '../records/details.js'
import { openLake } from '../records/open-lake.js'
import { RunRecorder, US_EAST_1_PRICES } from '../records/index.js'
import { readPrices, readRecordTarget } from '../records/target.js'

// The runner sends SIGINT when the workflow is cancelled (SIGTERM 7.5 s later): the job run
// is cancelled at once instead of the process dying with the run still billing.
const cancelled = new AbortController()
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    actionLogger.warning(`Received ${signal}: stopping`)
    cancelled.abort(new Error(`received ${signal}`))
  })
}

await runAction(async () => {
  const inputs = actionInputs()
  const settings = readSparkJobSettings(inputs)
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd()
  const target = readRecordTarget(inputs, process.env, workspace, { defaultTask: 'spark-job' })
  const prices = readPrices(inputs, US_EAST_1_PRICES)
  const recorder = new RunRecorder(
    target,
    target && openLake(target.root, settings.aws),
    actionLogger
  )
  await recorder.start()
  const outcome = await runSparkJob(settings, {
    ...createEmrClients(settings.aws),
    logger: actionLogger,
    state: actionState,
    signal: cancelled.signal
  }).catch(async (error: unknown) => {
    await recorder.finish('failure', { message: errorMessage(error).split('\n')[0] ?? '' })
    throw error
  })
  const record = sparkJobRecord(outcome, prices)
  await recorder.finish(record.state, record.details)
  setOutputs(sparkJobOutputs(outcome))
  await writeSummary(sparkJobSummary(outcome))
  if (outcome.failure) throw new UserError(outcome.failure)
})
