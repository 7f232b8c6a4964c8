import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import { parquetReadObjects } from 'hyparquet'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cachedJarPaths, defaultJarCacheDir } from '../../local/src/emr-serverless/jar-cache.js'
import { filesUnder, loadFolderIntoBucket } from '../../local/src/lake-folder.js'
import { projectRoot, startMoto, venvPython, type Moto } from '../../local/src/moto.js'
import { readVarsFile } from '../../local/src/runner/vars-file.js'
import { runLocalPipeline } from '../support/local-pipeline.js'
import { tempDir } from '../support/temp.js'

// The local EMR Serverless's warm driver must change how fast a job run starts, never what
// it writes: `npm run pipeline` for the same 3 days, once warm (the default) and once
// --cold, each into a lake of its own, then the lakes' outputs side by side. Two pipelines
// of 9 Spark job runs each: a slow file, with nothing timed.

const DATES = ['--start', '2026-01-01', '--end', '2026-01-03']
const DAYS = ['2026-01-01', '2026-01-02', '2026-01-03']
const BUCKET = readVarsFile(
  path.join(projectRoot, '.github', 'local-vars.env'),
  true
).DATA_LAKE_BUCKET!

/**
 * What a run leaves that differs from run to run whatever the driver: IDs, links and times
 * (the resource estimate and its cost are wall time × cores, and the sensor's `landed_at` is
 * when the sample data was written).
 */
const VOLATILE = new Set([
  'run',
  'job_run_ids',
  'snapshot_id',
  'at',
  'started_at',
  'ended_at',
  'generated_at',
  'evaluated_at',
  'landed_at',
  'duration_seconds',
  'vcpu_hours',
  'memory_gb_hours',
  'storage_gb_hours',
  'estimated_cost_usd'
])

/** A JSON file of the lake without its VOLATILE keys, at any depth. */
function stableJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'), (key, value: unknown) =>
    VOLATILE.has(key) ? undefined : value
  )
}

/** Each JSON file under folders of the lake (its path relative to the lake → its stable content). */
function jsonFiles(lake: string, ...folders: string[]): Record<string, unknown> {
  const files: Record<string, unknown> = {}
  for (const folder of folders) {
    for (const file of filesUnder(path.join(lake, folder)).filter(f => f.endsWith('.json'))) {
      files[path.relative(lake, file).split(path.sep).join('/')] = stableJson(file)
    }
  }
  return files
}

/** The lines of the JSON-lines files under a folder, per date folder, sorted (part files are named at random). */
function linesPerDate(root: string): Record<string, string[]> {
  const lines: Record<string, string[]> = {}
  for (const file of filesUnder(root).filter(f => f.endsWith('.json'))) {
    const date = path.basename(path.dirname(file))
    ;(lines[date] ??= []).push(...readFileSync(file, 'utf8').split('\n').filter(Boolean))
  }
  for (const list of Object.values(lines)) list.sort()
  return lines
}

/** Gold's rows per date folder, each as sorted JSON text (Spark's part files are named at random). */
async function goldRows(lake: string): Promise<Record<string, string[]>> {
  const root = path.join(lake, 'gold', 'customer_summary')
  const rows: Record<string, string[]> = {}
  for (const file of filesUnder(root).filter(f => f.endsWith('.parquet'))) {
    const date = path.basename(path.dirname(file))
    const bytes = readFileSync(file)
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
    for (const row of await parquetReadObjects({ file: buffer as ArrayBuffer })) {
      ;(rows[date] ??= []).push(
        JSON.stringify(row, (_key, value: unknown) =>
          typeof value === 'bigint' ? String(value) : value
        )
      )
    }
  }
  for (const list of Object.values(rows)) list.sort()
  return rows
}

/**
 * Silver's rows per date tag, read by PySpark (test/support/silver_rows.py) from the lake
 * loaded into a local S3: Iceberg's metadata names its files by their s3:// paths.
 */
async function silverRows(
  moto: Moto,
  s3: S3Client,
  lake: string,
  scratch: string
): Promise<Record<string, string[]>> {
  await moto.reset()
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }))
  await loadFolderIntoBucket(s3, BUCKET, lake)
  const output = path.join(scratch, `${path.basename(lake)}-silver.jsonl`)
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>(resolve => {
    const child = spawn(
      venvPython,
      [
        'test/support/silver_rows.py',
        '--s3-endpoint',
        moto.endpoint,
        '--jars',
        cachedJarPaths(defaultJarCacheDir(projectRoot)).join(','),
        '--warehouse',
        `s3://${BUCKET}`,
        '--output',
        output
      ],
      { cwd: projectRoot, stdio: ['ignore', 'ignore', 'pipe'] }
    )
    let text = ''
    child.stderr.on('data', chunk => (text += String(chunk)))
    child.on('close', exit => resolve({ code: exit, stderr: text }))
  })
  expect(code, stderr.slice(-4000)).toBe(0)
  const rows: Record<string, string[]> = {}
  for (const line of readFileSync(output, 'utf8').split('\n').filter(Boolean)) {
    const { tag, row } = JSON.parse(line) as { tag: string; row: unknown }
    ;(rows[tag] ??= []).push(JSON.stringify(row))
  }
  return rows
}

