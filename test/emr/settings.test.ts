import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { InputError } from '../../src/core/errors.js'
import { Inputs } from '../../src/core/inputs.js'
import { MemoryLogger } from '../../src/core/log.js'
import { systemClock } from '../../src/core/sleep.js'
import { EMRServerlessClient } from '@aws-sdk/client-emr-serverless'
import { createEmrClients } from '../../src/emr/clients.js'
import { cancelJobRun } from '../../src/emr/job-runs.js'
import { logicalRunName, runTags } from '../../src/emr/run-identity.js'
import { readSparkJobSettings } from '../../src/emr/settings.js'
import { sparkSubmitParameters } from '../../src/emr/spark-submit.js'
import { waitForJobRun } from '../../src/emr/waiter.js'
import { tempDir } from '../support/temp.js'
import { withStalledServer } from '../support/stalled-server.js'

const workspace = tempDir('spark-settings')
mkdirSync(path.join(workspace, 'jobs'))
writeFileSync(path.join(workspace, 'jobs', 'cdc_ingest.py'), 'print(1)\n')

const env = {
  AWS_REGION: 'us-east-1',
  GITHUB_REPOSITORY: 'example/pipeline',
  GITHUB_WORKFLOW: 'daily-customer-etl',
  GITHUB_JOB: 'ingest-cdc',
  GITHUB_RUN_ID: '4242',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_SHA: 'abc123'
}

const base = {
  application: 'etl',
  'execution-role-arn': 'arn:aws:iam::123456789012:role/emr-job',
  'entry-point': 's3://scripts/jobs/cdc_ingest.py'
}

function settings(values: Record<string, string>) {
  const map: Record<string, string> = { ...base, ...values }
  return readSparkJobSettings(new Inputs(name => map[name]), env, workspace)
}

