import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { planMetrics } from '../../src/quality/metric-ids.js'
import { FAMILIES, parseRules, RulesError } from '../../src/quality/rules.js'
import { projectRoot } from '../support/moto.js'

const fixtures = path.join(projectRoot, 'test', 'fixtures', 'quality')
const read = (file: string): string => readFileSync(path.join(fixtures, file), 'utf8')

interface BadCase {
  file: string
  message?: string
  startsWith?: string
}
const badCases = (JSON.parse(read('bad-rules.json')) as { cases: BadCase[] }).cases

function errorOf(text: string, file = 'rules.yml'): string {
  try {
    parseRules(text, file)
  } catch (error) {
    expect(error).toBeInstanceOf(RulesError)
    return (error as Error).message
  }
  throw new Error('expected a RulesError')
}

describe('bad rules files (test/fixtures/quality/bad-*.yml and their lines)', () => {
  it('has a case for every bad-*.yml fixture', () => {
    const files = readdirSync(fixtures).filter(file => /^bad-.*\.yml$/.test(file))
    expect(badCases.map(entry => entry.file).sort()).toEqual(files.sort())
  })

  it.each(badCases)('$file gives one line naming the file and the rule', entry => {
    const file = `test/fixtures/quality/${entry.file}`
    const message = errorOf(read(entry.file), file)
    expect(message).not.toContain('\n')
    if (entry.message !== undefined) expect(message).toBe(entry.message.replace('{file}', file))
    else expect(message.startsWith(entry.startsWith!.replace('{file}', file))).toBe(true)
  })

  it('points at the line of a YAML syntax error', () => {
    expect(errorOf(read('bad-yaml-syntax.yml'), 'x.yml')).toMatch(
      /^x\.yml: YAML syntax error at line [45], column \d+: \S/
    )
    expect(errorOf(read('bad-duplicate-key.yml'), 'x.yml')).toMatch(
      /^x\.yml: YAML syntax error at line 3, column \d+: Map keys must be unique/
    )
  })
})

