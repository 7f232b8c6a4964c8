import { UserError } from '../core/errors.js'
import { actionInputs, actionLogger, runAction, setOutputs, writeSummary } from '../core/runner.js'
import { createMetricsStore, readGateConfig } from '../quality/config.js'
import { failureMessage, runQualityGate } from '../quality/gate.js'

await runAction(async () => {
  const config = readGateConfig(
    actionInputs(),
    process.env,
    process.env.GITHUB_WORKSPACE ?? process.cwd()
  )
  const outcome = await runQualityGate({
    ...config,
    store: createMetricsStore(config, process.env),
    logger: actionLogger
  })
  const { results } = outcome
  setOutputs({
    passed: results.passed,
    failed: results.failed,
    warnings: results.warnings,
    results: JSON.stringify(results)
  })
  await writeSummary(outcome.summary)
  if (!results.passed) throw new UserError(failureMessage(results))
  actionLogger.info(
    `Data quality passed: ${results.results.length} rules, ${results.warnings} warnings`
  )
})
