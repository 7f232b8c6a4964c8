import { describe, expect, it } from 'vitest'
import {
  evaluateRules,
  type HistoryPoint,
  type MissingHistory,
  type RuleResult
} from '../../src/quality/evaluate.js'
import type { MetricEntry, MetricsDocument } from '../../src/quality/metrics-document.js'
import { parseRules } from '../../src/quality/rules.js'
import { present } from '../support/present.js'

const DAY = '2024-03-10'

function metricsDoc(
  rowCount: number,
  metrics: Record<string, MetricEntry['value']> = {},
  logicalDate = DAY
): MetricsDocument {
  return {
    schema_version: 1,
    dataset: 'customers',
    logical_date: logicalDate,
    generated_at: `${logicalDate}T03:00:00.000Z`,
    row_count: rowCount,
    columns: { customer_id: 'string', lifetime_value: 'double', updated_at: 'timestamp' },
    metrics: Object.fromEntries(
      Object.entries({ row_count: rowCount, ...metrics }).map(([id, value]) => [
        id,
        { kind: id.split('(')[0] ?? id, value }
      ])
    )
  }
}

/** Evaluates one rule (YAML flow mapping) against a document and optional history. */
function evaluate(
  rule: string,
  document: MetricsDocument,
  options: { history?: HistoryPoint[]; missingHistory?: MissingHistory } = {}
): RuleResult {
  const ruleSet = parseRules(`dataset: customers\nrules:\n  - ${rule}\n`, 'rules.yml')
  const [result] = evaluateRules(ruleSet, document, options.history ?? [], {
    logicalDate: DAY,
    missingHistory: options.missingHistory ?? 'warn'
  })
  return present(result, 'a result for the rule')
}

const statusOf = (rule: string, document: MetricsDocument): string =>
  evaluate(rule, document).status

describe('volume: row_count', () => {
  it.each([
    [0, 'fail'],
    [1, 'pass'],
    [10, 'pass'],
    [11, 'fail']
  ])('%i rows against min 1, max 10 → %s', (rows, status) => {
    expect(statusOf('row_count: { min: 1, max: 10 }', metricsDoc(rows))).toBe(status)
  })

  it('shows the value and the bound', () => {
    const result = evaluate('row_count: { min: 1, max: 10 }', metricsDoc(11))
    expect(result).toMatchObject({ value: 11, shown: '11', bound: '>= 1 and <= 10' })
    expect(result.rule).toBe('row_count')
  })
})

describe('completeness', () => {
  it.each([
    [0, 'pass'],
    [2, 'pass'],
    [3, 'fail']
  ])('missing_count %i against max 2 → %s', (missing, status) => {
    const document = metricsDoc(100, { 'missing_count(email)': missing })
    expect(statusOf('missing_count: { column: email, max: 2 }', document)).toBe(status)
  })

  it('defaults missing_count to none allowed', () => {
    const document = metricsDoc(100, { 'missing_count(email)': 1 })
    expect(evaluate('missing_count: { column: email }', document)).toMatchObject({
      status: 'fail',
      bound: '<= 0',
      message: '1 rows without email'
    })
  })

  it.each([
    [4, 'pass'],
    [5, 'pass'],
    [6, 'fail']
  ])('missing_percent: %i of 200 rows against max 2.5%% → %s', (missing, status) => {
    const document = metricsDoc(200, { 'missing_count(phone)': missing })
    expect(statusOf('missing_percent: { column: phone, max: 2.5 }', document)).toBe(status)
  })

  it('reads 0% missing on an empty dataset', () => {
    const result = evaluate(
      'missing_percent: { column: phone, max: 0 }',
      metricsDoc(0, { 'missing_count(phone)': 0 })
    )
    expect(result).toMatchObject({ status: 'pass', value: 0, shown: '0% (0 of 0)', bound: '<= 0%' })
  })
})

describe('uniqueness: duplicate_count', () => {
  it.each([
    [0, 'pass'],
    [1, 'fail']
  ])('%i duplicates of a single key → %s', (duplicates, status) => {
    const document = metricsDoc(10, { 'duplicate_count(customer_id)': duplicates })
    expect(statusOf('duplicate_count: { column: customer_id }', document)).toBe(status)
  })

  it.each([
    [3, 'pass'],
    [4, 'fail']
  ])('%i duplicates of a composite key against max 3 → %s', (duplicates, status) => {
    const document = metricsDoc(10, { 'duplicate_count(first_name,email)': duplicates })
    const rule = 'duplicate_count: { columns: [first_name, email], max: 3 }'
    expect(statusOf(rule, document)).toBe(status)
    expect(evaluate(rule, document).rule).toBe('duplicate_count(first_name, email)')
  })
})

