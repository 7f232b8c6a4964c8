import { SparkJobDefault, SparkJobInput } from '../constants/spark-job.js'
import { existsSync, realpathSync, statSync } from 'node:fs'
import path from 'node:path'
import { awsClientSettings, type AwsClientSettings } from '../core/aws.js'
import { isIsoDate } from '../core/calendar.js'
import { InputError } from '../core/errors.js'
import { isS3Uri } from '../core/s3-uri.js'
import type { Inputs } from '../core/inputs.js'
import { readRetryDelayPolicy, type RetryDelayPolicy } from '../core/retry-delay.js'
import { logicalRunName, runTags } from './run-identity.js'

/** A file the job needs: already in S3, or in the repository (staged before the run). */
export type JobFile = { kind: 's3'; uri: string } | { kind: 'local'; path: string; shown: string }

export interface ConfigurationOverrides {
  applicationConfiguration?: unknown[]
  monitoringConfiguration?: Record<string, unknown>
  [key: string]: unknown
}

/** Everything the Spark-job action does, validated before the first request. */
export interface SparkJobSettings {
  application: string
  executionRoleArn: string
  entryPoint: JobFile
  entryPointArguments: string[]
  sparkConf: Record<string, string>
  sparkSubmitParameters: string
  files: JobFile[]
  pyFiles: JobFile[]
  configurationOverrides?: ConfigurationOverrides | undefined
  /** Where the driver logs land (`log-uri`, or the overrides' s3MonitoringConfiguration). */
  logUri?: string | undefined
  stagingUri?: string | undefined
  runName: string
  tags: Record<string, string>
  executionTimeoutMinutes: number
  wait: boolean
  waitTimeoutMs: number
  pollIntervalMinMs: number
  pollIntervalMaxMs: number
  retries: number
  /** Exit codes of a FAILED run that no re-submission can change (the jobs' refusals). */
  noRetryExitCodes: number[]
  /** The pause before each re-submission of a failed run. */
  retryDelay: RetryDelayPolicy
  cancelOnAbort: boolean
  aws: AwsClientSettings
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/
/**
 * URIs reach EMR Serverless and Spark as written: in lower case, and without spaces, which
 * would split one in two inside spark-submit parameters.
 */
const isS3Prefix = (text: string): boolean =>
  text.startsWith('s3://') && !/\s/.test(text) && isS3Uri(text)
const isS3Object = (text: string): boolean =>
  isS3Prefix(text) && isS3Uri(text, { keyRequired: true })
const CONF_KEY = /^[A-Za-z0-9_.-]+$/

/** EMR Serverless's pattern for an application name (an ID is a name of [0-9a-z]). */
const APPLICATION = /^[A-Za-z0-9._/#-]{1,64}$/

/**
 * Reads and checks every input. Throws an InputError naming the first bad one, so nothing is
 * uploaded or started when any input is wrong.
 */
export function readSparkJobSettings(
  inputs: Inputs,
  env: NodeJS.ProcessEnv = process.env,
  workspace: string = env.GITHUB_WORKSPACE || process.cwd()
): SparkJobSettings {
  const application = inputs.required(
    SparkJobInput.Application,
    'an EMR Serverless application ID or name'
  )
  // The service's own pattern for an ID or a name, and no `..` step: the value ends up in a
  // request path and in log lines.
  if (!APPLICATION.test(application) || /(^|\/)\.\.(\/|$)/.test(application)) {
    throw new InputError(
      SparkJobInput.Application,
      'an EMR Serverless application ID or name (1 to 64 of A-Z a-z 0-9 . _ - / #)',
      application
    )
  }
  const executionRoleArn = inputs.required(
    SparkJobInput.ExecutionRoleArn,
    'the ARN of the job runtime role (arn:aws:iam::<account>:role/<name>)'
  )
  if (!ROLE_ARN.test(executionRoleArn)) {
    throw new InputError(
      SparkJobInput.ExecutionRoleArn,
      'an IAM role ARN such as arn:aws:iam::123456789012:role/emr-serverless-job',
      executionRoleArn
    )
  }

  const entryPoint = jobFile(
    SparkJobInput.EntryPoint,
    inputs.required(SparkJobInput.EntryPoint, 'an s3:// URI or a file in the repository'),
    workspace
  )
  const entryPointArguments = inputs.raw(SparkJobInput.EntryPointArguments)
    ? rawLines(inputs, SparkJobInput.EntryPointArguments)
    : []
  const sparkConf = inputs.keyValues(SparkJobInput.SparkConf)
  for (const key of Object.keys(sparkConf)) {
    if (!CONF_KEY.test(key))
      throw new InputError(
        SparkJobInput.SparkConf,
        'key=value lines with keys such as spark.sql.shuffle.partitions',
        key
      )
  }
  const sparkSubmitParameters = inputs.string(SparkJobInput.SparkSubmitParameters)
  const files = inputs
    .list(SparkJobInput.Files)
    .map(file => jobFile(SparkJobInput.Files, file, workspace))
  const pyFiles = inputs
    .list(SparkJobInput.PyFiles)
    .map(file => jobFile(SparkJobInput.PyFiles, file, workspace))

  const configurationOverrides = readOverrides(inputs)
  const logUriInput = inputs.string(SparkJobInput.LogUri)
  if (logUriInput && !isS3Prefix(logUriInput)) {
    throw new InputError(
      SparkJobInput.LogUri,
      'an s3:// URI such as s3://my-bucket/emr-logs/',
      logUriInput
    )
  }
  const overridesLogUri = s3LogUriOf(configurationOverrides)
  const logUri = stripSlash(logUriInput || overridesLogUri || '') || undefined

  const stagingInput = inputs.string(SparkJobInput.StagingUri)
  if (stagingInput && !isS3Prefix(stagingInput)) {
    throw new InputError(
      SparkJobInput.StagingUri,
      'an s3:// URI such as s3://my-bucket/staging/',
      stagingInput
    )
  }
  const needsStaging = [entryPoint, ...files, ...pyFiles].find(file => file.kind === 'local')
  if (needsStaging && !stagingInput) {
    throw new InputError(
      SparkJobInput.StagingUri,
      `an s3:// prefix to upload ${needsStaging.kind === 'local' ? needsStaging.shown : 'local files'} to (a repository file is staged before the run)`
    )
  }

  const logicalDate = inputs.string(SparkJobInput.LogicalDate)
  if (logicalDate && !isIsoDate(logicalDate)) {
    throw new InputError(SparkJobInput.LogicalDate, 'a date as YYYY-MM-DD', logicalDate)
  }
  const identity = {
    pipeline: inputs.string(SparkJobInput.Pipeline, defaultPipeline(env)),
    task: inputs.string(SparkJobInput.Task, env.GITHUB_JOB || 'spark-job'),
    logicalDate,
    runId: env.GITHUB_RUN_ID || ''
  }
  const runName = inputs.string(SparkJobInput.Name) || logicalRunName(identity)
  if (runName.length > 256)
    throw new InputError(SparkJobInput.Name, 'a run name of at most 256 characters', runName)
  const userTags = inputs.keyValues(SparkJobInput.Tags)
  for (const [key, value] of Object.entries(userTags)) {
    if (key.length > 128 || value.length > 256 || key.toLowerCase().startsWith('aws:')) {
      throw new InputError(
        SparkJobInput.Tags,
        'key=value lines (keys up to 128 characters, not starting with aws:)',
        key
      )
    }
  }

  const executionTimeoutMs = inputs.duration(
    SparkJobInput.ExecutionTimeout,
    SparkJobDefault.ExecutionTimeout,
    { min: 300_000 }
  )
  const waitTimeoutMs = inputs.duration(SparkJobInput.WaitTimeout, SparkJobDefault.WaitTimeout, {
    min: 1000
  })
  const pollIntervalMinMs = inputs.duration(
    SparkJobInput.PollIntervalMin,
    SparkJobDefault.PollIntervalMin,
    { min: 50 }
  )
  const pollIntervalMaxMs = inputs.duration(
    SparkJobInput.PollIntervalMax,
    SparkJobDefault.PollIntervalMax,
    { min: 50 }
  )
  if (pollIntervalMaxMs < pollIntervalMinMs) {
    throw new InputError(
      SparkJobInput.PollIntervalMax,
      `a duration no shorter than poll-interval-min (${inputs.string(SparkJobInput.PollIntervalMin, SparkJobDefault.PollIntervalMin)})`,
      inputs.string(SparkJobInput.PollIntervalMax, SparkJobDefault.PollIntervalMax)
    )
  }

  const retryDelay = readRetryDelayPolicy(inputs, SparkJobDefault)

  return {
    application,
    executionRoleArn,
    entryPoint,
    entryPointArguments,
    sparkConf,
    sparkSubmitParameters,
    files,
    pyFiles,
    configurationOverrides,
    logUri,
    stagingUri: stagingInput ? stripSlash(stagingInput) : undefined,
    runName,
    tags: { ...runTags(identity, env), ...userTags },
    executionTimeoutMinutes: Math.ceil(executionTimeoutMs / 60_000),
    wait: inputs.boolean(SparkJobInput.Wait, SparkJobDefault.Wait),
    waitTimeoutMs,
    pollIntervalMinMs,
    pollIntervalMaxMs,
    retries: inputs.integer(SparkJobInput.Retries, SparkJobDefault.Retries, { min: 0, max: 10 }),
    noRetryExitCodes: readExitCodes(inputs, SparkJobInput.NoRetryExitCodes),
    retryDelay,
    cancelOnAbort: inputs.boolean(SparkJobInput.CancelOnAbort, SparkJobDefault.CancelOnAbort),
    aws: awsClientSettings(inputs, env)
  }
}

/** Arguments keep their inner spaces: one argument per line, blank lines dropped. */
function rawLines(inputs: Inputs, name: string): string[] {
  return inputs
    .raw(name)
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line !== '')
}

function jobFile(input: string, value: string, workspace: string): JobFile {
  if (value.startsWith('s3://')) {
    if (!isS3Object(value)) throw new InputError(input, 'an s3://bucket/key URI', value)
    return { kind: 's3', uri: value }
  }
  const outside = () =>
    new InputError(
      input,
      'an s3:// URI or a file inside the repository, but this path leads outside it',
      value
    )
  const full = path.resolve(workspace, value)
  // Checked before existence, so a path out of the repository is refused for what it is.
  if (!isInside(path.resolve(workspace), full)) throw outside()
  if (!existsSync(full) || !statSync(full).isFile()) {
    throw new InputError(input, 'an s3:// URI or a file that exists in the repository', value)
  }
  // A symbolic link inside the repository may point anywhere: what is staged is its target.
  if (!isInside(realpathSync(workspace), realpathSync(full))) throw outside()
  return { kind: 'local', path: full, shown: value }
}

/** Whether `target` lies below the directory `root` (both absolute). */
function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target)
  return (
    relative !== '' &&
    relative !== '..' &&
    !relative.startsWith(`..${path.sep}`) &&
    !path.isAbsolute(relative)
  )
}

