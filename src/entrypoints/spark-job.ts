import { UserError } from '../core/errors.js'
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
  const settings = readSparkJobSettings(actionInputs())
  const outcome = await runSparkJob(settings, {
    ...createEmrClients(settings.aws),
    logger: actionLogger,
    state: actionState,
    signal: cancelled.signal
  })
  setOutputs(sparkJobOutputs(outcome))
  await writeSummary(sparkJobSummary(outcome))
  if (outcome.failure) throw new UserError(outcome.failure)
})