function inputError(values: Record<string, string>): InputError {
  try {
    settings(values)
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error('expected an InputError')
}

describe('readSparkJobSettings', () => {
  it('documented defaults', () => {
    const result = settings({})
    expect(result).toMatchObject({
      runName: 'pipeline/daily-customer-etl/ingest-cdc/run-4242',
      executionTimeoutMinutes: 720,
      wait: true,
      waitTimeoutMs: 6 * 3_600_000,
      pollIntervalMinMs: 5000,
      pollIntervalMaxMs: 30_000,
      retries: 0,
      retryDelay: { delayMs: 300_000, backoff: 'fixed', maxDelayMs: 3_600_000 },
      cancelOnAbort: true,
      entryPoint: { kind: 's3', uri: 's3://scripts/jobs/cdc_ingest.py' },
      aws: { region: 'us-east-1' }
    })
    expect(result.tags).toEqual({
      pipeline: 'pipeline/daily-customer-etl',
      task: 'ingest-cdc',
      'github:repository': 'example/pipeline',
      'github:workflow': 'daily-customer-etl',
      'github:run-id': '4242',
      'github:run-attempt': '2',
      'github:sha': 'abc123'
    })
  })

  it('the seed ingest task: name from pipeline/task/date, args per line, conf lines, local entry point', () => {
    const result = settings({
      pipeline: 'daily_customer_etl',
      task: 'ingest_cdc',
      'logical-date': '2026-01-01',
      'entry-point': 'jobs/cdc_ingest.py',
      'staging-uri': 's3://staging/spark/',
      'entry-point-arguments': '--date\n2026-01-01\n\n--source\ns3://data-lake/bronze/customers\n',
      'spark-conf': 'spark.sql.adaptive.enabled=true\nspark.sql.shuffle.partitions=400',
      'log-uri': 's3://logs/emr/',
      tags: 'team=data\ncost-center=42',
      retries: '3',
      'retry-delay': '5m'
    })
    expect(result.runName).toBe('daily_customer_etl/ingest_cdc/2026-01-01')
    expect(result.entryPoint).toMatchObject({ kind: 'local', shown: 'jobs/cdc_ingest.py' })
    expect(result.stagingUri).toBe('s3://staging/spark')
    expect(result.logUri).toBe('s3://logs/emr')
    expect(result.entryPointArguments).toEqual([
      '--date',
      '2026-01-01',
      '--source',
      's3://data-lake/bronze/customers'
    ])
    expect(result.sparkConf).toEqual({
      'spark.sql.adaptive.enabled': 'true',
      'spark.sql.shuffle.partitions': '400'
    })
    expect(result.tags).toMatchObject({
      team: 'data',
      'cost-center': '42',
      'logical-date': '2026-01-01'
    })
    expect(result.retries).toBe(3)
    expect(result.retryDelay.delayMs).toBe(300_000)
  })

  it('takes the log location from configuration-overrides when log-uri is not set', () => {
    const result = settings({
      'configuration-overrides': JSON.stringify({
        monitoringConfiguration: {
          s3MonitoringConfiguration: { logUri: 's3://logs/from-overrides/' }
        }
      })
    })
    expect(result.logUri).toBe('s3://logs/from-overrides')
  })

  it.each([
    ['application', { application: '' }],
    ['execution-role-arn', { 'execution-role-arn': '' }],
    ['execution-role-arn', { 'execution-role-arn': 'arn:aws:iam::12345:role/x' }],
    ['entry-point', { 'entry-point': 'jobs/nope.py' }],
    ['entry-point', { 'entry-point': 's3://bucket-only' }],
    ['configuration-overrides', { 'configuration-overrides': '{not json' }],
    ['configuration-overrides', { 'configuration-overrides': '[1, 2]' }],
    ['configuration-overrides', { 'configuration-overrides': '{"applicationConfiguration": {}}' }],
    ['spark-conf', { 'spark-conf': 'spark.sql.shuffle.partitions' }],
    ['spark-conf', { 'spark-conf': '=400' }],
    ['tags', { tags: 'team' }],
    ['execution-timeout', { 'execution-timeout': '-1h' }],
    ['execution-timeout', { 'execution-timeout': '1m' }],
    ['wait-timeout', { 'wait-timeout': 'soon' }],
    ['retries', { retries: '-1' }],
    ['retries', { retries: '11' }],
    ['retry-delay', { 'retry-delay': '-5m' }],
    ['poll-interval-max', { 'poll-interval-min': '1m', 'poll-interval-max': '10s' }],
    ['staging-uri', { 'entry-point': 'jobs/cdc_ingest.py' }],
    ['staging-uri', { 'entry-point': 'jobs/cdc_ingest.py', 'staging-uri': 'bucket/prefix' }],
    ['log-uri', { 'log-uri': 'https://logs' }],
    ['logical-date', { 'logical-date': '2026-02-30' }],
    ['wait', { wait: 'maybe' }],
    ['files', { files: 'conf/missing.yml' }],
    ['region', { region: 'mars' }]
  ])('%s: %j is refused naming the input', (input, values) => {
    const error = inputError(values)
    expect(error.input).toBe(input)
    expect(error.message).toMatch(new RegExp(`^Input '${input}': expected `))
    expect(error.message).not.toContain('\n')
  })
})

describe('run identity', () => {
  it('is the same for every re-run of a date, and falls back to the workflow run', () => {
    const identity = { pipeline: 'p', task: 't', logicalDate: '2026-01-01', runId: '7' }
    expect(logicalRunName(identity)).toBe('p/t/2026-01-01')
    expect(logicalRunName({ ...identity, logicalDate: '' })).toBe('p/t/run-7')
  })

  it('keeps tag values within what AWS accepts', () => {
    const tags = runTags({ pipeline: 'p', task: 't', logicalDate: '', runId: '' }, {
      GITHUB_WORKFLOW: 'Daily ETL (prod) #1'
    } as NodeJS.ProcessEnv)
    expect(tags['github:workflow']).toBe('Daily ETL _prod_ _1')
  })
})

describe('sparkSubmitParameters', () => {
  it('conf, files, py-files, then the raw parameters', () => {
    expect(
      sparkSubmitParameters({
        sparkConf: { 'spark.sql.adaptive.enabled': 'true', 'spark.sql.shuffle.partitions': '400' },
        files: ['s3://b/rules.yml', 's3://b/other.txt'],
        pyFiles: ['s3://b/lib.zip'],
        raw: ' --conf spark.executor.cores=4 '
      })
    ).toBe(
      '--conf spark.sql.adaptive.enabled=true --conf spark.sql.shuffle.partitions=400 --files s3://b/rules.yml,s3://b/other.txt --py-files s3://b/lib.zip --conf spark.executor.cores=4'
    )
    expect(sparkSubmitParameters({ sparkConf: {}, files: [], pyFiles: [], raw: '' })).toBe('')
  })
})

describe('clients', () => {
  it('fault injection (a server that accepts and never answers): stalled polls fail after the request timeout, so wait-timeout still holds', async () => {
    await withStalledServer(async endpoint => {
      const { emr } = createEmrClients(
        { region: 'us-east-1', endpoint: endpoint, maxAttempts: 1 },
        {},
        { connectionMs: 1000, emrRequestMs: 300, s3RequestMs: 300 }
      )
      const logger = new MemoryLogger()
      // The server never answers: without the request timeout the first poll would hang
      // until the test's own limit, so returning at all is the proof (no clock involved).
      const result = await waitForJobRun(emr, 'app', 'run1', {
        pollMinMs: 100,
        pollMaxMs: 200,
        timeoutMs: 1500,
        clock: systemClock,
        logger
      })
      expect(result.outcome).toBe('timeout')
      expect(logger.lines).toContainEqual(
        expect.stringMatching(/^warning: GetJobRun failed \(TimeoutError: /)
      )
    })
  })
})

describe('cancelJobRun', () => {
  // Fault injection (a server that accepts and never answers): the action must not wait past
  // the runner's 7.5 s between SIGINT and SIGTERM for a cancel the service never confirms.
  it('gives up on a CancelJobRun that does not answer by its deadline, and says so', async () => {
    await withStalledServer(async endpoint => {
      const direct = new EMRServerlessClient({
        region: 'us-east-1',
        endpoint: endpoint,
        maxAttempts: 1,
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }
      })
      const logger = new MemoryLogger()
      // Without the deadline this request would wait for ever (the server never answers and
      // this client has no request timeout), so returning at all is the proof.
      expect(await cancelJobRun(direct, 'app', 'run-1', logger, 200)).toBe(false)
      expect(logger.lines).toContainEqual(
        expect.stringMatching(/^warning: Could not cancel job run run-1: /)
      )
    })
  })
})
