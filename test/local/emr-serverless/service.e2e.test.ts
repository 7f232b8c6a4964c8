import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import {
  CancelJobRunCommand,
  GetApplicationCommand,
  GetDashboardForJobRunCommand,
  ListApplicationsCommand,
  ListJobRunsCommand,
  StartApplicationCommand,
  StartJobRunCommand,
  type StartJobRunCommandInput
} from '@aws-sdk/client-emr-serverless'
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  startLocalEmrServerless,
  type JobRunStateChange
} from '../../../local/src/emr-serverless/service.js'
import { tempDir } from '../../support/temp.js'
import {
  readGzippedObject,
  SPARK_TEST_TIMEOUT_MS,
  startLocalPeers,
  waitForState,
  waitUntil,
  type LocalPeers
} from './peers.js'
import { present } from '../../support/present.js'

/**
 * The local EMR Serverless against the real AWS SDK client (every answer must parse), moto
 * for S3 and real spark-submit runs from the virtualenv.
 */

const ROLE = 'arn:aws:iam::123456789012:role/emr-serverless-job'
let peers: LocalPeers
let workDir: string
const changes: JobRunStateChange[] = []

beforeAll(async () => {
  workDir = tempDir('local-emr-work')
  peers = await startLocalPeers(['code', 'lake', 'logs'], {
    workDir,
    onJobRunState: change => changes.push(change)
  })
  const put = (key: string, body: string) =>
    peers.s3.send(new PutObjectCommand({ Bucket: 'code', Key: key, Body: body }))
  await put(
    'lake_job.py',
    `import os, sys
from pyspark.sql import SparkSession
import helpers

spark = SparkSession.builder.appName("lake").getOrCreate()
target = sys.argv[1]
with open("rows.txt") as handle:
    rows = int(handle.read())
spark.range(rows).withColumnRenamed("id", "n").write.mode("overwrite").parquet(target)
back = spark.read.parquet(target)
print("rows", back.count(), "sum", back.groupBy().sum("n").first()[0])
print("conf", spark.conf.get("spark.sql.shuffle.partitions"), spark.conf.get("spark.custom.flag"))
print("env", os.environ.get("LAKE_NAME"))
print("helper", helpers.GREETING)
spark.stop()
`
  )
  await put('helpers.py', 'GREETING = "hello from --py-files"\n')
  await put('rows.txt', '5\n')
  await put(
    'sleeper.py',
    `import os, time
from pyspark.sql import SparkSession

spark = SparkSession.builder.appName("sleeper").getOrCreate()
with open(os.path.join(os.getcwd(), "driver.pid"), "w") as handle:
    handle.write(str(os.getpid()))
time.sleep(3600)
`
  )
  await put('idle.py', 'import time\ntime.sleep(3600)\n')
}, SPARK_TEST_TIMEOUT_MS)

afterAll(async () => {
  await peers?.stop()
})

