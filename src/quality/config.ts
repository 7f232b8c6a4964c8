import { QualityGateDefault, QualityGateInput } from '../constants/quality-gate.js'
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
import type { PrepareOptions } from './prepare.js'
import { parseRules, type RuleSet } from './rules.js'

export interface GateConfig {
  ruleSet: RuleSet
  logicalDate: string
  historyDepth: number
  missingHistory: MissingHistory
  failOn: FailOn
  writeResults: boolean
  root: MetricsRoot
  /** Where results.json goes when it is not beside metrics.json. */
  resultsRoot?: MetricsRoot
  /** Only for an s3:// metrics or results root. */
  aws?: AwsClientSettings
}

/**
 * Reads and checks every input, and the rules file, before the first request: a mistake is
 * one line naming the input (or the rules file and rule).
 */
export function readGateConfig(inputs: Inputs, env: NodeJS.ProcessEnv, cwd: string): GateConfig {
  const rulesPath = rulesInput(inputs)
  const metricsRoot = inputs.required(
    QualityGateInput.MetricsRoot,
    'an s3://bucket/prefix URI or a local directory holding <dataset>/date=<ds>/metrics.json'
  )
  const logicalDate = inputs.required(QualityGateInput.LogicalDate, 'a date as YYYY-MM-DD')
  if (!isIsoDate(logicalDate)) {
    throw new InputError(QualityGateInput.LogicalDate, 'a date as YYYY-MM-DD', logicalDate)
  }
  const historyDepth = inputs.integer(
    QualityGateInput.HistoryDepth,
    QualityGateDefault.HistoryDepth,
    { min: 1, max: 366 }
  )
  const writeResults = inputs.boolean(
    QualityGateInput.WriteResults,
    QualityGateDefault.WriteResults
  )
  const failOn = inputs.choice(
    QualityGateInput.FailOn,
    ['error', 'warn'] as const,
    QualityGateDefault.FailOn
  )
  const missingHistory = inputs.choice(
    QualityGateInput.MissingHistory,
    ['pass', 'warn', 'fail'] as const,
    QualityGateDefault.MissingHistory
  )

  const ruleSet = parseRules(readRulesText(rulesPath, cwd), rulesPath)
  historyNeeded(ruleSet, historyDepth)

  const root = parseMetricsRoot(QualityGateInput.MetricsRoot, metricsRoot, cwd)
  const resultsRootText = inputs.string(QualityGateInput.ResultsRoot)
  if (resultsRootText && !writeResults) {
    throw new InputError(
      QualityGateInput.ResultsRoot,
      "write-results: 'true' with it (or no results-root)"
    )
  }
  const resultsRoot = resultsRootText
    ? parseMetricsRoot(QualityGateInput.ResultsRoot, resultsRootText, cwd)
    : undefined
  const aws =
    root.kind === 's3' || resultsRoot?.kind === 's3' ? awsClientSettings(inputs, env) : undefined
  return {
    ruleSet,
    logicalDate,
    historyDepth,
    missingHistory,
    failOn,
    writeResults,
    root,
    ...(resultsRoot ? { resultsRoot } : {}),
    ...(aws ? { aws } : {})
  }
}

export type Mode = 'gate' | 'prepare'

/** `gate` (evaluate a date's metrics) or `prepare` (validate the rules, write their JSON). */
export const readMode = (inputs: Inputs): Mode =>
  inputs.choice(QualityGateInput.Mode, ['gate', 'prepare'] as const, QualityGateDefault.Mode)

/**
 * The prepare mode's inputs: the rules file and where its normalised JSON goes, inside the
 * workspace (the Spark job action stages only repository files), ending in `.json`. By
 * default `.quality-gate/<rules file name>.json`.
 */
export function readPrepareConfig(inputs: Inputs, cwd: string): PrepareOptions {
  const rulesPath = rulesInput(inputs)
  const expected = 'a path ending in .json inside the repository (the Spark job stages it)'
  const given = inputs.string(QualityGateInput.RulesJson).trim()
  const shown = given || `.quality-gate/${path.basename(rulesPath, path.extname(rulesPath))}.json`
  const output = path.resolve(cwd, shown)
  const relative = path.relative(cwd, output)
  if (
    !shown.toLowerCase().endsWith('.json') ||
    path.isAbsolute(shown) ||
    relative.startsWith('..') ||
    path.isAbsolute(relative)
  ) {
    throw new InputError(QualityGateInput.RulesJson, expected, given)
  }
  return {
    rulesFile: rulesPath,
    text: readRulesText(rulesPath, cwd),
    output,
    outputShown: relative.split(path.sep).join('/')
  }
}

const rulesInput = (inputs: Inputs): string =>
  inputs.required(QualityGateInput.Rules, 'the path of a rules file such as quality/customers.yml')

function readRulesText(rulesPath: string, cwd: string): string {
  try {
    return readFileSync(path.resolve(cwd, rulesPath), 'utf8')
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable'
    throw new InputError(
      QualityGateInput.Rules,
      `a readable rules file in the repository (${reason})`,
      rulesPath
    )
  }
}

/** The store of `root`: the metrics root, or the results root when it is given. */
export function createMetricsStore(
  config: GateConfig,
  env: NodeJS.ProcessEnv,
  root: MetricsRoot = config.root
): MetricsStore {
  if (root.kind === 'local') return new LocalMetricsStore(root.dir)
  return new S3MetricsStore(createS3Client(config.aws!, env), root.bucket, root.prefix)
}