function readOverrides(inputs: Inputs): ConfigurationOverrides | undefined {
  const expected = 'a JSON object with applicationConfiguration and/or monitoringConfiguration'
  const overrides = inputs.json<unknown>('configuration-overrides', undefined, 'valid JSON')
  if (overrides === undefined) return undefined
  if (!isObject(overrides))
    throw new InputError(
      SparkJobInput.ConfigurationOverrides,
      expected,
      inputs.raw(SparkJobInput.ConfigurationOverrides)
    )
  if (
    overrides.applicationConfiguration !== undefined &&
    !Array.isArray(overrides.applicationConfiguration)
  ) {
    throw new InputError(
      SparkJobInput.ConfigurationOverrides,
      'applicationConfiguration to be a JSON array'
    )
  }
  if (
    overrides.monitoringConfiguration !== undefined &&
    !isObject(overrides.monitoringConfiguration)
  ) {
    throw new InputError(
      SparkJobInput.ConfigurationOverrides,
      'monitoringConfiguration to be a JSON object'
    )
  }
  return overrides as ConfigurationOverrides
}

function s3LogUriOf(overrides: ConfigurationOverrides | undefined): string | undefined {
  const s3 = overrides?.monitoringConfiguration?.s3MonitoringConfiguration
  const logUri = isObject(s3) ? s3.logUri : undefined
  return typeof logUri === 'string' && isS3Prefix(logUri) ? logUri : undefined
}

function defaultPipeline(env: NodeJS.ProcessEnv): string {
  const repository = (env.GITHUB_REPOSITORY ?? '').split('/').pop() || 'pipeline'
  return env.GITHUB_WORKFLOW ? `${repository}/${env.GITHUB_WORKFLOW}` : repository
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function stripSlash(uri: string): string {
  return uri.replace(/\/+$/, '')
}

/** Process exit codes, comma- or line-separated: whole numbers from 1 to 255. */
function readExitCodes(inputs: Inputs, name: string): number[] {
  return inputs.list(name).map(item => {
    const code = Number(item)
    if (!/^\d+$/.test(item) || code < 1 || code > 255) {
      throw new InputError(name, 'exit codes from 1 to 255, such as 65', item)
    }
    return code
  })
}
