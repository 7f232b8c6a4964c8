import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { InputError } from '../../src/core/errors.js'
import { Inputs } from '../../src/core/inputs.js'
import { readMode, readPrepareConfig } from '../../src/quality/config.js'
import { prepareRules } from '../../src/quality/prepare.js'
import { rulesJson } from '../../src/quality/rules-json.js'
import { RulesError } from '../../src/quality/rules.js'
import { newRulesRepo } from './rules-repo.js'

let repo: string
beforeEach(() => {
  repo = newRulesRepo()
})
afterEach(() => rmSync(repo, { recursive: true, force: true }))

const read = (values: Record<string, string>) =>
  readPrepareConfig(new Inputs(name => values[name]), repo)

describe('readPrepareConfig', () => {
  it('writes .quality-gate/<rules file name>.json by default', () => {
    expect(read({ rules: 'quality/customers.yml' })).toMatchObject({
      rulesFile: 'quality/customers.yml',
      output: path.join(repo, '.quality-gate', 'customers.json'),
      outputShown: '.quality-gate/customers.json'
    })
    expect(read({ rules: 'quality/customers.yml', 'rules-json': 'build/r.json' })).toMatchObject({
      outputShown: 'build/r.json'
    })
  })

  it.each(['../outside.json', '/tmp/rules.json', 'quality/customers.yaml', 'a/../../b.json'])(
    'refuses rules-json %j: the Spark job stages only repository files, read as JSON',
    given => {
      expect(() => read({ rules: 'quality/customers.yml', 'rules-json': given })).toThrow(
        new InputError(
          'rules-json',
          'a path ending in .json inside the repository (the Spark job stages it)',
          given
        )
      )
    }
  )

  it('takes mode gate or prepare, gate by default', () => {
    expect(readMode(new Inputs(() => undefined))).toBe('gate')
    expect(readMode(new Inputs(() => 'prepare'))).toBe('prepare')
    expect(() => readMode(new Inputs(() => 'check'))).toThrow(
      "Input 'mode': expected one of gate, prepare, got 'check'"
    )
  })
})

describe('prepareRules', () => {
  it('writes the normalised rules JSON: versioned, defaults filled in, the metrics planned', () => {
    const prepared = prepareRules(read({ rules: 'quality/customers.yml' }))
    const written = readFileSync(path.join(repo, '.quality-gate', 'customers.json'), 'utf8')
    expect(JSON.parse(written)).toEqual({
      format: 'spark-pipeline-rules/1',
      source: 'quality/customers.yml',
      dataset: 'customers',
      rules: [
        { name: 'not empty', severity: 'error', row_count: { min: 1 } },
        {
          severity: 'error',
          range: { column: 'lifetime_value', min: 0, max: 10000000, max_invalid: 0 }
        },
        // YAML 1.1: 010 is octal.
        {
          severity: 'error',
          allowed_values: { column: 'status', values: ['active', 8], max_invalid: 0 }
        }
      ],
      metrics: [
        { id: 'row_count', kind: 'row_count' },
        {
          id: 'invalid_count(lifetime_value outside [0, 10000000])',
          kind: 'invalid_count',
          columns: ['lifetime_value'],
          rule: 'rule 2 (range)',
          check: 'range',
          min: 0,
          max: 10000000
        },
        {
          id: 'invalid_count(status not in ["active",8])',
          kind: 'invalid_count',
          columns: ['status'],
          rule: 'rule 3 (allowed_values)',
          check: 'allowed_values',
          values: ['active', 8]
        }
      ]
    })
    expect(prepared).toMatchObject({ path: '.quality-gate/customers.json', name: 'customers.json' })
    expect(prepared.metrics).toEqual([
      'row_count',
      'invalid_count(lifetime_value outside [0, 10000000])',
      'invalid_count(status not in ["active",8])'
    ])
  })

  it('fails on a bad rules file with the rules error line, writing nothing', () => {
    writeFileSync(path.join(repo, 'quality', 'customers.yml'), 'dataset: customers\nrules: []\n')
    expect(() => prepareRules(read({ rules: 'quality/customers.yml' }))).toThrow(
      new RulesError("quality/customers.yml: 'rules' must be a non-empty list, got a list")
    )
    expect(existsSync(path.join(repo, '.quality-gate'))).toBe(false)
  })

  it('refuses a number JSON cannot hold instead of writing null', () => {
    writeFileSync(
      path.join(repo, 'quality', 'customers.yml'),
      'dataset: d\nrules:\n  - allowed_values: { column: x, values: [.inf] }\n'
    )
    expect(() => prepareRules(read({ rules: 'quality/customers.yml' }))).toThrow(
      new RulesError(
        "quality/customers.yml: Infinity (at '0') cannot be written as JSON for the data-quality job; use a finite number"
      )
    )
    expect(existsSync(path.join(repo, '.quality-gate'))).toBe(false)
    const document = parse('dataset: d\nrules:\n  - allowed_values: { column: x, values: [.inf] }')
    expect(() => rulesJson(document, 'r.yml')).toThrow(
      new RulesError(
        "r.yml: Infinity (at '0') cannot be written as JSON for the data-quality job; use a finite number"
      )
    )
  })
})
