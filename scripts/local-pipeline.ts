/**
 * The daily pipeline, run locally: the same steps and order as
 * .github/workflows/daily-customer-etl.yml, with the actions run from dist/ exactly as the
 * runner runs them, moto playing S3, and spark-submit from the virtualenv playing EMR
 * Serverless (the Spark job action itself needs a real EMR Serverless application).
 */
import { spawn } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { awsTestEnv, projectRoot, startMoto, type Moto } from './lib/moto.js'
import { parsePipelineArgs, UsageError, USAGE, type PipelineArgs } from './lib/pipeline-args.js'
import { runAction, type ActionRun } from './lib/run-action.js'

let args: PipelineArgs
try {
  args = parsePipelineArgs(process.argv.slice(2), projectRoot)
} catch (error) {
  if (!(error instanceof UsageError)) throw error
  console.error(`pipeline: ${error.message}`)
  console.error(USAGE)
  process.exit(2)
}
if (args.help) {
  console.log(USAGE)
  process.exit(0)
}

const bucket = 'data-lake'
const { lake, dates } = args
const venvBin = path.join(projectRoot, '.venv', 'bin')
const summaryFile = path.join(projectRoot, '.work', 'pipeline-summary.md')

function fail(message: string): never {
  console.error(`pipeline: ${message}`)
  process.exit(1)
}

/** Runs a command, streaming its output with a prefix; resolves with its exit code. */
function run(label: string, command: string, commandArgs: string[]): Promise<number> {
  return new Promise(resolve => {
    const child = spawn(command, commandArgs, {
      cwd: projectRoot,
      env: { ...process.env, PYSPARK_PYTHON: path.join(venvBin, 'python') },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const echo = (chunk: Buffer): void => {
      for (const line of String(chunk).split('\n')) {
        // Spark's own INFO/WARN chatter is noise here; the job's lines and errors are not.
        if (line.trim() && !/^\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d (INFO|WARN) /.test(line)) {
          console.log(`  [${label}] ${line}`)
        }
      }
    }
    child.stdout.on('data', echo)
    child.stderr.on('data', echo)
    child.on('close', code => resolve(code ?? 1))
  })
}

function sparkSubmit(label: string, job: string, jobArgs: string[]): Promise<number> {
  return run(label, path.join(venvBin, 'spark-submit'), [
    '--master',
    'local[2]',
    '--conf',
    'spark.sql.adaptive.enabled=true',
    '--conf',
    'spark.sql.shuffle.partitions=8',
    '--conf',
    'spark.ui.enabled=false',
    path.join('jobs', job),
    ...jobArgs
  ])
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const full = path.join(dir, name)
    return statSync(full).isDirectory() ? filesUnder(full) : [full]
  })
}

async function uploadBronze(moto: Moto): Promise<number> {
  const s3 = new S3Client({ endpoint: moto.endpoint, forcePathStyle: true, region: 'us-east-1' })
  await s3.send(new CreateBucketCommand({ Bucket: bucket }))
  const files = filesUnder(path.join(lake, 'bronze'))
  for (const file of files) {
    const key = path.relative(lake, file).split(path.sep).join('/')
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: readFileSync(file) }))
  }
  return files.length
}

interface StepResult {
  date: string
  step: string
  ok: boolean
  seconds: number
  detail: string
}

const results: StepResult[] = []
const summaries: string[] = []

async function step(
  date: string,
  name: string,
  body: () => Promise<[boolean, string]>
): Promise<boolean> {
  console.log(`\n▶ ${date} ${name}`)
  const started = Date.now()
  const [ok, detail] = await body()
  const seconds = Math.round((Date.now() - started) / 100) / 10
  results.push({ date, step: name, ok, seconds, detail })
  console.log(`${ok ? '✔' : '✘'} ${date} ${name} (${seconds}s) ${detail}`)
  return ok
}

function actionStep(run: ActionRun, detail: (run: ActionRun) => string): [boolean, string] {
  summaries.push(run.summary)
  for (const line of run.stdout.split('\n')) {
    if (line.trim() && !line.startsWith('::debug::')) console.log(`  ${line}`)
  }
  return [run.code === 0, detail(run)]
}