interface LakeOutputs {
  silver: Record<string, string[]>
  ingestReports: Record<string, unknown>
  rejected: Record<string, string[]>
  gold: Record<string, string[]>
  quality: Record<string, unknown>
  records: Record<string, unknown>
}

const lakes: Record<'warm' | 'cold', { dir: string; output: string; outputs?: LakeOutputs }> = {
  warm: { dir: '', output: '' },
  cold: { dir: '', output: '' }
}
let moto: Moto | undefined
let s3: S3Client | undefined

beforeAll(async () => {
  const work = tempDir('warm-cold-outputs')
  for (const mode of ['warm', 'cold'] as const) {
    const dir = path.join(work, mode)
    const run = await runLocalPipeline([
      ...DATES,
      '--lake',
      dir,
      ...(mode === 'cold' ? ['--cold'] : [])
    ])
    expect(run.code, `${mode}: ${run.output.slice(-4000)}`).toBe(0)
    lakes[mode] = { dir, output: run.output }
  }
  moto = await startMoto()
  s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true })
  for (const mode of ['warm', 'cold'] as const) {
    const { dir } = lakes[mode]
    lakes[mode].outputs = {
      silver: await silverRows(moto, s3, dir, work),
      ingestReports: jsonFiles(dir, 'silver/_ingest/customers/_reports'),
      rejected: linesPerDate(path.join(dir, 'silver/_ingest/customers/_rejected')),
      gold: await goldRows(dir),
      // The data-quality job's metrics, and the gate's verdict on them.
      quality: jsonFiles(dir, 'quality/metrics', '_pipeline/quality'),
      records: jsonFiles(dir, '_pipeline/runs', '_pipeline/dates')
    }
  }
}, 3_600_000)

afterAll(async () => {
  s3?.destroy()
  await moto?.stop()
})

function outputs(mode: 'warm' | 'cold'): LakeOutputs {
  return lakes[mode].outputs!
}

describe('warm and cold job runs: the same outputs for the same 3 days', () => {
  it('ran each pipeline the way it says: 9 job runs in the warm driver, 9 with spark-submit', () => {
    // The Spark job action's summary quotes the local service's note on each run's estimate.
    const runs = (output: string, how: string): number =>
      output.split(`Local run (${how}`).length - 1
    expect(runs(lakes.warm.output, 'a warm Spark driver')).toBe(9)
    expect(runs(lakes.warm.output, 'spark-submit')).toBe(0)
    expect(runs(lakes.cold.output, 'spark-submit')).toBe(9)
    expect(runs(lakes.cold.output, 'a warm Spark driver')).toBe(0)
  })

  it('silver: the same date tags, each with the same rows', () => {
    const warm = outputs('warm').silver
    expect(Object.keys(warm).sort()).toEqual(DAYS.map(day => `ds-${day}`))
    for (const rows of Object.values(warm)) expect(rows.length).toBeGreaterThan(100)
    expect(outputs('cold').silver).toEqual(warm)
    // The ingest job's own counts (changes read, applied, rejected) and the changes it
    // rejected agree too.
    expect(Object.keys(outputs('warm').ingestReports)).toHaveLength(3)
    expect(outputs('cold').ingestReports).toEqual(outputs('warm').ingestReports)
    expect(Object.keys(outputs('warm').rejected).sort()).toEqual(DAYS.map(day => `date=${day}`))
    for (const rows of Object.values(outputs('warm').rejected))
      expect(rows.length).toBeGreaterThan(0)
    expect(outputs('cold').rejected).toEqual(outputs('warm').rejected)
  })

  it('gold: the same rows for each date', () => {
    const warm = outputs('warm').gold
    expect(Object.keys(warm).sort()).toEqual(DAYS.map(day => `date=${day}`))
    for (const rows of Object.values(warm)) expect(rows.length).toBeGreaterThan(0)
    expect(outputs('cold').gold).toEqual(warm)
  })

  it('quality: the same metric values and the same verdicts', () => {
    const warm = outputs('warm').quality
    for (const day of DAYS) {
      const metrics = warm[`quality/metrics/customers/date=${day}/metrics.json`] as {
        metrics: Record<string, { value: number }>
      }
      expect(metrics.metrics.row_count!.value).toBeGreaterThan(100)
      expect(warm[`_pipeline/quality/customers/date=${day}/results.json`]).toMatchObject({
        passed: true
      })
    }
    expect(outputs('cold').quality).toEqual(warm)
  })

  it('run records: the same tasks in the same states, IDs, times and durations aside', () => {
    const warm = outputs('warm').records
    const states = Object.entries(warm)
      .map(([file, record]) => `${file} ${(record as { state: string }).state}`)
      .sort()
    expect(states).toEqual(
      DAYS.flatMap(day => [
        `_pipeline/dates/daily-customer-etl/${day}.json completed`,
        ...[
          'compute-aggregates',
          'data-quality-metrics',
          'ingest-cdc',
          'quality-gate',
          'wait-for-data'
        ].map(task => `_pipeline/runs/daily-customer-etl/date=${day}/${task}.json success`)
      ]).sort()
    )
    expect(outputs('cold').records).toEqual(warm)
  })
})
