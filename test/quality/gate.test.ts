import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { InputError, UserError } from '../../src/core/errors.js'
import { Inputs } from '../../src/core/inputs.js'
import { MemoryLogger } from '../../src/core/log.js'
import { readGateConfig } from '../../src/quality/config.js'
import { failureMessage, runQualityGate, type GateOptions } from '../../src/quality/gate.js'
import { LocalMetricsStore, parseMetricsRoot } from '../../src/quality/metrics-store.js'
import { parseRules } from '../../src/quality/rules.js'
import { tempDir } from '../support/temp.js'

const DAY = '2024-03-10'
const RULES = `
dataset: customers
rules:
  - name: not empty
    row_count: { min: 1 }
  - name: emails present
    severity: warn
    missing_count: { column: email }
  - name: volume steady
    change: { metric: row_count, last: 2, min_ratio: 0.5 }
`

let root: string
let logger: MemoryLogger

function writeDoc(date: string, rows: number, missingEmails = 0, extra: object = {}): void {
  const dir = path.join(root, 'customers', `date=${date}`)
  mkdirSync(dir, { recursive: true })
  const document = {
    schema_version: 1,
    dataset: 'customers',
    logical_date: date,
    generated_at: `${date}T03:00:00.000Z`,
    row_count: rows,
    columns: { customer_id: 'string', email: 'string' },
    metrics: {
      row_count: { kind: 'row_count', value: rows },
      'missing_count(email)': { kind: 'missing_count', columns: ['email'], value: missingEmails }
    },
    ...extra
  }
  writeFileSync(path.join(dir, 'metrics.json'), JSON.stringify(document))
}

function options(overrides: Partial<GateOptions> = {}): GateOptions {
  return {
    ruleSet: parseRules(RULES, 'quality/customers.yml'),
    logicalDate: DAY,
    historyDepth: 30,
    missingHistory: 'warn',
    failOn: 'error',
    writeResults: false,
    store: new LocalMetricsStore(root),
    logger,
    now: () => new Date('2024-03-11T02:30:00Z'),
    ...overrides
  }
}

async function gateError(overrides: Partial<GateOptions> = {}): Promise<string> {
  const error = await runQualityGate(options(overrides)).then(
    () => undefined,
    (caught: unknown) => caught
  )
  expect(error).toBeInstanceOf(UserError)
  const message = (error as Error).message
  expect(message).not.toContain('\n')
  return message
}

beforeEach(() => {
  root = tempDir('quality-gate')
  logger = new MemoryLogger()
})

