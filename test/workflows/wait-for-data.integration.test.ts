import { readFileSync } from 'node:fs'
import path from 'node:path'
import { dateOutcome } from '../../src/pipeline/date-outcome.js'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { createBucket, motoClient, putObjects } from '../s3/support/objects.js'
import { awsTestEnv, projectRoot, startMoto, type Moto } from '../support/moto.js'
import { runAction, type ActionRun } from '../support/run-action.js'

// The daily workflow's wait-for-data step, with its own `with:` inputs, run as the runner
// runs dist/s3-sensor against moto: it must accept every export the ingest job accepts.
const DS = '2026-01-02'
const PREFIX = `bronze/customers/date=${DS}/`

interface Step {
  uses?: string
  with?: Record<string, string>
}
const workflow = parse(
  readFileSync(path.join(projectRoot, '.github/workflows/daily-customer-etl-date.yml'), 'utf8')
) as { jobs: Record<string, { steps: Step[] }> }
const sensorStep = workflow.jobs['wait-for-data']?.steps.find(step => step.uses === './s3-sensor')

/** The step's inputs with its expressions resolved; the hour-long wait shortened. */
function stepInputs(): Record<string, string> {
  const values: Record<string, string> = {
    'vars.DATA_LAKE_BUCKET': 'data-lake',
    'env.LAKE': 's3://data-lake',
    'env.PIPELINE': 'daily-customer-etl',
    'inputs.date': DS
  }
  const inputs = Object.fromEntries(
    Object.entries(sensorStep?.with ?? {}).map(([name, value]) => [
      name,
      String(value).replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expression: string) => {
        const resolved = values[expression]
        if (resolved === undefined) throw new Error(`unexpected expression ${expression}`)
        return resolved
      })
    ])
  )
  return { ...inputs, timeout: '3s', 'poke-interval': '500ms' }
}

let moto: Moto
beforeAll(async () => {
  moto = await startMoto()
})
afterAll(async () => {
  await moto?.stop()
})
beforeEach(async () => {
  await moto.reset()
  await createBucket(motoClient(moto.endpoint), 'data-lake')
})

const sensor = (): Promise<ActionRun> =>
  runAction('s3-sensor', {
    inputs: stepInputs(),
    env: { ...awsTestEnv, AWS_ENDPOINT_URL_S3: moto.endpoint },
    timeoutMs: 60_000
  })

describe('daily workflow (one date): wait-for-data', () => {
  it('passes a day without changes (only the _SUCCESS marker), which the ingest job applies', async () => {
    expect(sensorStep?.with?.key).toBe('bronze/customers/date=${{ inputs.date }}/')
    await putObjects(motoClient(moto.endpoint), 'data-lake', [
      { key: `${PREFIX}_SUCCESS`, body: '' }
    ])
    const run = await sensor()
    expect(run.stdout).not.toContain('::error::')
    expect(run.code).toBe(0)
    expect(run.outputs.found).toBe('true')
  })

  it('passes a complete export with data files', async () => {
    await putObjects(motoClient(moto.endpoint), 'data-lake', [
      { key: `${PREFIX}part-00000.json`, body: '{"op":"I"}\n' },
      { key: `${PREFIX}_SUCCESS`, body: '' }
    ])
    const run = await sensor()
    expect(run.code).toBe(0)
    expect(run.outputs.count).toBe('1')
  })

  it('keeps waiting for an export still being written (no marker yet), then says found: false', async () => {
    await putObjects(motoClient(moto.endpoint), 'data-lake', [
      { key: `${PREFIX}part-00000.json`, body: '{"op":"I"}\n' }
    ])
    const run = await sensor()
    // soft-fail: the job passes and the date's finish job records the date blocked (the
    // export never landed), so the later jobs are skipped and no trigger waits for it again.
    expect(run.code).toBe(0)
    expect(run.outputs.found).toBe('false')
    expect(
      dateOutcome({ 'wait-for-data': { result: 'success', outputs: run.outputs } }, 'x')
    ).toMatchObject({
      status: 'blocked',
      kind: 'data-missing'
    })
  })
})
