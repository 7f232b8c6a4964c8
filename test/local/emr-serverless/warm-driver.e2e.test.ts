import { existsSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  CancelJobRunCommand,
  GetDashboardForJobRunCommand,
  StartJobRunCommand,
  type JobRun,
  type StartJobRunCommandInput
} from '@aws-sdk/client-emr-serverless'
import { PutObjectCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DEFAULT_APPLICATION,
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

/**
 * The warm driver (pre-initialised capacity) against real PySpark: every run in its own
 * session, with its own modules, logs and exit, and a crash or a cancel costing only its run.
 * The runs print the driver's process id: the same id in two runs proves they shared it.
 */

const ROLE = 'arn:aws:iam::123456789012:role/emr-serverless-job'
const LOGS = 's3://logs/emr'
let peers: LocalPeers
let workDir: string
/** The warm-up folders in the machine's temp folder (the service must leave none there). */
const warmUpFolders = (): string[] =>
  readdirSync(tmpdir()).filter(name => name.startsWith('warm-up-'))
const tmpBefore = warmUpFolders()
const changes: JobRunStateChange[] = []
const serviceLog: string[] = []
/** The service's log lines when it had started, before any request. */
let atStart: string[] = []

const SETTER = `import logging, os, sys
from pyspark.sql import SparkSession
import shared_state

spark = SparkSession.builder.appName("setter").getOrCreate()
print("pid", os.getpid())
print("conf", spark.conf.get("spark.sql.shuffle.partitions"), spark.conf.get("spark.custom.flag"))
spark.conf.set("spark.sql.session.timeZone", "Asia/Tokyo")
spark.range(3).createOrReplaceTempView("leaked_view")
spark.range(3).createOrReplaceGlobalTempView("leaked_global_view")
spark.range(5).cache().count()
shared_state.VALUE = "set by the first run"
os.environ["LEAKED_VARIABLE"] = "1"
log = logging.getLogger("warm.test")
log.addHandler(logging.StreamHandler(sys.stderr))
log.setLevel(logging.INFO)
log.info("setter log line")
print("setter done")
`

const CHECKER = `import logging, os, sys
from pyspark.sql import SparkSession
import shared_state

spark = SparkSession.builder.appName("checker").getOrCreate()
print("pid", os.getpid())
leaks = []
if spark is not SparkSession.getActiveSession():
    leaks.append("getOrCreate() is not the active session")
if spark.conf.get("spark.sql.session.timeZone") == "Asia/Tokyo":
    leaks.append("session conf")
if spark.conf.get("spark.sql.shuffle.partitions") != "200":
    leaks.append("shuffle partitions " + spark.conf.get("spark.sql.shuffle.partitions"))
if spark.catalog.tableExists("leaked_view"):
    leaks.append("temp view")
if [t.name for t in spark.catalog.listTables("global_temp")]:
    leaks.append("global temp view")
if spark.sparkContext._jsc.sc().getPersistentRDDs().size():
    leaks.append("cached data")
if shared_state.VALUE != "fresh":
    leaks.append("module global")
if "LEAKED_VARIABLE" in os.environ:
    leaks.append("environment variable")
if logging.getLogger("warm.test").handlers:
    leaks.append("logger handler")
with open("data.txt") as handle:
    print("file", handle.read().strip())
if leaks:
    raise SystemExit("leaked: " + ", ".join(leaks))
spark.range(10).write.mode("overwrite").parquet(sys.argv[1])
print("checker passed", spark.read.parquet(sys.argv[1]).count())
`

const CRASH = `import os
from pyspark.sql import SparkSession

SparkSession.builder.getOrCreate().range(3).count()
print("crashing the driver", flush=True)
os._exit(3)
`

const EXIT_CODE = `import sys
print("refusing")
sys.exit(65)
`

const EXCEPTION = `def fail():
    raise ValueError("boom in the job")

fail()
`

// Two partitions of 10^13 rows: hours of work unless it is cancelled.
const LONG = `import os
from pyspark.sql import SparkSession

spark = SparkSession.builder.getOrCreate()
open(os.path.join(os.getcwd(), "started"), "w").close()
spark.range(0, 10**13, 1, 2).selectExpr("sum(id * 3) as total").collect()
print("the long job ended by itself")
`

beforeAll(async () => {
  workDir = tempDir('local-emr-warm')
  peers = await startLocalPeers(['code', 'lake', 'logs'], {
    workDir,
    warm: true,
    // Plain PySpark jobs: no Iceberg extensions in the warm driver's static conf.
    warmSparkConf: {},
    // Started with the service, as `npm run pipeline` gives its application.
    applications: [{ ...DEFAULT_APPLICATION, state: 'STARTED' }],
    log: line => serviceLog.push(line),
    onJobRunState: change => changes.push(change)
  })
  atStart = [...serviceLog]
  const put = (key: string, body: string) =>
    peers.s3.send(new PutObjectCommand({ Bucket: 'code', Key: key, Body: body }))
  await put('setter.py', SETTER)
  await put('checker.py', CHECKER)
  await put('crash.py', CRASH)
  await put('exit_code.py', EXIT_CODE)
  await put('exception.py', EXCEPTION)
  await put('long.py', LONG)
  await put('shared_state.py', 'VALUE = "fresh"\n')
  await put('data.txt', 'from --files\n')
}, SPARK_TEST_TIMEOUT_MS)

afterAll(async () => {
  await peers?.stop()
})

function request(
  entryPoint: string,
  parameters = '',
  argv: string[] = []
): StartJobRunCommandInput {
  return {
    applicationId: peers.applicationId,
    clientToken: `token-${Math.random().toString(36).slice(2)}`,
    executionRoleArn: ROLE,
    name: path.basename(entryPoint),
    jobDriver: {
      sparkSubmit: { entryPoint, entryPointArguments: argv, sparkSubmitParameters: parameters }
    },
    configurationOverrides: {
      monitoringConfiguration: { s3MonitoringConfiguration: { logUri: LOGS } }
    }
  }
}

async function run(
  entryPoint: string,
  parameters = '',
  argv: string[] = []
): Promise<{ jobRun: JobRun; stdout: string; stderr: string }> {
  const { emr, applicationId } = peers
  const { jobRunId } = await emr.send(new StartJobRunCommand(request(entryPoint, parameters, argv)))
  const jobRun = await waitForState(emr, applicationId, jobRunId!, [
    'SUCCESS',
    'FAILED',
    'CANCELLED'
  ])
  return { jobRun, ...(await logs(jobRunId!)) }
}

async function logs(jobRunId: string): Promise<{ stdout: string; stderr: string }> {
  const base = `${LOGS}/applications/${peers.applicationId}/jobs/${jobRunId}/SPARK_DRIVER`
  return {
    stdout: await readGzippedObject(peers.s3, `${base}/stdout.gz`),
    stderr: await readGzippedObject(peers.s3, `${base}/stderr.gz`)
  }
}

function driverPid(stdout: string): string {
  const pid = /^pid (\d+)$/m.exec(stdout)?.[1]
  if (!pid) throw new Error(`no pid line in the run's stdout:\n${stdout}`)
  return pid
}

const CHECK_FILES = '--py-files s3://code/shared_state.py --files s3://code/data.txt'

describe('local EMR Serverless: the warm driver', () => {
  it('starts with an application that is STARTED with the service, before its first job run', () => {
    expect(atStart).toEqual([`application ${peers.applicationId}: warm Spark driver starting`])
  })

  it(
    'runs each job run in its own session: what one run sets is not seen by the next',
    async () => {
      const setter = await run(
        's3://code/setter.py',
        `--conf spark.sql.shuffle.partitions=3 --conf spark.custom.flag=on ${CHECK_FILES}`
      )
      expect(setter.jobRun.state, `${setter.jobRun.stateDetails}\n${setter.stdout}`).toBe('SUCCESS')
      expect(setter.jobRun.stateDetails).toContain('a warm Spark driver')
      // The run's runtime conf reached its session.
      expect(setter.stdout).toContain('conf 3 on')
      expect(setter.stdout).toContain('setter log line')
      // The warm-up (done before the first run) used a folder of the driver's and removed it,
      // none in the machine's temp folder.
      expect(warmUpFolders().filter(name => !tmpBefore.includes(name))).toEqual([])
      const application = path.join(workDir, peers.applicationId)
      const drivers = readdirSync(application).filter(name => name.startsWith('warm-driver-'))
      expect(drivers.length).toBeGreaterThan(0)
      for (const driver of drivers) {
        const left = readdirSync(path.join(application, driver))
        expect(left.filter(name => name.startsWith('warm-up-'))).toEqual([])
      }

      const checker = await run('s3://code/checker.py', CHECK_FILES, ['s3://lake/checked/'])
      expect(checker.jobRun.state, `${checker.jobRun.stateDetails}\n${checker.stdout}`).toBe(
        'SUCCESS'
      )
      expect(checker.stdout).toContain('checker passed 10')
      expect(checker.stdout).toContain('file from --files')
      expect(driverPid(checker.stdout)).toBe(driverPid(setter.stdout))
      // Each run's output is in its own logs, in the layout of a spark-submit run: Python's
      // output (its stderr too) in stdout, the JVM's log lines in stderr.
      expect(checker.stdout).not.toContain('setter')
      expect(setter.stdout).not.toContain('checker')
      expect(checker.stderr).toMatch(/INFO \w+: /)
      const states = changes
        .filter(change => change.jobRunId === checker.jobRun.jobRunId)
        .map(change => change.state)
      expect(states).toEqual(['SUBMITTED', 'RUNNING', 'SUCCESS'])
    },
    SPARK_TEST_TIMEOUT_MS
  )

  it(
    "ends a run as spark-submit's would: sys.exit's code, an exception's line",
    async () => {
      const refused = await run('s3://code/exit_code.py')
      expect(refused.jobRun.state).toBe('FAILED')
      expect(refused.jobRun.stateDetails).toBe(
        'Job failed, please check complete logs in configured logging destination. ExitCode: 65.'
      )
      expect(refused.stdout).toContain('refusing')

      const failed = await run('s3://code/exception.py')
      expect(failed.jobRun.state).toBe('FAILED')
      expect(failed.jobRun.stateDetails).toBe(
        'Job failed, please check complete logs in configured logging destination. ExitCode: 1. Last few exceptions: ValueError: boom in the job'
      )
      expect(failed.stdout).toContain('Traceback (most recent call last):')
    },
    SPARK_TEST_TIMEOUT_MS
  )

  it(
    'fails only the run that crashed the driver; the next run passes in a new driver',
    async () => {
      const before = await run('s3://code/checker.py', CHECK_FILES, ['s3://lake/before/'])
      expect(before.jobRun.state, before.stdout).toBe('SUCCESS')
      const crashed = await run('s3://code/crash.py')
      expect(crashed.jobRun.state).toBe('FAILED')
      expect(crashed.jobRun.stateDetails).toContain('ExitCode: 3.')
      expect(crashed.stdout).toContain('crashing the driver')
      expect(crashed.stderr).toContain('the warm Spark driver ended during the run')

      const after = await run('s3://code/checker.py', CHECK_FILES, ['s3://lake/after/'])
      expect(after.jobRun.state, `${after.jobRun.stateDetails}\n${after.stdout}`).toBe('SUCCESS')
      expect(driverPid(after.stdout)).not.toBe(driverPid(before.stdout))
    },
    SPARK_TEST_TIMEOUT_MS
  )

  it(
    'cancels a long Spark job: CANCELLED within 10 s of the request, and the next run passes',
    async () => {
      const { emr, applicationId } = peers
      const { jobRunId } = await emr.send(new StartJobRunCommand(request('s3://code/long.py')))
      await waitUntil('the long job started its Spark job', () =>
        existsSync(path.join(workDir, applicationId, jobRunId!, 'started'))
      )
      // While it runs, the dashboard is the warm driver's live Spark UI.
      const { url } = await emr.send(
        new GetDashboardForJobRunCommand({ applicationId, jobRunId: jobRunId! })
      )
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect((await fetch(`${url}/jobs/`)).status).toBe(200)
      const requested = Date.now()
      await emr.send(new CancelJobRunCommand({ applicationId, jobRunId: jobRunId! }))
      const jobRun = await waitForState(emr, applicationId, jobRunId!, [
        'CANCELLED',
        'FAILED',
        'SUCCESS'
      ])
      const cancelledAfterMs = Date.now() - requested
      expect(jobRun.state).toBe('CANCELLED')
      // The bound, from the cancel request (the job group's cancel, else a kill of
      // the driver after a few seconds): not a measure of Spark's speed.
      expect(cancelledAfterMs).toBeLessThan(10_000)
      expect((await logs(jobRunId!)).stdout).not.toContain('the long job ended by itself')

      const next = await run('s3://code/checker.py', CHECK_FILES, ['s3://lake/next/'])
      expect(next.jobRun.state, `${next.jobRun.stateDetails}\n${next.stdout}`).toBe('SUCCESS')
    },
    SPARK_TEST_TIMEOUT_MS
  )

  it(
    'runs a job whose static conf differs from the warm driver with spark-submit, and says why',
    async () => {
      const cold = await run(
        's3://code/checker.py',
        `${CHECK_FILES} --conf spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions`,
        ['s3://lake/cold/']
      )
      expect(cold.jobRun.state, `${cold.jobRun.stateDetails}\n${cold.stdout}`).toBe('SUCCESS')
      expect(cold.jobRun.stateDetails).toContain('Local run (spark-submit')
      expect(cold.stderr).toContain(
        "local EMR Serverless: runs with spark-submit, not the warm driver: spark.sql.extensions is 'org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions' for this run and unset in the warm driver"
      )
    },
    SPARK_TEST_TIMEOUT_MS
  )
})
