import { readFileSync } from 'node:fs'
import path from 'node:path'
import { awsClientSettings, type AwsClientSettings } from '../core/aws.js'
import { createS3Client } from '../core/aws-clients.js'
import { isIsoDate } from '../core/calendar.js'
import { InputError } from '../core/errors.js'
import type { Inputs } from '../core/inputs.js'
import type { MissingHistory } from './evaluate.js'
import { type FailOn, historyNeeded } from './gate.js'
import {
  LocalMetricsStore,
  type MetricsRoot,
  type MetricsStore,
  parseMetricsRoot,
  S3MetricsStore
} from './metrics-store.js'
import { parseRules, type RuleSet } from './rules.js'

export interface GateConfig {
  ruleSet: RuleSet
  logicalDate: string
  historyDepth: number
  missingHistory: MissingHistory
  failOn: FailOn
  writeResults: boolean
  root: MetricsRoot
  /** Only for an s3:// metrics root. */
  aws?: AwsClientSettings
}

/**
 * Reads and checks every input, and the rules file, before the first request: a mistake is
 * one line naming the input (or the rules file and rule).
 */
export function readGateConfig(inputs: Inputs, env: NodeJS.ProcessEnv, cwd: string): GateConfig {
  const rulesPath = inputs.required(
    'rules',
    'the path of a rules file such as quality/customers.yml'
  )
  const metricsRoot = inputs.required(
    'metrics-root',
    'an s3://bucket/prefix URI or a local directory holding <dataset>/date=<ds>/metrics.json'
  )
  const logicalDate = inputs.required('logical-date', 'a date as YYYY-MM-DD')
  if (!isIsoDate(logicalDate)) {
    throw new InputError('logical-date', 'a date as YYYY-MM-DD', logicalDate)
  }
  const historyDepth = inputs.integer('history-depth', 30, { min: 1, max: 366 })
  const writeResults = inputs.boolean('write-results', false)
  const failOn = inputs.choice('fail-on', ['error', 'warn'] as const, 'error')
  const missingHistory = inputs.choice('missing-history', ['pass', 'warn', 'fail'] as const, 'warn')

  let text: string
  try {
    text = readFileSync(path.resolve(cwd, rulesPath), 'utf8')
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable'
    throw new InputError('rules', `a readable rules file in the repository (${reason})`, rulesPath)
  }
  const ruleSet = parseRules(text, rulesPath)
  historyNeeded(ruleSet, historyDepth)

  const root = parseMetricsRoot(metricsRoot, cwd)
  const aws = root.kind === 's3' ? awsClientSettings(inputs, env) : undefined
  return { ruleSet, logicalDate, historyDepth, missingHistory, failOn, writeResults, root, aws }
}

export function createMetricsStore(config: GateConfig, env: NodeJS.ProcessEnv): MetricsStore {
  if (config.root.kind === 'local') return new LocalMetricsStore(config.root.dir)
  return new S3MetricsStore(
    createS3Client(config.aws!, env),
    config.root.bucket,
    config.root.prefix
  )
}