describe('validity', () => {
  const allowed = 'invalid_count(status not in ["active","inactive"])'
  it.each([
    [0, 'pass'],
    [1, 'fail']
  ])('allowed_values with %i invalid → %s', (invalid, status) => {
    const document = metricsDoc(50, { [allowed]: invalid })
    expect(
      statusOf('allowed_values: { column: status, values: [active, inactive] }', document)
    ).toBe(status)
  })

  const range = 'invalid_count(lifetime_value outside [0, 100.5])'
  it.each([
    [2, 'pass'],
    [3, 'fail']
  ])('range with %i out of range against max_invalid 2 → %s', (invalid, status) => {
    const document = metricsDoc(50, { [range]: invalid })
    const rule = 'range: { column: lifetime_value, min: 0, max: 100.5, max_invalid: 2 }'
    expect(statusOf(rule, document)).toBe(status)
  })

  const pattern = 'invalid_count(country not matching "^[A-Z]{2}$")'
  it.each([
    [1, 'pass'],
    [2, 'pass'],
    [3, 'fail']
  ])('pattern with %i of 200 invalid against max_invalid_percent 1 → %s', (invalid, status) => {
    const document = metricsDoc(200, { [pattern]: invalid })
    const rule = "pattern: { column: country, regex: '^[A-Z]{2}$', max_invalid_percent: 1 }"
    expect(statusOf(rule, document)).toBe(status)
  })

  it('shows count and percentage', () => {
    const document = metricsDoc(200, { [pattern]: 3 })
    const rule = "pattern: { column: country, regex: '^[A-Z]{2}$', max_invalid_percent: 1 }"
    expect(evaluate(rule, document)).toMatchObject({
      value: 1.5,
      shown: '3 invalid (1.5%)',
      bound: '<= 1% invalid'
    })
  })
})

describe('freshness', () => {
  const rule = 'freshness: { column: updated_at, max_age: 36h }'
  const withNewest = (newest: string | null): MetricsDocument =>
    metricsDoc(5, { 'max_timestamp(updated_at)': newest })

  it.each([
    ['2024-03-10T23:59:00.000Z', 'pass'],
    ['2024-03-09T12:00:00.000Z', 'pass'], // exactly 36 h before the end of the logical date
    ['2024-03-09T11:59:59.000Z', 'fail'],
    ['2024-03-01T00:00:00.000Z', 'fail'],
    ['2024-03-12T00:00:00.000Z', 'pass'] // in the future: not stale
  ])('newest %s → %s', (newest, status) => {
    expect(statusOf(rule, withNewest(newest))).toBe(status)
  })

  it('fails when the column has no timestamp at all', () => {
    expect(evaluate(rule, withNewest(null))).toMatchObject({
      status: 'fail',
      shown: 'no timestamps',
      message: "updated_at has no values, so the data's age is unknown"
    })
  })

  it('shows the age relative to the end of the logical date', () => {
    expect(evaluate(rule, withNewest('2024-03-08T22:30:00.000Z'))).toMatchObject({
      status: 'fail',
      shown: '2d 1h 30m (newest 2024-03-08T22:30:00.000Z)',
      bound: 'age <= 36h'
    })
  })
})

describe('schema', () => {
  const document = metricsDoc(1)

  it('passes when the columns are there with their types (aliases allowed)', () => {
    const rule = 'schema: { columns: { customer_id: string, lifetime_value: DOUBLE } }'
    expect(evaluate(rule, document)).toMatchObject({ status: 'pass', shown: '2 columns match' })
  })

  it('lists missing columns and wrong types', () => {
    const rule = 'schema: { columns: { customer_id: string, lifetime_value: long, email: string } }'
    expect(evaluate(rule, document)).toMatchObject({
      status: 'fail',
      value: ['lifetime_value is double, expected bigint', 'missing column email']
    })
  })

  it('refuses extra columns only when exact', () => {
    const columns = '{ customer_id: string, lifetime_value: double }'
    expect(statusOf(`schema: { columns: ${columns} }`, document)).toBe('pass')
    expect(evaluate(`schema: { columns: ${columns}, exact: true }`, document)).toMatchObject({
      status: 'fail',
      value: ['unexpected column updated_at'],
      bound: '2 columns with types, no others'
    })
  })
})

