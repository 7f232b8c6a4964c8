import { QualityGateOutput } from '../constants/quality-gate.js'
import { UserError } from '../core/errors.js'
import { actionInputs, actionLogger, runAction, setOutputs, writeSummary } from '../core/runner.js'
import {
  createMetricsStore,
  readGateConfig,
  readMode,
  readPrepareConfig
} from '../quality/config.js'
import { failureMessage, runQualityGate } from '../quality/gate.js'
import { prepareRules } from '../quality/prepare.js'
import { qualityRecord } from '../records/details.js'
import { RunRecorder } from '../records/index.js'
import { openLake } from '../records/open-lake.js'
import { readRecordTarget } from '../records/target.js'
import { errorMessage } from '../core/errors.js'

await runAction(async () => {
  const inputs = actionInputs()
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd()
  if (readMode(inputs) === 'prepare') {
    const prepared = prepareRules(readPrepareConfig(inputs, workspace))
    setOutputs({
      [QualityGateOutput.RulesJson]: prepared.path,
      [QualityGateOutput.RulesJsonName]: prepared.name
    })
    await writeSummary(prepared.summary)
    actionLogger.info(
      `Rules ${prepared.ruleSet.file} valid: ${prepared.ruleSet.rules.length} rules, ` +
        `${prepared.metrics.length} metrics; normalised rules JSON written to ${prepared.path}`
    )
    return
  }
  const config = readGateConfig(inputs, process.env, workspace)
  const target = readRecordTarget(inputs, process.env, workspace, { defaultTask: 'quality-gate' })
  const recorder = new RunRecorder(
    target,
    target && openLake(target.root, config.aws),
    actionLogger
  )
  await recorder.start()
  const outcome = await runQualityGate({
    ...config,
    store: createMetricsStore(config, process.env),
    ...(config.resultsRoot
      ? { resultsStore: createMetricsStore(config, process.env, config.resultsRoot) }
      : {}),
    logger: actionLogger
  }).catch(async (error: unknown) => {
    await recorder.finish('failure', { message: errorMessage(error).split('\n')[0] ?? '' })
    throw error
  })
  const record = qualityRecord(outcome.results)
  await recorder.finish(record.state, record.details)
  const { results } = outcome
  setOutputs({
    [QualityGateOutput.Passed]: results.passed,
    [QualityGateOutput.Failed]: results.failed,
    [QualityGateOutput.Warnings]: results.warnings,
    [QualityGateOutput.Results]: JSON.stringify(results)
  })
  await writeSummary(outcome.summary)
  if (!results.passed) throw new UserError(failureMessage(results))
  actionLogger.info(
    `Data quality passed: ${results.results.length} rules, ${results.warnings} warnings`
  )
})
