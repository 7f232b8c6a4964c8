import { createHash } from 'node:crypto'
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  cachedJarPaths,
  downloadJars,
  jarFileName,
  jarUrl,
  MAVEN_JARS,
  type MavenJar
} from '../../../local/src/emr-serverless/jar-cache.js'
import { IMAGE_JARS, withoutImageJars } from '../../../local/src/emr-serverless/image-jars.js'
import {
  JobRunRegistry,
  type StartJobRunRequest
} from '../../../local/src/emr-serverless/job-run-registry.js'
import { lastErrorLine } from '../../../local/src/emr-serverless/last-error-line.js'
import {
  localMasterCores,
  memoryGb,
  parseSparkSubmitParameters,
  sparkSubmitArgv
} from '../../../local/src/emr-serverless/spark-submit-args.js'
import { tempDir } from '../../support/temp.js'
import { present } from '../../support/present.js'

describe('sparkSubmitParameters, split as EMR Serverless splits them', () => {
  it('turns --conf, property options and file lists into properties and lists', () => {
    const parsed = parseSparkSubmitParameters(
      '--conf spark.sql.adaptive.enabled=true  --conf spark.a=x=y --driver-memory 2g ' +
        '--files s3://b/one.yml,s3://b/two.csv --py-files s3://b/helpers.py --class org.Main ' +
        '--conf spark.files=s3://b/three.txt --num-executors 4'
    )
    expect(parsed).toEqual({
      conf: {
        'spark.sql.adaptive.enabled': 'true',
        'spark.a': 'x=y',
        'spark.driver.memory': '2g',
        'spark.executor.instances': '4'
      },
      className: 'org.Main',
      jars: [],
      files: ['s3://b/one.yml', 's3://b/two.csv', 's3://b/three.txt'],
      pyFiles: ['s3://b/helpers.py'],
      archives: []
    })
  })

  it('refuses what a job run cannot set, naming the parameter', () => {
    expect(() => parseSparkSubmitParameters('--master yarn')).toThrow(
      /sparkSubmitParameters: '--master' is not a parameter a job run can set/
    )
    expect(() => parseSparkSubmitParameters('--conf')).toThrow(
      'sparkSubmitParameters: --conf needs a value'
    )
    expect(() => parseSparkSubmitParameters('--conf spark.x')).toThrow(
      "sparkSubmitParameters: --conf expects key=value, got 'spark.x'"
    )
  })

  it('builds the spark-submit command line with the local master and the properties file', () => {
    expect(
      sparkSubmitArgv({
        master: 'local[2]',
        propertiesFile: '/run/spark-defaults.conf',
        jars: ['/cache/a.jar', '/cache/b.jar'],
        files: ['/run/rules.yml'],
        pyFiles: [],
        archives: [],
        entryPoint: '/run/job.py',
        entryPointArguments: ['--date', '2026-01-01']
      })
    ).toEqual([
      '--master',
      'local[2]',
      '--deploy-mode',
      'client',
      '--properties-file',
      '/run/spark-defaults.conf',
      '--jars',
      '/cache/a.jar,/cache/b.jar',
      '--files',
      '/run/rules.yml',
      '/run/job.py',
      '--date',
      '2026-01-01'
    ])
  })

  it('counts the cores and memory the estimate is based on', () => {
    expect(localMasterCores('local', 8)).toBe(1)
    expect(localMasterCores('local[2]', 8)).toBe(2)
    expect(localMasterCores('local[*]', 8)).toBe(8)
    expect(() => localMasterCores('yarn', 8)).toThrow("master 'yarn': expected local")
    expect(memoryGb('2g')).toBe(2)
    expect(memoryGb('512m')).toBe(0.5)
    expect(memoryGb('1024')).toBe(1)
    expect(memoryGb(undefined)).toBe(1)
  })
})

