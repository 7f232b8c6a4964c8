import { RecordInput } from '../constants/shared.js'
import { SparkJobInput } from '../constants/spark-job.js'
import { isIsoDate } from '../core/calendar.js'
import { InputError } from '../core/errors.js'
import type { Inputs } from '../core/inputs.js'
import { runReference } from '../core/run-reference.js'
import { parseLakeRoot, type LakeRoot } from './lake.js'
import { NAME, type Prices, type RunRecord } from './record.js'

/** Where and under which names an action writes its run record. */
export interface RecordTarget {
  root: LakeRoot
  pipeline: string
  task: string
  logicalDate: string
  run?: RunRecord['run']
}

export interface RecordInputNames {
  /** The task's name when the `task` input is empty. */
  defaultTask: string
}

/**
 * The `run-records`, `pipeline`, `task` and `logical-date` inputs, shared by every action
 * that records itself. Off (undefined) when `run-records` is empty; when it is set, the
 * names must be usable in a key and the date valid: a mistake fails the step before any
 * request, as every bad input does.
 */
export function readRecordTarget(
  inputs: Inputs,
  env: NodeJS.ProcessEnv,
  cwd: string,
  { defaultTask }: RecordInputNames
): RecordTarget | undefined {
  const where = inputs.string(RecordInput.RunRecords)
  if (!where) return undefined
  const root = parseLakeRoot(RecordInput.RunRecords, where, cwd)
  const pipeline = inputs.required(RecordInput.Pipeline, 'the pipeline name, for the run record')
  if (!NAME.test(pipeline))
    throw new InputError(RecordInput.Pipeline, 'letters, digits, _ . - (at most 100)', pipeline)
  const task = inputs.string(RecordInput.Task, env.GITHUB_JOB || defaultTask)
  if (!NAME.test(task))
    throw new InputError(RecordInput.Task, 'letters, digits, _ . - (at most 100)', task)
  const logicalDate = inputs.required(
    RecordInput.LogicalDate,
    'a date as YYYY-MM-DD, for the run record'
  )
  if (!isIsoDate(logicalDate))
    throw new InputError(RecordInput.LogicalDate, 'a date as YYYY-MM-DD', logicalDate)
  return { root, pipeline, task, logicalDate, run: githubRunOf(env) }
}

/** The workflow run writing the record (its attempt's page), from the runner's environment. */
export function githubRunOf(env: NodeJS.ProcessEnv): RunRecord['run'] {
  const run = runReference(env, 'attempt')
  if (!run) return undefined
  return { ...run, ...(env.GITHUB_JOB ? { job: env.GITHUB_JOB } : {}) }
}

const PRICE_KEYS = {
  'vcpu-hour': 'vcpu_hour',
  'memory-gb-hour': 'memory_gb_hour',
  'storage-gb-hour': 'storage_gb_hour'
} as const

/** The `prices` input: `vcpu-hour=…`, `memory-gb-hour=…`, `storage-gb-hour=…` lines, in US dollars. */
export function readPrices(inputs: Inputs, defaults: Prices): Prices {
  const prices = { ...defaults }
  const expected = 'vcpu-hour=, memory-gb-hour=, storage-gb-hour= lines with prices in US dollars'
  for (const [key, text] of Object.entries(inputs.keyValues(SparkJobInput.Prices))) {
    const field = PRICE_KEYS[key as keyof typeof PRICE_KEYS]
    const value = Number(text)
    if (!field) throw new InputError(SparkJobInput.Prices, expected, key)
    if (text === '' || !Number.isFinite(value) || value < 0)
      throw new InputError(SparkJobInput.Prices, `${key} as a number of 0 or more`, text)
    prices[field] = value
  }
  return prices
}