describe('rules format', () => {
  it('derives the metric ids the metrics documents are keyed by', () => {
    const expected = JSON.parse(read('good-all-families.json')) as {
      dataset: string
      metrics: string[]
    }
    const ruleSet = parseRules(read('good-all-families.yml'), 'good-all-families.yml')
    expect(ruleSet.dataset).toBe(expected.dataset)
    expect(planMetrics(ruleSet)).toEqual(expected.metrics)
  })

  it('ships valid rules for the silver customers dataset using every family', () => {
    const text = readFileSync(path.join(projectRoot, 'quality', 'customers.yml'), 'utf8')
    const ruleSet = parseRules(text, 'quality/customers.yml')
    expect(ruleSet.dataset).toBe('customers')
    expect(new Set(ruleSet.rules.map(rule => rule.family))).toEqual(new Set(FAMILIES))
  })

  it('applies the documented defaults', () => {
    const ruleSet = parseRules(
      [
        'dataset: d',
        'rules:',
        '  - missing_count: { column: a }',
        '  - duplicate_count: { column: a }',
        '  - allowed_values: { column: a, values: [x] }',
        '  - name: steady',
        '    severity: warn',
        '    change: { metric: " missing_percent( a ) ", last: 2, max_delta: 1 }',
        '  - schema: { columns: { a: LONG, b: "decimal(10, 2)", c: Integer } }'
      ].join('\n'),
      'd.yml'
    )
    expect(ruleSet.rules.map(({ label: _label, ...rule }) => rule)).toEqual([
      { family: 'missing_count', column: 'a', max: 0, index: 1, severity: 'error' },
      { family: 'duplicate_count', columns: ['a'], max: 0, index: 2, severity: 'error' },
      {
        family: 'allowed_values',
        column: 'a',
        values: ['x'],
        maxInvalid: 0,
        index: 3,
        severity: 'error'
      },
      {
        family: 'change',
        metric: 'missing_percent(a)',
        compare: 'avg',
        last: 2,
        maxDelta: 1,
        index: 4,
        severity: 'warn',
        name: 'steady'
      },
      {
        family: 'schema',
        columns: { a: 'bigint', b: 'decimal(10,2)', c: 'int' },
        exact: false,
        index: 5,
        severity: 'error'
      }
    ])
  })

  it.each([
    ['', "r.yml: expected a mapping with 'dataset' and 'rules' at the top level"],
    ['dataset: d\nrules: []', "r.yml: 'rules' must be a non-empty list, got a list"],
    [
      'dataset: a b\nrules: [x]',
      "r.yml: 'dataset' must be a name of letters, digits, '_', '-' or '.', got 'a b'"
    ],
    [
      'dataset: d\nrules: [row_count]',
      'r.yml: rule 1: expected a mapping with one rule family (row_count, missing_count, missing_percent, duplicate_count, allowed_values, range, pattern, freshness, schema, change)'
    ],
    [
      'dataset: d\nrules:\n  - name: nm',
      "r.yml: rule 1 'nm': no rule family (expected one of row_count, missing_count, missing_percent, duplicate_count, allowed_values, range, pattern, freshness, schema, change)"
    ],
    [
      'dataset: d\nrules:\n  - row_count: 5',
      'r.yml: rule 1 (row_count): expected a mapping of settings (min, max), got 5'
    ],
    [
      'dataset: d\nrules:\n  - row_count: {}',
      "r.yml: rule 1 (row_count): give 'min', 'max' or both"
    ],
    [
      'dataset: d\nrules:\n  - row_count: { min: 1.5 }',
      "r.yml: rule 1 (row_count): 'min' must be a whole number of 0 or more, got 1.5"
    ],
    [
      'dataset: d\nrules:\n  - missing_percent: { column: a }',
      "r.yml: rule 1 (missing_percent): 'max' is required"
    ],
    [
      'dataset: d\nrules:\n  - missing_count: { column: [a] }',
      "r.yml: rule 1 (missing_count): 'column' must be a column name, got a list"
    ],
    [
      'dataset: d\nrules:\n  - duplicate_count: { columns: [a, a] }',
      "r.yml: rule 1 (duplicate_count): 'columns' names a column twice"
    ],
    [
      'dataset: d\nrules:\n  - duplicate_count: { column: a, columns: [b] }',
      "r.yml: rule 1 (duplicate_count): give 'column' (one key column) or 'columns' (a composite key)"
    ],
    [
      'dataset: d\nrules:\n  - allowed_values: { column: a, values: [yes] }',
      "r.yml: rule 1 (allowed_values): 'values' must be a non-empty list of strings or numbers, got a list"
    ],
    [
      'dataset: d\nrules:\n  - range: { column: a, min: .inf }',
      "r.yml: rule 1 (range): 'min' must be a number, got Infinity"
    ],
    [
      'dataset: d\nrules:\n  - pattern: { column: a }',
      "r.yml: rule 1 (pattern): 'regex' is required"
    ],
    [
      'dataset: d\nrules:\n  - schema: { columns: { a: string }, exact: maybe }',
      "r.yml: rule 1 (schema): 'exact' must be true or false, got 'maybe'"
    ],
    [
      'dataset: d\nrules:\n  - change: { metric: row_count, last: 3 }',
      'r.yml: rule 1 (change): give at least one of min_ratio, max_ratio, min_delta, max_delta'
    ],
    [
      'dataset: d\nrules:\n  - change: { metric: row_count, max_ratio: 2 }',
      "r.yml: rule 1 (change): 'last' (how many earlier dates to compare with) is required"
    ],
    [
      'dataset: d\nrules:\n  - change: { metric: row_count, last: 0, max_ratio: 2 }',
      "r.yml: rule 1 (change): 'last' must be a whole number of 1 or more, got 0"
    ],
    [
      'dataset: d\nrules:\n  - change: { metric: row_count, last: 2, compare: median, max_ratio: 2 }',
      "r.yml: rule 1 (change): 'compare' must be avg, min or max, got 'median'"
    ],
    [
      'dataset: d\nrules:\n  - change: { metric: row_count, last: 2, min_ratio: -1 }',
      "r.yml: rule 1 (change): 'min_ratio' must be a number of 0 or more, got -1"
    ],
    [
      'dataset: d\nrules:\n  - name: ""\n    row_count: { min: 1 }',
      "r.yml: rule 1: 'name' must be a non-empty string, got ''"
    ],
    [
      'dataset: d\nrules:\n  - row_count: { min: 5, max: 4 }',
      "r.yml: rule 1 (row_count): 'min' must not be greater than 'max'"
    ],
    [
      'dataset: d\nrules:\n  - missing_count: { max: 1 }',
      "r.yml: rule 1 (missing_count): 'column' is required"
    ],
    [
      'dataset: d\nrules:\n  - missing_count: { column: a, max: 1.5 }',
      "r.yml: rule 1 (missing_count): 'max' must be a whole number of 0 or more, got 1.5"
    ],
    [
      'dataset: d\nrules:\n  - missing_percent: { column: a, max: -1 }',
      "r.yml: rule 1 (missing_percent): 'max' must be a number from 0 to 100, got -1"
    ],
    [
      'dataset: d\nrules:\n  - duplicate_count: { max: 1 }',
      "r.yml: rule 1 (duplicate_count): give 'column' (one key column) or 'columns' (a composite key)"
    ],
    [
      'dataset: d\nrules:\n  - duplicate_count: { columns: [] }',
      "r.yml: rule 1 (duplicate_count): 'columns' must be a non-empty list of column names, got a list"
    ],
    [
      'dataset: d\nrules:\n  - duplicate_count: { columns: a }',
      "r.yml: rule 1 (duplicate_count): 'columns' must be a non-empty list of column names, got 'a'"
    ],
    [
      'dataset: d\nrules:\n  - allowed_values: { column: a }',
      "r.yml: rule 1 (allowed_values): 'values' is required"
    ],
    [
      'dataset: d\nrules:\n  - allowed_values: { column: a, values: [] }',
      "r.yml: rule 1 (allowed_values): 'values' must be a non-empty list of strings or numbers, got a list"
    ],
    [
      'dataset: d\nrules:\n  - allowed_values: { column: a, values: [x], max_invalid_percent: 150 }',
      "r.yml: rule 1 (allowed_values): 'max_invalid_percent' must be a number from 0 to 100, got 150"
    ],
    [
      'dataset: d\nrules:\n  - range: { column: a, min: 0, max_invalid: -1 }',
      "r.yml: rule 1 (range): 'max_invalid' must be a whole number of 0 or more, got -1"
    ],
    [
      'dataset: d\nrules:\n  - range: { column: a }',
      "r.yml: rule 1 (range): give 'min', 'max' or both"
    ],
    [
      'dataset: d\nrules:\n  - range: { column: a, min: low }',
      "r.yml: rule 1 (range): 'min' must be a number, got 'low'"
    ],
    [
      'dataset: d\nrules:\n  - pattern: { column: a, regex: "" }',
      "r.yml: rule 1 (pattern): 'regex' must be a non-empty string, got ''"
    ],
    [
      'dataset: d\nrules:\n  - freshness: { column: a }',
      "r.yml: rule 1 (freshness): 'max_age' is required"
    ],
    [
      'dataset: d\nrules:\n  - freshness: { column: a, max_age: 36 }',
      "r.yml: rule 1 (freshness): 'max_age' must be a duration such as 36h, 2d or 1d12h, got 36"
    ],
    [
      'dataset: d\nrules:\n  - schema: { columns: [a] }',
      "r.yml: rule 1 (schema): 'columns' must be a mapping of column name to type, got a list"
    ],
    [
      'dataset: d\nrules:\n  - schema: { columns: { a: 5 } }',
      "r.yml: rule 1 (schema): column 'a': unknown type 5 (expected a Spark type such as string, bigint, double, timestamp, date, decimal(10,2))"
    ],
    [
      'dataset: d\nrules:\n  - change: { last: 2, max_ratio: 2 }',
      "r.yml: rule 1 (change): 'metric' is required"
    ],
    [
      'dataset: d\nrules:\n  - change: { metric: "missing_count(a, b)", last: 2, max_ratio: 2 }',
      "r.yml: rule 1 (change): 'metric' must be row_count, missing_count(<column>), missing_percent(<column>) or duplicate_count(<column>, ...), got 'missing_count(a, b)'"
    ],
    [
      'dataset: d\nrules:\n  - change: { metric: row_count, last: 2, min_ratio: 3, max_ratio: 2 }',
      "r.yml: rule 1 (change): 'min_ratio' must not be greater than 'max_ratio'"
    ],
    [
      'dataset: d\nrules:\n  - change: { metric: row_count, last: 2, min_delta: 1, max_delta: -1 }',
      "r.yml: rule 1 (change): 'min_delta' must not be greater than 'max_delta'"
    ],
    [
      'dataset: d\nrules:\n  - change: { metric: row_count, last: 2, max_delta: .nan }',
      "r.yml: rule 1 (change): 'max_delta' must be a number, got NaN"
    ]
  ])('rejects %j', (text, message) => {
    expect(errorOf(text, 'r.yml')).toBe(message)
  })
})

describe('YAML 1.1 values', () => {
  it('reads an exponent without a dot as a number and y/n as booleans', () => {
    const ruleSet = parseRules(
      'dataset: d\nrules:\n  - range: { column: x, max: 1e7 }\n  - schema: { columns: { a: string }, exact: y }\n',
      'f.yml'
    )
    expect(ruleSet.rules[0]).toMatchObject({ family: 'range', max: 10_000_000 })
    expect(ruleSet.rules[1]).toMatchObject({ family: 'schema', exact: true })
  })
})

describe('a rules error line', () => {
  it('never copies control bytes out of the file', () => {
    // A double-quoted YAML string holding ESC, BEL and a newline followed by a workflow command.
    const message = errorOf('dataset: "a\\e[2J\\a\\n::error::b"\nrules: []\n', 'r.yml')
    expect(message).toBe(
      "r.yml: 'dataset' must be a name of letters, digits, '_', '-' or '.', got 'a\\u001b[2J\\u0007\\u000a::error::b'"
    )
  })
})