function request(
  extra: Partial<StartJobRunCommandInput> & { entryPoint?: string } = {}
): StartJobRunCommandInput {
  const { entryPoint = 's3://code/lake_job.py', ...rest } = extra
  return {
    applicationId: peers.applicationId,
    clientToken: `token-${Math.random().toString(36).slice(2)}`,
    executionRoleArn: ROLE,
    jobDriver: { sparkSubmit: { entryPoint } },
    ...rest
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('local EMR Serverless: the API as the AWS SDK sees it', () => {
  it('lists, reads and starts the configured application', async () => {
    const { emr, applicationId } = peers
    const { application } = await emr.send(new GetApplicationCommand({ applicationId }))
    expect(application).toMatchObject({
      applicationId,
      name: 'local-spark',
      type: 'Spark',
      state: 'CREATED',
      releaseLabel: expect.stringMatching(/^emr-7\./)
    })
    expect(application?.createdAt).toBeInstanceOf(Date)
    const { applications } = await emr.send(new ListApplicationsCommand({}))
    expect(applications?.map(app => [app.id, app.name])).toEqual([[applicationId, 'local-spark']])
    await emr.send(new StartApplicationCommand({ applicationId }))
    expect((await emr.send(new GetApplicationCommand({ applicationId }))).application?.state).toBe(
      'STARTED'
    )
    await expect(emr.send(new GetApplicationCommand({ applicationId: 'nope' }))).rejects.toThrow(
      expect.objectContaining({
        name: 'ResourceNotFoundException',
        message: 'Application nope does not exist.'
      })
    )
  })

  it('refuses a bad request with one ValidationException, before any run exists', async () => {
    const { emr, applicationId } = peers
    const before = (await emr.send(new ListJobRunsCommand({ applicationId }))).jobRuns?.length
    await expect(
      emr.send(
        new StartJobRunCommand(
          request({
            jobDriver: {
              sparkSubmit: { entryPoint: 's3://code/x.py', sparkSubmitParameters: '--master yarn' }
            }
          })
        )
      )
    ).rejects.toThrow(
      expect.objectContaining({
        name: 'ValidationException',
        message: expect.stringContaining(
          "sparkSubmitParameters: '--master' is not a parameter a job run can set"
        )
      })
    )
    await expect(
      emr.send(
        new StartJobRunCommand(
          request({
            configurationOverrides: {
              monitoringConfiguration: { s3MonitoringConfiguration: { logUri: 'logs/emr' } }
            }
          })
        )
      )
    ).rejects.toThrow(
      expect.objectContaining({
        name: 'ValidationException',
        message:
          'configurationOverrides.monitoringConfiguration.s3MonitoringConfiguration.logUri: expected an s3:// URI'
      })
    )
    expect((await emr.send(new ListJobRunsCommand({ applicationId }))).jobRuns?.length).toBe(before)
  })

  it('fails a run whose entry point is not in S3, with its logs in the S3 layout', async () => {
    const { emr, s3, applicationId } = peers
    const { jobRunId } = await emr.send(
      new StartJobRunCommand(
        request({
          name: 'missing',
          entryPoint: 's3://code/missing.py',
          configurationOverrides: {
            monitoringConfiguration: { s3MonitoringConfiguration: { logUri: 's3://logs/emr/' } }
          }
        })
      )
    )
    const jobRun = await waitForState(emr, applicationId, jobRunId!, ['FAILED', 'SUCCESS'])
    expect(jobRun.state).toBe('FAILED')
    expect(jobRun.stateDetails).toBe('Job failed: cannot fetch s3://code/missing.py: NoSuchKey')
    const stderr = await readGzippedObject(
      s3,
      `s3://logs/emr/applications/${applicationId}/jobs/${jobRunId}/SPARK_DRIVER/stderr.gz`
    )
    expect(stderr).toContain('cannot fetch s3://code/missing.py: NoSuchKey')
    await expect(
      emr.send(new CancelJobRunCommand({ applicationId, jobRunId: jobRunId! }))
    ).rejects.toThrow(expect.objectContaining({ name: 'ValidationException' }))
    // The dashboard of a finished run is this service's page of it.
    const { url } = await emr.send(
      new GetDashboardForJobRunCommand({ applicationId, jobRunId: jobRunId! })
    )
    // With this start's token: a page without it is refused (test/local/emr-serverless/refusals.test.ts).
    expect(url).toMatch(
      new RegExp(
        `^${peers.localEmr.endpoint}/dashboard/${applicationId}/${jobRunId}\\?token=[\\w-]+$`
      )
    )
    const page = await (await fetch(url!)).text()
    expect(page).toContain('FAILED')
    expect(await (await fetch(url!.replace('?', '/stderr?'))).text()).toContain('cannot fetch')
  })

  it('answers the same client token with the same run, a reused one with a conflict', async () => {
    const { emr, applicationId } = peers
    const first = request({ name: 'idempotent', entryPoint: 's3://code/missing.py' })
    const a = await emr.send(new StartJobRunCommand(first))
    const b = await emr.send(new StartJobRunCommand(first))
    expect(b.jobRunId).toBe(a.jobRunId)
    await expect(
      emr.send(new StartJobRunCommand({ ...first, name: 'something else' }))
    ).rejects.toThrow(expect.objectContaining({ name: 'ConflictException' }))
    const runs = (await emr.send(new ListJobRunsCommand({ applicationId }))).jobRuns ?? []
    expect(runs.filter(run => run.name === 'idempotent')).toHaveLength(1)
  })

  it('lists runs newest first, filtered by state, a page at a time', async () => {
    const { emr, applicationId } = peers
    for (const name of ['page-1', 'page-2']) {
      const { jobRunId } = await emr.send(
        new StartJobRunCommand(request({ name, entryPoint: 's3://code/missing.py' }))
      )
      await waitForState(emr, applicationId, jobRunId!, ['FAILED'])
    }
    const first = await emr.send(
      new ListJobRunsCommand({ applicationId, states: ['FAILED'], maxResults: 1 })
    )
    expect(first.jobRuns?.map(run => run.name)).toEqual(['page-2'])
    expect(first.jobRuns?.[0]?.createdAt).toBeInstanceOf(Date)
    const second = await emr.send(
      new ListJobRunsCommand({
        applicationId,
        states: ['FAILED'],
        maxResults: 1,
        nextToken: first.nextToken
      })
    )
    expect(second.jobRuns?.map(run => run.name)).toEqual(['page-1'])
    const running = await emr.send(new ListJobRunsCommand({ applicationId, states: ['RUNNING'] }))
    expect(running.jobRuns).toEqual([])
  })
})

describe('local EMR Serverless: job runs are local spark-submit runs against the S3 lake', () => {
  it(
    'runs a PySpark job that writes Parquet to s3:// in moto and reads it back, with its files, properties and driver environment',
    async () => {
      const { emr, s3, applicationId } = peers
      const { jobRunId } = await emr.send(
        new StartJobRunCommand(
          request({
            name: 'lake/write-read/2026-01-01',
            jobDriver: {
              sparkSubmit: {
                entryPoint: 's3://code/lake_job.py',
                entryPointArguments: ['s3://lake/x/'],
                sparkSubmitParameters:
                  '--conf spark.sql.shuffle.partitions=3 --files s3://code/rows.txt --py-files s3://code/helpers.py'
              }
            },
            configurationOverrides: {
              applicationConfiguration: [
                {
                  classification: 'spark-defaults',
                  properties: {
                    'spark.custom.flag': 'on',
                    // --conf in sparkSubmitParameters wins over spark-defaults, as on EMR.
                    'spark.sql.shuffle.partitions': '7',
                    'spark.emr-serverless.driverEnv.LAKE_NAME': 'bronze'
                  }
                }
              ],
              monitoringConfiguration: { s3MonitoringConfiguration: { logUri: 's3://logs/emr' } }
            },
            tags: { task: 'write-read' },
            executionTimeoutMinutes: 60
          })
        )
      )
      const jobRun = await waitForState(emr, applicationId, jobRunId!, [
        'SUCCESS',
        'FAILED',
        'CANCELLED'
      ])
      const stdout = await readGzippedObject(
        s3,
        `s3://logs/emr/applications/${applicationId}/jobs/${jobRunId}/SPARK_DRIVER/stdout.gz`
      )
      expect(jobRun.state, `${jobRun.stateDetails}\n${stdout}`).toBe('SUCCESS')
      expect(stdout).toContain('rows 5 sum 10')
      expect(stdout).toContain('conf 3 on')
      expect(stdout).toContain('env bronze')
      expect(stdout).toContain('helper hello from --py-files')
      const stderr = await readGzippedObject(
        s3,
        `s3://logs/emr/applications/${applicationId}/jobs/${jobRunId}/SPARK_DRIVER/stderr.gz`
      )
      expect(stderr).toContain('s3a-file-system metrics system started')

      const written = await s3.send(new ListObjectsV2Command({ Bucket: 'lake', Prefix: 'x/' }))
      const keys = (written.Contents ?? []).map(object => object.Key)
      expect(keys).toContain('x/_SUCCESS')
      expect(keys.some(key => /^x\/part-.*\.parquet$/.test(key ?? ''))).toBe(true)

      // The states came from the process, in order, each once.
      expect(
        changes.filter(change => change.jobRunId === jobRunId).map(change => change.state)
      ).toEqual(['SUBMITTED', 'RUNNING', 'SUCCESS'])
      expect(jobRun).toMatchObject({
        name: 'lake/write-read/2026-01-01',
        tags: { task: 'write-read' },
        executionTimeoutMinutes: 60,
        stateDetails: expect.stringContaining('resource utilization is an estimate')
      })
      // The estimate: wall time × the 2 cores of local[2] (and 1 GB of driver memory).
      const hours = (jobRun.endedAt!.getTime() - jobRun.startedAt!.getTime()) / 3_600_000
      expect(jobRun.billedResourceUtilization?.vCPUHour).toBeCloseTo(hours * 2, 4)
      expect(jobRun.billedResourceUtilization?.memoryGBHour).toBeCloseTo(hours, 4)
      expect(jobRun.totalExecutionDurationSeconds).toBe(Math.round(hours * 3600))
    },
    SPARK_TEST_TIMEOUT_MS
  )

  it(
    'shows the live Spark UI while a driver runs, and cancels it: CANCELLING, then CANCELLED once its process group is gone',
    async () => {
      const { emr, applicationId } = peers
      const { jobRunId } = await emr.send(
        new StartJobRunCommand(request({ name: 'sleeper', entryPoint: 's3://code/sleeper.py' }))
      )
      const pidFile = path.join(workDir, applicationId, jobRunId!, 'driver.pid')
      await waitUntil('the driver wrote its pid', () => existsSync(pidFile))
      const pid = Number(readFileSync(pidFile, 'utf8'))
      expect(alive(pid)).toBe(true)
      // While the driver runs, the dashboard is its live Spark UI.
      let url = ''
      await waitUntil('the dashboard is the live Spark UI', async () => {
        url =
          (await emr.send(new GetDashboardForJobRunCommand({ applicationId, jobRunId: jobRunId! })))
            .url ?? ''
        return url.startsWith('http://127.0.0.1:') && !url.includes('/dashboard/')
      })
      const ui = await fetch(`${url}/jobs/`)
      expect(ui.status).toBe(200)
      expect(await ui.text()).toContain('sleeper')
      await emr.send(new CancelJobRunCommand({ applicationId, jobRunId: jobRunId! }))
      const jobRun = await waitForState(emr, applicationId, jobRunId!, ['CANCELLED', 'FAILED'])
      expect(jobRun.state).toBe('CANCELLED')
      expect(alive(pid)).toBe(false)
      expect(
        changes.filter(change => change.jobRunId === jobRunId).map(change => change.state)
      ).toEqual(['SUBMITTED', 'RUNNING', 'CANCELLING', 'CANCELLED'])
    },
    SPARK_TEST_TIMEOUT_MS
  )

  it(
    'cancels a run that outlives executionTimeoutMinutes',
    async () => {
      // One "minute" is a second here, so the test does not wait a real minute.
      const hurried = await startLocalEmrServerless({
        s3Endpoint: peers.moto.endpoint,
        workDir: tempDir('local-emr-timeout'),
        minuteMs: 1000,
        warm: false
      })
      const { EMRServerlessClient } = await import('@aws-sdk/client-emr-serverless')
      const emr = new EMRServerlessClient({
        region: 'us-east-1',
        endpoint: hurried.endpoint,
        credentials: hurried.credentials
      })
      try {
        const applicationId = present(hurried.applications[0], 'an application').id
        const { jobRunId } = await emr.send(
          new StartJobRunCommand({
            ...request({ entryPoint: 's3://code/idle.py', executionTimeoutMinutes: 1 }),
            applicationId
          })
        )
        const jobRun = await waitForState(emr, applicationId, jobRunId!, [
          'CANCELLED',
          'FAILED',
          'SUCCESS'
        ])
        expect(jobRun.state).toBe('CANCELLED')
        expect(jobRun.stateDetails).toBe(
          'Job run exceeded its execution timeout (executionTimeoutMinutes: 1) and was cancelled.'
        )
      } finally {
        emr.destroy()
        await hurried.stop()
      }
    },
    SPARK_TEST_TIMEOUT_MS
  )
})