describe('history-based change', () => {
  const history = (...rows: number[]): HistoryPoint[] =>
    rows.map((count, back) => {
      const date = `2024-03-0${9 - back}`
      return { logicalDate: date, document: metricsDoc(count, {}, date) }
    })

  it.each([
    [80, 'pass'], // avg 100: ratio 0.8, the boundary
    [79, 'fail'],
    [150, 'pass'],
    [151, 'fail']
  ])('row_count %i vs avg of 90, 100, 110 with ratio 0.8–1.5 → %s', (rows, status) => {
    const result = evaluate(
      'change: { metric: row_count, last: 3, min_ratio: 0.8, max_ratio: 1.5 }',
      metricsDoc(rows),
      { history: history(90, 100, 110) }
    )
    expect(result.status).toBe(status)
    expect(result.history).toEqual({
      wanted: 3,
      dates: ['2024-03-09', '2024-03-08', '2024-03-07'],
      baseline: 100,
      sufficient: true
    })
  })

  it('compares with the min or max of the last k dates only', () => {
    const points = history(100, 50, 300, 10) // only the newest 2 count for last: 2
    const min = evaluate(
      'change: { metric: row_count, compare: min, last: 2, min_delta: 0 }',
      metricsDoc(49),
      { history: points }
    )
    expect(min).toMatchObject({ status: 'fail', history: { baseline: 50 } })
    expect(min.shown).toBe('49 vs min 50 (ratio 0.98, change -1)')
    const max = evaluate(
      'change: { metric: row_count, compare: max, last: 2, max_delta: 5 }',
      metricsDoc(105),
      { history: points }
    )
    expect(max).toMatchObject({ status: 'pass', history: { baseline: 100 } })
  })

  it('compares a missing percentage as an absolute bound', () => {
    const doc = (date: string, missing: number): MetricsDocument =>
      metricsDoc(200, { 'missing_count(email)': missing }, date)
    const points: HistoryPoint[] = [
      { logicalDate: '2024-03-09', document: doc('2024-03-09', 2) },
      { logicalDate: '2024-03-08', document: doc('2024-03-08', 4) }
    ]
    const rule = 'change: { metric: missing_percent(email), last: 2, max_delta: 1 }'
    // avg 1.5%; 5 of 200 = 2.5% is +1 point (boundary), 6 of 200 = 3% is +1.5
    expect(
      evaluate(rule, metricsDoc(200, { 'missing_count(email)': 5 }), { history: points }).status
    ).toBe('pass')
    expect(
      evaluate(rule, metricsDoc(200, { 'missing_count(email)': 6 }), { history: points }).status
    ).toBe('fail')
  })

  it('treats a zero baseline as ratio 1 for zero and unbounded otherwise', () => {
    const rule = 'change: { metric: duplicate_count(customer_id), last: 1, max_ratio: 2 }'
    const at = (value: number, date = DAY): MetricsDocument =>
      metricsDoc(10, { 'duplicate_count(customer_id)': value }, date)
    const points = [{ logicalDate: '2024-03-09', document: at(0, '2024-03-09') }]
    expect(evaluate(rule, at(0), { history: points }).status).toBe('pass')
    expect(evaluate(rule, at(1), { history: points }).status).toBe('fail')
  })

  it.each([
    ['pass', 'pass'],
    ['warn', 'warn'],
    ['fail', 'fail']
  ] as const)(
    'reports too little history with status %s when missing-history is %s',
    (missingHistory, status) => {
      const result = evaluate(
        'change: { metric: row_count, last: 3, min_ratio: 0.8 }',
        metricsDoc(1), // would fail the ratio: it must not be compared at all
        { history: history(100, 100), missingHistory }
      )
      expect(result.status).toBe(status)
      expect(result.history).toMatchObject({ wanted: 3, sufficient: false, baseline: 100 })
      expect(result.shown).toBe('1; not enough history: 2 of 3 dates')
      expect(result.message).toBe(
        `only 2 of 3 earlier dates have row_count (avg 100): not compared (missing-history: ${missingHistory})`
      )
    }
  )

  it('does not count earlier dates that lack the metric', () => {
    const result = evaluate(
      'change: { metric: missing_count(email), last: 1, max_delta: 0 }',
      metricsDoc(10, { 'missing_count(email)': 0 }),
      { history: history(10) } // written before the email rule existed
    )
    expect(result).toMatchObject({ status: 'warn', history: { dates: [], sufficient: false } })
    expect(result.history).not.toHaveProperty('baseline')
  })
})

describe('severity', () => {
  it('a failing warn rule is a warning, a failing error rule a failure', () => {
    const document = metricsDoc(0)
    expect(evaluate('severity: warn\n    row_count: { min: 1 }', document).status).toBe('warn')
    expect(evaluate('severity: error\n    row_count: { min: 1 }', document).status).toBe('fail')
    expect(evaluate('row_count: { min: 1 }', document).status).toBe('fail')
    expect(evaluate('severity: warn\n    row_count: { min: 0 }', document).status).toBe('pass')
  })

  it('names the result after the rule when it has a name', () => {
    expect(evaluate('name: not empty\n    row_count: { min: 1 }', metricsDoc(3)).rule).toBe(
      'not empty'
    )
  })
})