describe('runQualityGate', () => {
  it('passes a good day and compares with the newest earlier dates only', async () => {
    writeDoc('2024-03-06', 1) // older than the 2 dates asked for: not read
    writeDoc('2024-03-08', 100)
    writeDoc('2024-03-09', 120)
    writeDoc('2024-03-11', 1) // a later date must never count as history
    writeDoc(DAY, 100)
    const outcome = await runQualityGate(options())
    expect(outcome.results).toMatchObject({
      passed: true,
      failed: 0,
      warnings: 0,
      history_dates: ['2024-03-09', '2024-03-08'],
      evaluated_at: '2024-03-11T02:30:00.000Z'
    })
    expect(outcome.results.results.map(result => result.status)).toEqual(['pass', 'pass', 'pass'])
    expect(outcome.results.results[2]?.history).toEqual({
      wanted: 2,
      dates: ['2024-03-09', '2024-03-08'],
      baseline: 110,
      sufficient: true
    })
    expect(outcome.summary.toString()).toContain('| rule | value | bound | status |')
    expect(outcome.summary.toString()).toContain(
      '| volume steady | 100 vs avg 110 (ratio 0.909, change -10) |'
    )
    expect(logger.lines.filter(line => /^(error|warning):/.test(line))).toEqual([])
  })

  it('fails on an error rule, annotates each failing rule, and says which failed', async () => {
    writeDoc('2024-03-08', 100)
    writeDoc('2024-03-09', 100)
    writeDoc(DAY, 0, 3)
    const outcome = await runQualityGate(options())
    expect(outcome.results).toMatchObject({ passed: false, failed: 2, warnings: 1 })
    expect(logger.lines.filter(line => /^(error|warning):/.test(line))).toEqual([
      'error: not empty: 0 rows (expected >= 1)',
      'warning: emails present: 3 rows without email (expected <= 0)',
      'error: volume steady: row_count is 0 vs avg 100 (ratio 0, change -100) (expected ratio >= 0.5 vs avg of last 2)'
    ])
    expect(failureMessage(outcome.results)).toBe(
      'Data quality gate failed for customers 2024-03-10: 2 failed, 1 warnings (fail-on: error): not empty, volume steady'
    )
    expect(outcome.summary.toString()).toContain('❌ failed')
    expect(outcome.summary.toString()).toContain('| not empty | 0 | >= 1 | ❌ fail |')
    expect(outcome.summary.toString()).toContain(
      '| emails present | 3 | &lt;= 0 | ⚠️ warn · warn rule |'
    )
  })

  it('passes with warnings by default, and fails on them with fail-on: warn', async () => {
    writeDoc('2024-03-08', 100)
    writeDoc('2024-03-09', 100)
    writeDoc(DAY, 100, 1)
    expect((await runQualityGate(options())).results).toMatchObject({ passed: true, warnings: 1 })
    const strict = await runQualityGate(options({ failOn: 'warn' }))
    expect(strict.results).toMatchObject({ passed: false, failed: 0, warnings: 1 })
    expect(failureMessage(strict.results)).toMatch(
      /0 failed, 1 warnings \(fail-on: warn\): emails present$/
    )
  })

  it('reports missing history with the configured status, never silently', async () => {
    writeDoc(DAY, 100)
    for (const missingHistory of ['pass', 'warn', 'fail'] as const) {
      const outcome = await runQualityGate(options({ missingHistory }))
      const change = outcome.results.results[2]
      expect(change?.status).toBe(missingHistory)
      expect(change?.history).toEqual({ wanted: 2, dates: [], sufficient: false })
      expect(outcome.summary.toString()).toContain('(not enough history)')
      const said = logger.lines.filter(line => line.includes('volume steady: only 0 of 2'))
      expect(said.at(-1)).toMatch(
        missingHistory === 'pass'
          ? /^info: /
          : missingHistory === 'warn'
            ? /^warning: /
            : /^error: /
      )
    }
  })

  it('writes results.json beside the metrics only when asked', async () => {
    writeDoc(DAY, 100)
    const file = path.join(root, 'customers', `date=${DAY}`, 'results.json')
    await runQualityGate(options())
    expect(() => readFileSync(file)).toThrow(/ENOENT/)
    const outcome = await runQualityGate(options({ writeResults: true }))
    expect(outcome.resultsLocation).toBe(file)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(outcome.results)
  })

  it('refuses a change rule asking for more dates than history-depth, before reading', async () => {
    const message = await gateError({ historyDepth: 1 })
    expect(message).toBe(
      "Input 'history-depth': expected at least 2 (rule 3 'volume steady' of quality/customers.yml compares with the last 2 dates), got '1'"
    )
  })
})

