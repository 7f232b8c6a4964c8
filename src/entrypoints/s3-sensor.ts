import { S3SensorOutput } from '../constants/s3-sensor.js'
import { errorMessage, UserError } from '../core/errors.js'
import { actionInputs, actionLogger, runAction, setOutputs, writeSummary } from '../core/runner.js'
import { systemClock } from '../core/sleep.js'
import { createS3Client } from '../core/aws-clients.js'
import { sensorRecord } from '../records/details.js'
import { RunRecorder } from '../records/index.js'
import { openLake } from '../records/open-lake.js'
import { readRecordTarget } from '../records/target.js'
import { readSensorConfig } from '../s3/config.js'
import { S3Lister } from '../s3/lister.js'
import { sensorErrorSummary, sensorOutputs, sensorSummary } from '../s3/report.js'
import { runSensor } from '../s3/sensor.js'

await runAction(async () => {
  const inputs = actionInputs()
  const config = readSensorConfig(inputs)
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd()
  const target = readRecordTarget(inputs, process.env, workspace, { defaultTask: 's3-sensor' })
  const recorder = new RunRecorder(
    target,
    target && openLake(target.root, config.aws),
    actionLogger
  )
  await recorder.start()
  const lister = new S3Lister(createS3Client(config.aws), config.target.bucket)
  const result = await runSensor({
    ...config,
    lister,
    clock: systemClock,
    logger: actionLogger
  }).catch(async (error: unknown) => {
    setOutputs({ [S3SensorOutput.Found]: false })
    await writeSummary(sensorErrorSummary(config, errorMessage(error)))
    await recorder.finish('failure', { message: errorMessage(error).split('\n')[0] ?? '' })
    throw error
  })
  const record = sensorRecord(result, new Date(), config.timing.softFail)
  await recorder.finish(record.state, record.details)
  setOutputs({ ...sensorOutputs(result) })
  await writeSummary(sensorSummary(config, result))
  if (result.found) actionLogger.info(result.message)
  else if (config.timing.softFail)
    actionLogger.warning(`${result.message} (soft-fail: found=false)`)
  else throw new UserError(result.message)
})