describe('the last error line of a driver', () => {
  it('is the exception of the last Python traceback, not the log lines after it', async () => {
    const file = path.join(tempDir('last-error'), 'stderr')
    writeFileSync(
      file,
      [
        '26/01/01 10:00:00 INFO SparkContext: Running Spark version 3.5.9',
        '26/01/01 10:00:01 WARN Exception in something harmless',
        'Traceback (most recent call last):',
        '  File "/run/job.py", line 3, in <module>',
        '    raise ValueError("no rows for 2026-01-01")',
        'ValueError: no rows for 2026-01-01',
        '26/01/01 10:00:02 INFO ShutdownHookManager: Shutdown hook called'
      ].join('\n')
    )
    expect(await lastErrorLine(file)).toBe('ValueError: no rows for 2026-01-01')
  })

  it('finds the traceback PySpark merged into stdout', async () => {
    const dir = tempDir('last-error')
    writeFileSync(path.join(dir, 'stderr'), '26/01/01 10:00:00 INFO SparkContext: stopped\n')
    writeFileSync(
      path.join(dir, 'stdout'),
      'Traceback (most recent call last):\n  File "job.py", line 1\nKeyError: \'date\'\n'
    )
    expect(await lastErrorLine(path.join(dir, 'stderr'), path.join(dir, 'stdout'))).toBe(
      "KeyError: 'date'"
    )
  })

  it('falls back to the last line naming an error, else nothing', async () => {
    const dir = tempDir('last-error')
    writeFileSync(
      path.join(dir, 'jvm'),
      'Exception in thread "main" java.io.FileNotFoundException: x\n\tat a.b(C.java:1)\n'
    )
    writeFileSync(path.join(dir, 'quiet'), '26/01/01 10:00:00 INFO all well\n')
    expect(await lastErrorLine(path.join(dir, 'jvm'))).toBe(
      'Exception in thread "main" java.io.FileNotFoundException: x'
    )
    expect(await lastErrorLine(path.join(dir, 'quiet'))).toBe('')
  })
})

describe('job run registry', () => {
  const request: StartJobRunRequest = {
    clientToken: 'token-1',
    executionRoleArn: 'arn:aws:iam::123456789012:role/job',
    name: 'pipeline/task/2026-01-01',
    jobDriver: { sparkSubmit: { entryPoint: 's3://b/job.py' } }
  }

  it('answers a repeated client token with the same run, and a reused one with a conflict', () => {
    const registry = new JobRunRegistry([{ id: 'app1', name: 'etl' }])
    const first = registry.startJobRun('app1', request)
    expect(first.created).toBe(true)
    expect(registry.application('app1').state).toBe('STARTED')
    const again = registry.startJobRun('app1', structuredClone(request))
    expect(again).toEqual({ run: first.run, created: false })
    expect(() =>
      registry.startJobRun('app1', { ...request, name: 'pipeline/task/2026-01-02' })
    ).toThrow(/Client token token-1 was already used/)
    expect(registry.startJobRun('app1', { ...request, clientToken: 'token-2' }).created).toBe(true)
    expect(registry.listJobRuns('app1')).toHaveLength(2)
  })

  it('moves a run only along the state machine, and stamps its times', () => {
    let now = 1_000
    const registry = new JobRunRegistry([{ id: 'app1', name: 'etl' }], () => now)
    const { run } = registry.startJobRun('app1', request)
    expect(() => registry.transition(run, 'SUCCESS')).toThrow(/cannot go from SUBMITTED to SUCCESS/)
    now = 2_000
    registry.transition(run, 'RUNNING')
    now = 5_000
    registry.transition(run, 'CANCELLING', 'cancelled')
    expect(() => registry.transition(run, 'SUCCESS')).toThrow(/CANCELLING to SUCCESS/)
    registry.transition(run, 'CANCELLED')
    expect(run).toMatchObject({ state: 'CANCELLED', startedAt: 2_000, endedAt: 5_000 })
    expect(() => registry.transition(run, 'RUNNING')).toThrow(/CANCELLED to RUNNING/)
  })

  it('refuses application IDs the service would not give', () => {
    expect(() => new JobRunRegistry([{ id: 'Not_An_Id', name: 'x' }])).toThrow(
      "application id 'Not_An_Id': expected 1-64 lowercase letters and digits"
    )
    expect(() => new JobRunRegistry([{ id: 'app1', name: 'etl' }]).application('nope')).toThrow(
      'Application nope does not exist.'
    )
  })
})