describe('a metrics document that is not the one asked for fails with one line', () => {
  const location = (): string => path.join(root, 'customers', `date=${DAY}`, 'metrics.json')

  it('missing', async () => {
    expect(await gateError()).toBe(
      `Metrics document ${location()} not found (did the data-quality job run for ${DAY}?)`
    )
  })

  it('not JSON', async () => {
    writeDoc(DAY, 1)
    writeFileSync(location(), '{"schema_version": 1,')
    expect(await gateError()).toMatch(/^Metrics document .*metrics\.json: not valid JSON \(.+\)$/)
  })

  it('for another date', async () => {
    writeDoc(DAY, 1, 0, { logical_date: '2024-03-09' })
    expect(await gateError()).toBe(
      `Metrics document ${location()}: it is for logical date "2024-03-09", expected ${DAY}`
    )
  })

  it('for another dataset', async () => {
    writeDoc(DAY, 1, 0, { dataset: 'orders' })
    expect(await gateError()).toBe(
      `Metrics document ${location()}: it is for dataset "orders", expected 'customers' (the rules file's dataset)`
    )
  })

  it('of another schema version', async () => {
    writeDoc(DAY, 1, 0, { schema_version: 2 })
    expect(await gateError()).toBe(
      `Metrics document ${location()}: schema_version is 2; this gate reads version 1 (update the action or the data-quality job)`
    )
  })

  it('without a metric the rules need', async () => {
    writeDoc(DAY, 1, 0, { metrics: { row_count: { kind: 'row_count', value: 1 } } })
    expect(await gateError()).toBe(
      `Metrics document ${location()}: no metric 'missing_count(email)' for rule 2 'emails present' (was the data-quality job run with quality/customers.yml?)`
    )
  })

  it('with a malformed metric', async () => {
    writeDoc(DAY, 1, 0, { metrics: { row_count: { kind: 'row_count' } } })
    expect(await gateError()).toBe(
      `Metrics document ${location()}: metric 'row_count' has no number, timestamp or null 'value'`
    )
  })

  const withMetric = (id: string, entry: object): object => ({
    metrics: {
      row_count: { kind: 'row_count', value: 5 },
      'missing_count(email)': { kind: 'missing_count', columns: ['email'], value: 0 },
      [id]: entry
    }
  })
  it.each<[string, () => void, string]>([
    [
      'a negative row count',
      () => writeDoc(DAY, -1),
      "'row_count' must be a whole number of 0 or more, got -1"
    ],
    [
      'a negative missing count',
      () => writeDoc(DAY, 5, -2),
      `'metrics["missing_count(email)"].value' must be a whole number of 0 or more, got -2`
    ],
    [
      'a top-level row_count that disagrees with metrics.row_count',
      () => writeDoc(DAY, 5, 0, { row_count: 6 }),
      `'metrics["row_count"].value' is 5 but 'row_count' is 6`
    ],
    [
      'a freshness value that is not a timestamp',
      () =>
        writeDoc(
          DAY,
          5,
          0,
          withMetric('max_timestamp(updated_at)', { kind: 'max_timestamp', value: 'yesterday' })
        ),
      `'metrics["max_timestamp(updated_at)"].value' must be an ISO-8601 timestamp or null, got "yesterday"`
    ],
    [
      'a freshness value that is only a date',
      () =>
        writeDoc(
          DAY,
          5,
          0,
          withMetric('max_timestamp(updated_at)', { kind: 'max_timestamp', value: '2024-03-10' })
        ),
      `'metrics["max_timestamp(updated_at)"].value' must be an ISO-8601 timestamp or null, got "2024-03-10"`
    ],
    [
      'a freshness value that is a number',
      () =>
        writeDoc(
          DAY,
          5,
          0,
          withMetric('max_timestamp(updated_at)', { kind: 'max_timestamp', value: 1710028800 })
        ),
      `'metrics["max_timestamp(updated_at)"].value' must be an ISO-8601 timestamp or null, got 1710028800`
    ],
    [
      'a fractional count',
      () => writeDoc(DAY, 5, 0.5),
      `'metrics["missing_count(email)"].value' must be a whole number of 0 or more, got 0.5`
    ],
    [
      'more repeated keys than extra rows',
      () =>
        writeDoc(
          DAY,
          5,
          0,
          withMetric('duplicate_count(customer_id)', {
            kind: 'duplicate_count',
            value: 1,
            duplicate_keys: 2
          })
        ),
      `'metrics["duplicate_count(customer_id)"].duplicate_keys' must be a whole number from 0 to the value 1, got 2`
    ],
    [
      'an unknown kind of metric',
      () => writeDoc(DAY, 5, 0, withMetric('mean(x)', { kind: 'mean', value: 3 })),
      `'metrics["mean(x)"].kind' must be one of row_count, missing_count, duplicate_count, invalid_count, max_timestamp, got "mean"`
    ],
    [
      'a generated_at that is not a timestamp',
      () => writeDoc(DAY, 5, 0, { generated_at: 'today' }),
      `'generated_at' must be an ISO-8601 timestamp, got "today"`
    ]
  ])('with %s: a malformed-document error naming the field', async (_case, write, message) => {
    write()
    expect(await gateError()).toBe(`Metrics document ${location()}: ${message}`)
  })

  it('never copies control bytes out of the file into the error line', async () => {
    // A metric id and a JSON syntax error carrying ESC, BEL, CR and a newline.
    writeDoc(DAY, 5, 0, withMetric('x\u001b[31m\r\n::error::y', { kind: 'missing_count' }))
    const badId = await gateError()
    expect(badId).toContain("metric 'x\\u001b[31m\\u000d\\u000a::error::y' has no number")
    writeFileSync(location(), '{"schema_version": 1, "dataset": "\u0007\u001b[2J" x}')
    const badJson = await gateError()
    expect(badJson).toMatch(/not valid JSON/)
    for (const message of [badId, badJson]) {
      // eslint-disable-next-line no-control-regex -- looking for control characters
      expect(message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/)
    }
  })

  it('an earlier date whose document is broken', async () => {
    writeDoc(DAY, 1)
    writeDoc('2024-03-09', 1, 0, { dataset: 'orders' })
    expect(await gateError()).toMatch(/date=2024-03-09\/metrics\.json: it is for dataset "orders"/)
  })
})

