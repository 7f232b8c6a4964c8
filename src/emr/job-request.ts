import type {
  ConfigurationOverrides as ServiceOverrides,
  JobDriver,
  StartJobRunCommandInput
} from '@aws-sdk/client-emr-serverless'
import type { Logger } from '../core/log.js'
import type { EmrClients } from './clients.js'
import { CLIENT_TOKEN_TAG } from './job-runs.js'
import type { SparkJobSettings } from './settings.js'
import { placeSparkConf, sparkSubmitParameters } from './spark-submit.js'
import { stageJobFile } from './staging.js'

/** The StartJobRun request of one submission; `clientToken` is new for each submission. */
export function startJobRunRequest(
  settings: SparkJobSettings,
  applicationId: string,
  jobDriver: JobDriver,
  clientToken: string
): StartJobRunCommandInput & { applicationId: string; name: string } {
  return {
    applicationId,
    name: settings.runName,
    clientToken,
    executionRoleArn: settings.executionRoleArn,
    jobDriver,
    configurationOverrides: configurationOverrides(settings),
    tags: { ...settings.tags, [CLIENT_TOKEN_TAG]: clientToken },
    executionTimeoutMinutes: settings.executionTimeoutMinutes
  }
}

/** Stages the repository files, then the sparkSubmit driver that uses their S3 copies. */
export async function buildJobDriver(
  settings: SparkJobSettings,
  { s3 }: Pick<EmrClients, 's3'>,
  logger: Logger
): Promise<JobDriver> {
  const stage = (file: SparkJobSettings['entryPoint']) =>
    stageJobFile(s3, file, settings.stagingUri, logger)
  const entryPoint = await stage(settings.entryPoint)
  const files: string[] = []
  for (const file of settings.files) files.push(await stage(file))
  const pyFiles: string[] = []
  for (const file of settings.pyFiles) pyFiles.push(await stage(file))
  const { submitParameters, sparkDefaults } = placeSparkConf(settings.sparkConf)
  for (const key of Object.keys(sparkDefaults)) {
    logger.info(
      `spark-conf ${key}: its value holds spaces or quotes, so it is passed as a spark-defaults property (configurationOverrides), not as --conf`
    )
  }
  const parameters = sparkSubmitParameters({
    sparkConf: submitParameters,
    files,
    pyFiles,
    raw: settings.sparkSubmitParameters
  })
  return {
    sparkSubmit: {
      entryPoint,
      ...(settings.entryPointArguments.length
        ? { entryPointArguments: settings.entryPointArguments }
        : {}),
      ...(parameters ? { sparkSubmitParameters: parameters } : {})
    }
  }
}

/**
 * The overrides as given, with `log-uri` (when set) as the S3 log location and the
 * `spark-conf` values that `--conf` cannot carry as `spark-defaults` properties (over the
 * given ones of the same key, as `--conf` would be).
 */
export function configurationOverrides(settings: SparkJobSettings): ServiceOverrides | undefined {
  const overrides = settings.configurationOverrides
    ? structuredClone(settings.configurationOverrides)
    : {}
  const { sparkDefaults } = placeSparkConf(settings.sparkConf)
  if (Object.keys(sparkDefaults).length) {
    const classifications = (overrides.applicationConfiguration ??= []) as Record<string, unknown>[]
    const existing = classifications.find(entry => entry?.classification === 'spark-defaults')
    if (existing) {
      const properties = existing.properties
      existing.properties = {
        ...(typeof properties === 'object' && properties !== null ? properties : {}),
        ...sparkDefaults
      }
    } else {
      classifications.push({ classification: 'spark-defaults', properties: sparkDefaults })
    }
  }
  if (settings.logUri) {
    const monitoring = (overrides.monitoringConfiguration ??= {}) as Record<string, unknown>
    const s3 = (monitoring.s3MonitoringConfiguration ?? {}) as Record<string, unknown>
    monitoring.s3MonitoringConfiguration = { ...s3, logUri: `${settings.logUri}/` }
  }
  // Checked in settings to be an object with the service's shape; the service validates the rest.
  return Object.keys(overrides).length ? (overrides as ServiceOverrides) : undefined
}
