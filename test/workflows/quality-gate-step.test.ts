import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, realpathSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { motoClient } from '../s3/support/objects.js'
import { awsTestEnv, projectRoot, startMoto, venvPython, type Moto } from '../support/moto.js'
import { runAction } from '../support/run-action.js'

// The daily workflow's quality-gate step, with its own `with:` inputs, run as the runner runs
// dist/quality-gate, on a metrics document the data-quality job wrote, in S3 (moto). The lake
// layout has the gate's results document beside the metrics: the step must write it.
const DS = '2024-03-01'
const BUCKET = 'data-lake'

interface Step {
  uses?: string
  with?: Record<string, string>
}
const workflow = parse(
  readFileSync(path.join(projectRoot, '.github/workflows/daily-customer-etl.yml'), 'utf8')
) as { jobs: Record<string, { steps: Step[] }> }
const gateStep = workflow.jobs['validate-data-quality'].steps.find(
  step => step.uses === './quality-gate'
)

/** The step's inputs with its expressions resolved as the runner would. */
function stepInputs(): Record<string, string> {
  const values: Record<string, string> = {
    'env.LAKE': `s3://${BUCKET}`,
    'needs.resolve-date.outputs.date': DS
  }
  return Object.fromEntries(
    Object.entries(gateStep?.with ?? {}).map(([name, value]) => [
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
beforeAll(async () => {
  moto = await startMoto()
  // One silver day and its metrics document, written by the data-quality job (local PySpark).
  const lake = mkdtempSync(path.join(tmpdir(), 'gate-step-lake-'))
  execFileSync(venvPython, ['test/quality/make_lake.py', lake, DS, '1', '2000-01-01', DS], {
    cwd: projectRoot,
    env: javaEnv(),
    stdio: 'pipe'
  })
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
})

describe('daily workflow: quality gate', () => {
  it('writes the results document beside the metrics in the lake', async () => {
    expect(gateStep?.with?.['metrics-root']).toBe('${{ env.LAKE }}/quality/metrics')
    const run = await runAction('quality-gate', {
      inputs: stepInputs(),
      env: { ...awsTestEnv, AWS_ENDPOINT_URL_S3: moto.endpoint }
    })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    const object = await motoClient(moto.endpoint).send(
      new GetObjectCommand({
        Bucket: BUCKET,
        Key: `quality/metrics/customers/date=${DS}/results.json`
      })
    )
    const results = JSON.parse(await object.Body!.transformToString())
    expect(results).toMatchObject({ dataset: 'customers', logical_date: DS, passed: true })
  })
})
