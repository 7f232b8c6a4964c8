import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { execFileSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { motoClient } from '../s3/support/objects.js'
import { awsTestEnv, projectRoot, startMoto, venvPython, type Moto } from '../support/moto.js'
import { runAction } from '../support/run-action.js'
import { planMetrics } from '../../src/quality/metric-ids.js'
import { prepareCustomersRules } from '../quality/rules-repo.js'
import { parseRules } from '../../src/quality/rules.js'
import { tempDir } from '../support/temp.js'
import { present } from '../support/present.js'

// The daily workflow's quality-gate step, with its own `with:` inputs, run as the runner runs
// dist/quality-gate, on a metrics document the data-quality job wrote, in S3 (moto). The lake
// layout has the gate's results document beside the metrics: the step must write it.
const DS = '2024-03-01'
const BUCKET = 'data-lake'

interface Step {
  id?: string
  uses?: string
  with?: Record<string, string>
}
const workflow = parse(
  readFileSync(path.join(projectRoot, '.github/workflows/daily-customer-etl-date.yml'), 'utf8')
) as { jobs: Record<string, { steps: Step[] }> }
const qualitySteps = present(
  workflow.jobs['validate-data-quality'],
  'the validate-data-quality job'
).steps
const gateStep = qualitySteps.find(step => step.uses === './quality-gate' && step.id === 'gate')
const prepareStep = qualitySteps.find(step => step.uses === './quality-gate' && step.id === 'rules')
const metricsStep = qualitySteps.find(step => step.uses === './')

/** A step's inputs with its expressions resolved as the runner would. */
function stepInputs(
  step: Step | undefined = gateStep,
  outputs: Record<string, string> = {}
): Record<string, string> {
  const values: Record<string, string> = {
    'env.LAKE': `s3://${BUCKET}`,
    'env.PIPELINE': 'daily-customer-etl',
    'inputs.date': DS,
    ...outputs
  }
  return Object.fromEntries(
    Object.entries(step?.with ?? {}).map(([name, value]) => [
      name,
      String(value).replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expression: string) => {
        const resolved = values[expression]
        if (resolved === undefined) throw new Error(`unexpected expression ${expression}`)
        return resolved
      })
    ])
  )
}

function javaEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  if (!env.JAVA_HOME) {
    const java = execFileSync('sh', ['-c', 'command -v java'], { encoding: 'utf8' }).trim()
    env.JAVA_HOME = path.dirname(path.dirname(realpathSync(java)))
  }
  return env
}

let moto: Moto
let workspace: string
beforeAll(async () => {
  workspace = mkdtempSync(path.join(tmpdir(), 'gate-step-repo-'))
  moto = await startMoto()
  // One silver day and its metrics document, written by the data-quality job (local PySpark).
  const lake = tempDir('gate-step-lake')
  const rulesJson = prepareCustomersRules(lake)
  execFileSync(
    venvPython,
    ['test/quality/make_lake.py', lake, rulesJson, DS, '1', '2000-01-01', DS],
    { cwd: projectRoot, env: javaEnv(), stdio: 'pipe' }
  )
  const s3 = motoClient(moto.endpoint)
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }))
  await s3.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: `quality/metrics/customers/date=${DS}/metrics.json`,
      Body: readFileSync(
        path.join(lake, 'quality', 'metrics', 'customers', `date=${DS}`, 'metrics.json')
      )
    })
  )
}, 600_000)
afterAll(async () => {
  await moto?.stop()
  rmSync(workspace, { recursive: true, force: true })
})

describe('daily workflow: quality gate', () => {
  it("writes the results document under _pipeline/quality, which the Spark jobs' role cannot write", async () => {
    expect(gateStep?.with?.['metrics-root']).toBe('${{ env.LAKE }}/quality/metrics')
    expect(gateStep?.with?.['results-root']).toBe('${{ env.LAKE }}/_pipeline/quality')
    const run = await runAction('quality-gate', {
      inputs: stepInputs(),
      env: { ...awsTestEnv, AWS_ENDPOINT_URL_S3: moto.endpoint }
    })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    const object = await motoClient(moto.endpoint).send(
      new GetObjectCommand({
        Bucket: BUCKET,
        Key: `_pipeline/quality/customers/date=${DS}/results.json`
      })
    )
    const results = JSON.parse(await object.Body!.transformToString())
    expect(results).toMatchObject({ dataset: 'customers', logical_date: DS, passed: true })
  })
})

