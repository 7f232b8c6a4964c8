import { S3Client } from '@aws-sdk/client-s3'
import { describe, expect, it } from 'vitest'
import { MemoryLogger } from '../../src/core/log.js'
import { buildJobDriver, startJobRunRequest } from '../../src/emr/job-request.js'
import { placeSparkConf } from '../../src/emr/spark-submit.js'
import { sparkJobSettings } from './support/spark-settings.js'

// Only s3:// files here, so nothing is staged and the S3 client is never called.
const s3 = new S3Client({ region: 'us-east-1' })

describe('spark-conf values that --conf cannot carry whole', () => {
  const javaOptions = '-Dlog4j.debug=true -Duser.timezone=UTC'

  it('a value with spaces, quotes or a backslash goes to spark-defaults; the others stay --conf', () => {
    expect(
      placeSparkConf({
        'spark.sql.shuffle.partitions': '400',
        'spark.driver.extraJavaOptions': javaOptions,
        'spark.executor.extraJavaOptions': '-Dname="x"',
        'spark.tab': 'a\tb',
        'spark.windows.path': 'C:\\tmp'
      })
    ).toEqual({
      submitParameters: { 'spark.sql.shuffle.partitions': '400' },
      sparkDefaults: {
        'spark.driver.extraJavaOptions': javaOptions,
        'spark.executor.extraJavaOptions': '-Dname="x"',
        'spark.tab': 'a\tb',
        'spark.windows.path': 'C:\\tmp'
      }
    })
  })

  it('reaches the StartJobRun request as one value: a spark-defaults property, not split across --conf', async () => {
    const logger = new MemoryLogger()
    const job = sparkJobSettings({
      'spark-conf': `spark.sql.shuffle.partitions=400\nspark.driver.extraJavaOptions=${javaOptions}`,
      'log-uri': 's3://logs/emr'
    })
    const driver = await buildJobDriver(job, { s3 }, logger)
    const request = startJobRunRequest(job, 'app', driver, 'token')
    expect(request.jobDriver?.sparkSubmit?.sparkSubmitParameters).toBe(
      '--conf spark.sql.shuffle.partitions=400'
    )
    expect(request.configurationOverrides).toEqual({
      applicationConfiguration: [
        {
          classification: 'spark-defaults',
          properties: { 'spark.driver.extraJavaOptions': javaOptions }
        }
      ],
      monitoringConfiguration: { s3MonitoringConfiguration: { logUri: 's3://logs/emr/' } }
    })
    expect(logger.lines).toContainEqual(
      expect.stringContaining('spark-conf spark.driver.extraJavaOptions: its value holds spaces')
    )
  })

  it('joins a spark-defaults classification given in configuration-overrides, over its own value', () => {
    const job = sparkJobSettings({
      'spark-conf': `spark.driver.extraJavaOptions=${javaOptions}`,
      'configuration-overrides': JSON.stringify({
        applicationConfiguration: [
          { classification: 'spark-executor-log4j2', properties: { rootLogger_level: 'warn' } },
          {
            classification: 'spark-defaults',
            properties: { 'spark.driver.extraJavaOptions': '-Xss4m', 'spark.app.name': 'etl' }
          }
        ]
      })
    })
    const request = startJobRunRequest(job, 'app', { sparkSubmit: { entryPoint: 's3://b/j' } }, 't')
    expect(request.configurationOverrides?.applicationConfiguration).toEqual([
      { classification: 'spark-executor-log4j2', properties: { rootLogger_level: 'warn' } },
      {
        classification: 'spark-defaults',
        properties: { 'spark.driver.extraJavaOptions': javaOptions, 'spark.app.name': 'etl' }
      }
    ])
    // The settings object itself is left as read.
    expect(job.configurationOverrides?.applicationConfiguration?.[1]).toMatchObject({
      properties: { 'spark.driver.extraJavaOptions': '-Xss4m' }
    })
  })

  it('plain values change nothing: no configurationOverrides at all', async () => {
    const job = sparkJobSettings({ 'spark-conf': 'spark.sql.adaptive.enabled=true' })
    const request = startJobRunRequest(
      job,
      'app',
      await buildJobDriver(job, { s3 }, new MemoryLogger()),
      't'
    )
    expect(request.configurationOverrides).toBeUndefined()
    expect(request.jobDriver?.sparkSubmit?.sparkSubmitParameters).toBe(
      '--conf spark.sql.adaptive.enabled=true'
    )
  })
})