/**
 * The jar cache, with an injected fetch standing in for Maven Central (a peer cannot serve a
 * corrupted download); the real download is `npm run setup:jars`.
 */
describe('jar cache', () => {
  const content = Buffer.from('not really a jar')
  const jar: MavenJar = {
    group: 'org.example',
    artifact: 'tiny',
    version: '1.0',
    sha1: createHash('sha1').update(content).digest('hex'),
    bytes: content.length
  }
  const maven =
    (body: Buffer, publishedSha1 = jar.sha1): typeof fetch =>
    async url =>
      String(url).endsWith('.sha1')
        ? new Response(`${publishedSha1}  tiny-1.0.jar\n`)
        : new Response(body, { headers: { 'content-length': String(body.length) } })

  it('uses Maven Central paths', () => {
    expect(jarUrl(present(MAVEN_JARS[0], 'a jar'))).toBe(
      'https://repo1.maven.org/maven2/org/apache/hadoop/hadoop-aws/3.3.4/hadoop-aws-3.3.4.jar'
    )
  })

  it('downloads a missing jar once, with progress, then finds it cached', async () => {
    const dir = tempDir('jars')
    expect(() => cachedJarPaths(dir, [jar])).toThrow(
      `The local Spark jars are not in ${dir} (missing tiny-1.0.jar): run \`npm run setup:jars\` once`
    )
    const progress: number[] = []
    const outcomes: string[] = []
    const options = {
      jars: [jar],
      fetch: maven(content),
      onProgress: ({ receivedBytes }: { receivedBytes: number }) => progress.push(receivedBytes),
      onJar: (_: MavenJar, outcome: string) => outcomes.push(outcome)
    }
    await downloadJars(dir, options)
    await downloadJars(dir, options)
    expect(outcomes).toEqual(['downloaded', 'cached'])
    expect(progress.at(-1)).toBe(content.length)
    expect(cachedJarPaths(dir, [jar])).toEqual([path.join(dir, jarFileName(jar))])
  })

  it('keeps nothing when the download or the published checksum does not match the pin', async () => {
    const dir = tempDir('jars')
    await expect(
      downloadJars(dir, { jars: [jar], fetch: maven(Buffer.from('tampered jar!!!!')) })
    ).rejects.toThrow(/downloaded SHA-1 [0-9a-f]{40}, expected/)
    await expect(
      downloadJars(dir, { jars: [jar], fetch: maven(content, 'f'.repeat(40)) })
    ).rejects.toThrow(`publishes SHA-1 ${'f'.repeat(40)}, this project pins ${jar.sha1}`)
    expect(readdirSync(dir)).toEqual([])
    expect(existsSync(path.join(dir, jarFileName(jar)))).toBe(false)
  })
})

describe("the EMR Serverless image's own jars", () => {
  const image = '/usr/share/aws/iceberg/lib/iceberg-spark3-runtime.jar'
  const cached = [
    '/cache/hadoop-aws-3.3.4.jar',
    `/cache/${jarFileName(MAVEN_JARS.find(jar => jar.artifact.startsWith('iceberg'))!)}`
  ]

  it('stand for the cached jar of the same library: the Iceberg runtime the workflows name', () => {
    expect(Object.keys(IMAGE_JARS)).toContain(image)
    expect(withoutImageJars([image, 's3://b/udf.jar'], cached)).toEqual(['s3://b/udf.jar'])
    // Every image jar has its artifact among the jars the service caches.
    for (const artifact of Object.values(IMAGE_JARS))
      expect(MAVEN_JARS.map(jar => jar.artifact)).toContain(artifact)
  })

  it('without their stand-in fail naming the jar and the set-up step', () => {
    expect(() => withoutImageJars([image], ['/cache/hadoop-aws-3.3.4.jar'])).toThrow(
      `${image} is a jar of the EMR Serverless image; locally iceberg-spark-runtime-3.5_2.12 stands in for it, but it is not among the service's jars (run \`npm run setup:jars\`)`
    )
  })
})
