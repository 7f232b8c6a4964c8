import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { metricPlan } from '../../src/quality/metric-ids.js'
import { normalisedRules, RULES_FORMAT, rulesJson } from '../../src/quality/rules-json.js'
import { parseRules, validateRules } from '../../src/quality/rules.js'
import { projectRoot } from '../support/moto.js'

const fixtures = path.join(projectRoot, 'test', 'fixtures', 'quality')
const allFamilies = parseRules(
  readFileSync(path.join(fixtures, 'good-all-families.yml'), 'utf8'),
  'good-all-families.yml'
)

describe('the normalised rules JSON (what the data-quality Spark job reads)', () => {
  it('is versioned and names its source and dataset', () => {
    const document = normalisedRules(allFamilies)
    expect(RULES_FORMAT).toBe('spark-pipeline-rules/1')
    expect(document).toMatchObject({
      format: RULES_FORMAT,
      source: 'good-all-families.yml',
      dataset: 'customers'
    })
  })

  it('holds rules that are themselves valid and mean what the file means', () => {
    const { dataset, rules } = JSON.parse(
      rulesJson(normalisedRules(allFamilies), 'good-all-families.yml')
    ) as { dataset: string; rules: unknown[] }
    expect(validateRules({ dataset, rules }, 'good-all-families.yml')).toEqual(allFamilies)
  })

  it('lists the metrics to compute with what each needs, named after the first rule needing it', () => {
    const plan = metricPlan(allFamilies)
    const expected = JSON.parse(readFileSync(path.join(fixtures, 'good-all-families.json'), 'utf8'))
    expect(plan.map(spec => spec.id)).toEqual((expected as { metrics: string[] }).metrics)
    const byId = new Map(plan.map(spec => [spec.id, spec]))
    expect(byId.get('row_count')).toEqual({ id: 'row_count', kind: 'row_count' })
    // rule 2 and the change rule on missing_percent(email) share one metric.
    expect(byId.get('missing_count(email)')).toEqual({
      id: 'missing_count(email)',
      kind: 'missing_count',
      columns: ['email'],
      rule: "rule 2 'emails present' (missing_count)"
    })
    expect(byId.get('missing_count(phone)')).toMatchObject({
      columns: ['phone'],
      rule: 'rule 3 (missing_percent)'
    })
    expect(byId.get('duplicate_count(first_name,last_name,email)')).toEqual({
      id: 'duplicate_count(first_name,last_name,email)',
      kind: 'duplicate_count',
      columns: ['first_name', 'last_name', 'email'],
      rule: "rule 5 'one person per name and email' (duplicate_count)"
    })
    expect(byId.get('invalid_count(segment not in ["consumer","smb",7])')).toEqual({
      id: 'invalid_count(segment not in ["consumer","smb",7])',
      kind: 'invalid_count',
      columns: ['segment'],
      rule: 'rule 7 (allowed_values)',
      check: 'allowed_values',
      values: ['consumer', 'smb', 7]
    })
    // A range open on one side has no bound on that side (not null, not Infinity).
    expect(byId.get('invalid_count(lifetime_value outside [-inf, 0.000001])')).toEqual({
      id: 'invalid_count(lifetime_value outside [-inf, 0.000001])',
      kind: 'invalid_count',
      columns: ['lifetime_value'],
      rule: 'rule 9 (range)',
      check: 'range',
      max: 0.000001
    })
    expect(byId.get('invalid_count(email not matching "^[^@\\\\s]+@[^@\\\\s]+$")')).toMatchObject({
      check: 'pattern',
      regex: '^[^@\\s]+@[^@\\s]+$',
      rule: 'rule 10 (pattern)'
    })
    expect(byId.get('max_timestamp(updated_at)')).toEqual({
      id: 'max_timestamp(updated_at)',
      kind: 'max_timestamp',
      columns: ['updated_at'],
      rule: 'rule 11 (freshness)'
    })
    // Only a change rule needs it: the columns come from its metric reference.
    expect(byId.get('missing_count(country)')).toEqual({
      id: 'missing_count(country)',
      kind: 'missing_count',
      columns: ['country'],
      rule: 'rule 16 (change)'
    })
  })

  it('plans the duplicates of a composite key a change rule alone names', () => {
    const ruleSet = parseRules(
      'dataset: d\nrules:\n  - change: { metric: "duplicate_count(a, b)", last: 2, max_delta: 0 }\n',
      'd.yml'
    )
    expect(metricPlan(ruleSet)).toEqual([
      { id: 'row_count', kind: 'row_count' },
      {
        id: 'duplicate_count(a,b)',
        kind: 'duplicate_count',
        columns: ['a', 'b'],
        rule: 'rule 1 (change)'
      }
    ])
  })
})