async function main(): Promise<void> {
  rmSync(lake, { recursive: true, force: true })
  mkdirSync(lake, { recursive: true })

  console.log(
    `pipeline: ${dates.length} day(s) ${dates[0]} … ${dates.at(-1)}, lake ${path.relative(projectRoot, lake)}`
  )
  const generated = await run('generate', path.join(venvBin, 'python'), [
    'jobs/generate_cdc.py',
    '--start',
    dates[0],
    '--end',
    dates.at(-1)!,
    '--output',
    path.join(lake, 'bronze', 'customers'),
    '--seed',
    String(args.seed),
    '--scale',
    String(args.scale)
  ])
  if (generated !== 0) fail('generating the sample bronze data failed')

  const moto = await startMoto()
  try {
    console.log(`local S3 on ${moto.endpoint}: uploaded ${await uploadBronze(moto)} bronze files`)
    const actionEnv = { ...awsTestEnv }
    const silver = path.join(lake, 'silver', 'customers')
    const metricsRoot = path.join(lake, 'quality', 'metrics')

    for (const date of dates) {
      const ok =
        (await step(date, 'wait-for-data', async () =>
          actionStep(
            await runAction('s3-sensor', {
              env: actionEnv,
              inputs: {
                bucket,
                key: `bronze/customers/date=${date}/`,
                // As in the workflow: a day without changes holds only its marker.
                'min-objects': '0',
                'success-marker': '_SUCCESS',
                timeout: '1m',
                'poke-interval': '1s',
                endpoint: moto.endpoint
              }
            }),
            run => `${run.outputs.count ?? 0} objects, ${run.outputs['total-bytes'] ?? 0} bytes`
          )
        )) &&
        (await step(date, 'ingest-cdc', async () => {
          const code = await sparkSubmit('ingest', 'cdc_ingest.py', [
            '--date',
            date,
            '--source',
            path.join(lake, 'bronze', 'customers'),
            '--target',
            silver
          ])
          return [code === 0, `exit ${code}`]
        })) &&
        (await step(date, 'validate-data-quality', async () => {
          const code = await sparkSubmit('quality', 'data_quality.py', [
            '--input',
            silver,
            '--rules',
            'quality/customers.yml',
            '--date',
            date,
            '--metrics-root',
            metricsRoot
          ])
          if (code !== 0) return [false, `metrics job exit ${code}`]
          return actionStep(
            await runAction('quality-gate', {
              env: actionEnv,
              inputs: {
                rules: 'quality/customers.yml',
                'metrics-root': metricsRoot,
                'logical-date': date,
                'history-depth': '7',
                'write-results': 'true',
                'missing-history': 'warn'
              }
            }),
            run =>
              `gate: ${run.outputs.passed === 'true' ? 'passed' : 'failed'}, ${run.outputs.failed ?? '?'} failed, ${run.outputs.warnings ?? '?'} warnings`
          )
        })) &&
        (await step(date, 'compute-aggregates', async () => {
          const code = await sparkSubmit('aggregates', 'customer_summary.py', [
            '--date',
            date,
            '--input',
            silver,
            '--output',
            path.join(lake, 'gold', 'customer_summary')
          ])
          return [code === 0, `exit ${code}`]
        }))
      if (!ok) {
        console.log(
          `\n${date}: a step failed; what depends on it was skipped (as in the workflow).`
        )
        break
      }
      results.push({
        date,
        step: 'notify',
        ok: true,
        seconds: 0,
        detail: 'success (locally: printed only)'
      })
    }
  } finally {
    await moto.stop()
  }

  const table = [
    '| date | step | result | seconds | detail |',
    '| --- | --- | --- | --- | --- |',
    ...results.map(
      r => `| ${r.date} | ${r.step} | ${r.ok ? 'ok' : 'FAILED'} | ${r.seconds} | ${r.detail} |`
    )
  ].join('\n')
  mkdirSync(path.dirname(summaryFile), { recursive: true })
  writeFileSync(summaryFile, `# Local pipeline run\n\n${table}\n\n${summaries.join('\n')}`)
  console.log(
    `\n${table}\n\nlake: ${path.relative(projectRoot, lake)}   summaries: ${path.relative(projectRoot, summaryFile)}`
  )
  const failed =
    results.some(r => !r.ok) || results.filter(r => r.step === 'notify').length !== dates.length
  process.exit(failed ? 1 : 0)
}

await main()
