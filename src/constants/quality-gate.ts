import { AwsInput, RecordInput } from './shared.js'

/** The inputs of quality-gate/action.yml, by the names the code reads them under. */
export const QualityGateInput = {
  ...AwsInput,
  ...RecordInput,
  Mode: 'mode',
  Rules: 'rules',
  RulesJson: 'rules-json',
  MetricsRoot: 'metrics-root',
  HistoryDepth: 'history-depth',
  WriteResults: 'write-results',
  ResultsRoot: 'results-root',
  FailOn: 'fail-on',
  MissingHistory: 'missing-history'
} as const

/** The outputs quality-gate/action.yml declares. */
export const QualityGateOutput = {
  RulesJson: 'rules-json',
  RulesJsonName: 'rules-json-name',
  Passed: 'passed',
  Failed: 'failed',
  Warnings: 'warnings',
  Results: 'results'
} as const

export type QualityGateOutputName = (typeof QualityGateOutput)[keyof typeof QualityGateOutput]

/**
 * The defaults the code applies to an empty input: each equals action.yml's (a test compares them).
 */
export const QualityGateDefault = {
  Mode: 'gate',
  HistoryDepth: 30,
  WriteResults: false,
  FailOn: 'error',
  MissingHistory: 'warn'
} as const
