import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { GetJobRunCommand, ListJobRunsCommand } from '@aws-sdk/client-emr-serverless'
import { ListObjectsV2Command } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAction, type ActionRun } from '../../support/run-action.js'
import { tempDir } from '../../support/temp.js'
import {
  SPARK_TEST_TIMEOUT_MS,
  startLocalPeers,
  waitForState,
  waitUntil,
  type LocalPeers
} from './peers.js'

/**
 * The Spark job action's bundle (dist/spark-job), run as the runner runs it, against the
 * local EMR Serverless and moto: reached only through AWS_ENDPOINT_URL_EMR_SERVERLESS and
 * AWS_ENDPOINT_URL_S3, with no `endpoint` input, as a workflow would run it locally.
 */

const ROLE = 'arn:aws:iam::123456789012:role/emr-serverless-job'
let peers: LocalPeers
let workspace: string

beforeAll(async () => {
  peers = await startLocalPeers(['staging', 'logs', 'lake'])
  workspace = tempDir('spark-job-local-repo')
  mkdirSync(path.join(workspace, 'jobs'))
  writeFileSync(
    path.join(workspace, 'jobs', 'tiny.py'),
    `import sys
from pyspark.sql import SparkSession

spark = SparkSession.builder.appName("tiny").getOrCreate()
date, target = sys.argv[1], sys.argv[2]
spark.createDataFrame([(date, 1), (date, 2)], "date string, n int").write.mode("overwrite").parquet(target)
print("wrote", spark.read.parquet(target).count(), "rows for", date)
spark.stop()
`
  )
  writeFileSync(
    path.join(workspace, 'jobs', 'broken.py'),
    `import sys
print("reading bronze for", sys.argv[1])
raise ValueError("no bronze rows for " + sys.argv[1])
`
  )
  writeFileSync(path.join(workspace, 'jobs', 'slow.py'), 'import time\ntime.sleep(3600)\n')
}, SPARK_TEST_TIMEOUT_MS)

afterAll(async () => {
  await peers?.stop()
})

function inputs(task: string, entryPoint: string, extra: Record<string, string> = {}) {
  return {
    application: 'local-spark',
    'execution-role-arn': ROLE,
    'entry-point': entryPoint,
    'entry-point-arguments': `2026-01-01\ns3://lake/tiny/date=2026-01-01/`,
    'spark-conf': 'spark.sql.shuffle.partitions=4',
    'staging-uri': 's3://staging/spark',
    'log-uri': 's3://logs/emr',
    pipeline: 'local-test',
    task,
    'logical-date': '2026-01-01',
    'poll-interval-min': '1s',
    'poll-interval-max': '3s',
    'wait-timeout': '15m',
    ...extra
  }
}

function run(actionInputs: Record<string, string>, more: Parameters<typeof runAction>[1] = {}) {
  return runAction('spark-job', {
    inputs: actionInputs,
    env: peers.actionEnv,
    cwd: workspace,
    timeoutMs: SPARK_TEST_TIMEOUT_MS,
    ...more
  })
}

function errorLines(result: ActionRun): string[] {
  return result.stdout.split('\n').filter(line => line.startsWith('::error::'))
}

describe('spark-job action against the local EMR Serverless', () => {
  it(
    'runs a PySpark job to SUCCESS, with outputs, an estimated usage and the Parquet in the local S3',
    async () => {
      const result = await run(inputs('tiny', 'jobs/tiny.py'))
      expect(result.code, result.stdout + result.stderr).toBe(0)
      const jobRunId = result.outputs['job-run-id']
      expect(jobRunId).toMatch(/^[0-9a-f]{16}$/)
      expect(result.outputs).toMatchObject({ state: 'SUCCESS', attempts: '1' })
      expect(Number(result.outputs['vcpu-hours'])).toBeGreaterThan(0)
      expect(result.outputs['dashboard-url']).toMatch(
        new RegExp(
          `^${peers.localEmr.endpoint}/dashboard/${peers.applicationId}/${jobRunId}\\?token=[\\w-]+$`
        )
      )
      expect(result.stdout).toContain(`Job run ${jobRunId}: RUNNING`)
      // The service says the usage is an estimate in the run's stateDetails.
      const { jobRun } = await peers.emr.send(
        new GetJobRunCommand({ applicationId: peers.applicationId, jobRunId })
      )
      expect(jobRun?.stateDetails).toContain(
        'resource utilization is an estimate, wall time x 2 local cores'
      )

      const written = await peers.s3.send(
        new ListObjectsV2Command({ Bucket: 'lake', Prefix: 'tiny/date=2026-01-01/' })
      )
      expect((written.Contents ?? []).map(object => object.Key)).toContain(
        'tiny/date=2026-01-01/_SUCCESS'
      )
    },
    SPARK_TEST_TIMEOUT_MS
  )

  it(
    "fails the step with the driver's stderr tail, read from the S3 log layout",
    async () => {
      const result = await run(inputs('broken', 'jobs/broken.py'))
      expect(result.code).toBe(1)
      const jobRunId = result.outputs['job-run-id']
      const driver = `applications/${peers.applicationId}/jobs/${jobRunId}/SPARK_DRIVER`
      // PySpark's driver writes Python's own stderr (the traceback) to its stdout, as on EMR.
      for (const stream of ['stderr', 'stdout']) {
        expect(result.stdout).toMatch(
          new RegExp(
            `::group::Driver ${stream} of job run ${jobRunId} \\(last \\d+ lines of s3://logs/emr/${driver}/${stream}\\.gz\\)`
          )
        )
      }
      expect(result.stdout).toContain('raise ValueError("no bronze rows for " + sys.argv[1])')
      expect(result.stdout).toContain('reading bronze for 2026-01-01')
      expect(errorLines(result)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^::error::Job run ${jobRunId} ended FAILED: Job failed, please check complete logs in configured logging destination\\. ExitCode: 1\\. Last few exceptions: ValueError: no bronze rows for 2026-01-01`
          )
        )
      ])
      expect(result.summary).toContain('ValueError: no bronze rows for 2026-01-01')
    },
    SPARK_TEST_TIMEOUT_MS
  )

  it(
    'cancels the local run when the workflow is cancelled (SIGINT to the action)',
    async () => {
      const { emr, applicationId } = peers
      let kill: (signal: NodeJS.Signals) => void = () => undefined
      const action = run(inputs('slow', 'jobs/slow.py'), { onSpawn: send => (kill = send) })
      let jobRunId = ''
      await waitUntil('the action started a run that is RUNNING', async () => {
        const { jobRuns } = await emr.send(
          new ListJobRunsCommand({ applicationId, states: ['RUNNING'] })
        )
        jobRunId = jobRuns?.find(jobRun => jobRun.name === 'local-test/slow/2026-01-01')?.id ?? ''
        return Boolean(jobRunId)
      })
      kill('SIGINT')
      const result = await action
      expect(result.code).toBe(1)
      expect(errorLines(result)).toEqual([
        `::error::The workflow was cancelled; job run ${jobRunId} was cancelled`
      ])
      const jobRun = await waitForState(emr, applicationId, jobRunId, ['CANCELLED', 'FAILED'])
      expect(jobRun.state).toBe('CANCELLED')
      expect(result.state.finished).toBe('true')
    },
    SPARK_TEST_TIMEOUT_MS
  )
})