describe('daily workflow: the data-quality step runs on the prepared JSON rules', () => {
  it("validates the gate's rules file first and ships the normalised rules JSON, which the job reads without PyYAML", async () => {
    // The prepare step checks the very file the gate evaluates, before the Spark step.
    expect(prepareStep?.with).toEqual({ mode: 'prepare', rules: gateStep?.with?.rules })
    expect(qualitySteps.indexOf(prepareStep!)).toBeLessThan(qualitySteps.indexOf(metricsStep!))

    // Run it as the runner does, in a checkout of the repository's rules.
    cpSync(path.join(projectRoot, 'quality'), path.join(workspace, 'quality'), { recursive: true })
    const prepared = await runAction('quality-gate', {
      inputs: stepInputs(prepareStep),
      cwd: workspace
    })
    expect(prepared.code, prepared.stdout + prepared.stderr).toBe(0)
    expect(prepared.outputs).toEqual({
      'rules-json': '.quality-gate/customers.json',
      'rules-json-name': 'customers.json'
    })

    // The Spark step ships that file (a repository path, as `files` stages it) and names it
    // by the bare name spark-submit --files gives it.
    const outputs = Object.fromEntries(
      Object.entries(prepared.outputs).map(([name, value]) => [
        `steps.rules.outputs.${name}`,
        value
      ])
    )
    const spark = stepInputs(metricsStep, {
      ...outputs,
      'vars.EMR_APPLICATION_ID': 'app',
      'vars.EMR_EXECUTION_ROLE_ARN': 'role',
      'vars.EMR_LOG_URI': 's3://logs',
      'vars.EMR_STAGING_URI': 's3://staging',
      "vars.EMR_POLL_INTERVAL_MIN || '5s'": '5s',
      "vars.EMR_POLL_INTERVAL_MAX || '30s'": '30s',
      "vars.EMR_RETRIES || '3'": '3',
      "vars.EMR_RETRY_DELAY || '5m'": '5m',
      'env.REFUSAL_EXIT_CODE': '65',
      'env.PIPELINE': 'daily-customer-etl',
      'env.ICEBERG_SPARK_CONF': 'spark.sql.catalog.lake=org.apache.iceberg.spark.SparkCatalog'
    })
    const shipped = path.join(workspace, present(spark.files, 'the files input'))
    expect(existsSync(shipped)).toBe(true)
    const args = present(spark['entry-point-arguments'], 'the entry-point-arguments input')
      .trim()
      .split('\n')
    expect(args[args.indexOf('--rules') + 1]).toBe(path.basename(shipped))

    // The job, where `import yaml` fails, plans the metrics the gate will look for.
    const shadow = path.join(workspace, 'no-pyyaml', 'yaml')
    mkdirSync(shadow, { recursive: true })
    writeFileSync(
      path.join(shadow, '__init__.py'),
      "raise ModuleNotFoundError('No module named yaml', name='yaml')\n"
    )
    const env = { ...process.env, PYTHONPATH: path.dirname(shadow) }
    const planned = execFileSync(
      venvPython,
      [path.join(projectRoot, 'jobs', 'data_quality.py'), '--check-rules', '--rules', shipped],
      { env, encoding: 'utf8' }
    )
    const rules = present(gateStep?.with?.rules, "the gate step's rules input")
    const ruleSet = parseRules(readFileSync(path.join(projectRoot, rules), 'utf8'), rules)
    expect(JSON.parse(planned)).toEqual({ dataset: 'customers', metrics: planMetrics(ruleSet) })
    const blocked = (() => {
      try {
        execFileSync(venvPython, ['-c', 'import yaml'], { env, stdio: 'pipe' })
        return false
      } catch {
        return true
      }
    })()
    expect(blocked, 'yaml must not be importable in this environment').toBe(true)
  })
})