describe('readGateConfig', () => {
  let repo: string
  beforeEach(() => {
    repo = tempDir('quality-repo')
    mkdirSync(path.join(repo, 'quality'))
    writeFileSync(path.join(repo, 'quality', 'customers.yml'), RULES)
  })
  const read = (values: Record<string, string>, env: NodeJS.ProcessEnv = {}) =>
    readGateConfig(new Inputs(name => values[name]), env, repo)
  const base = { rules: 'quality/customers.yml', 'metrics-root': 'metrics', 'logical-date': DAY }

  it('reads the defaults and a local root relative to the workspace', () => {
    const config = read(base)
    expect(config).toMatchObject({
      logicalDate: DAY,
      historyDepth: 30,
      missingHistory: 'warn',
      failOn: 'error',
      writeResults: false,
      root: { kind: 'local', dir: path.join(repo, 'metrics') }
    })
    expect(config.aws).toBeUndefined()
  })

  it('needs a region only for an s3:// root', () => {
    const s3 = { ...base, 'metrics-root': 's3://lake/quality/metrics/' }
    expect(read(s3, { AWS_REGION: 'eu-west-1' })).toMatchObject({
      root: { kind: 's3', bucket: 'lake', prefix: 'quality/metrics' },
      aws: { region: 'eu-west-1' }
    })
    expect(() => read(s3)).toThrow(InputError)
  })

  it.each([
    [
      { 'logical-date': '2024-02-30' },
      "Input 'logical-date': expected a date as YYYY-MM-DD, got '2024-02-30'"
    ],
    [
      { 'metrics-root': 'https://example.com/m' },
      "Input 'metrics-root': expected an s3://bucket/prefix URI or a local directory, got 'https://example.com/m'"
    ],
    [{ 'fail-on': 'never' }, "Input 'fail-on': expected one of error, warn, got 'never'"],
    [
      { 'missing-history': 'skip' },
      "Input 'missing-history': expected one of pass, warn, fail, got 'skip'"
    ],
    [
      { 'history-depth': '0' },
      "Input 'history-depth': expected a whole number from 1 to 366 (at least 1), got '0'"
    ],
    [
      { rules: 'quality/orders.yml' },
      "Input 'rules': expected a readable rules file in the repository (ENOENT), got 'quality/orders.yml'"
    ]
  ])('rejects %j', (override, message) => {
    expect(() => read({ ...base, ...override })).toThrow(message)
  })

  it('reports a bad rules file as the rules error line', () => {
    writeFileSync(path.join(repo, 'quality', 'customers.yml'), 'dataset: customers\nrules: {}\n')
    expect(() => read(base)).toThrow(
      "quality/customers.yml: 'rules' must be a non-empty list, got a mapping"
    )
  })
})

describe('parseMetricsRoot', () => {
  it.each([
    ['s3://bucket', { kind: 's3', bucket: 'bucket', prefix: '' }],
    ['s3://bucket/a/b/', { kind: 's3', bucket: 'bucket', prefix: 'a/b' }],
    ['/abs/dir', { kind: 'local', dir: '/abs/dir' }]
  ])('%s', (text, expected) => {
    expect(parseMetricsRoot('metrics-root', text, '/work')).toEqual(expected)
  })

  it('rejects an s3 URI without a valid bucket', () => {
    expect(() => parseMetricsRoot('metrics-root', 's3://', '/')).toThrow(InputError)
    expect(() => parseMetricsRoot('metrics-root', 's3://Bad_Bucket/x', '/')).toThrow(InputError)
  })
})
