import { describe, expect, it } from 'vitest'
import {
  evaluateCondition,
  evaluateExpression,
  type Status
} from '../../../local/src/runner/expressions.js'
import { withStatusFunction } from '../../../local/src/runner/job-runner.js'

// Each row as GitHub's "Evaluate expressions in workflows and actions" documents it,
// evaluated by the runner's contexts over @actions/expressions.
const needs = {
  'resolve-date': { result: 'success', outputs: { date: '2026-01-01' } },
  'ingest-cdc': { result: 'failure', outputs: {} },
  'compute-aggregates': { result: 'skipped', outputs: {} }
}
const contexts = {
  github: { event_name: 'workflow_dispatch', event: { labels: [{ name: 'a' }, { name: 'b' }] } },
  inputs: { empty: '', given: 'z', notify: false, 'allow-rewrite': true },
  needs,
  env: { LAKE: 's3://lake' }
}
const ok: Status = { success: true, failure: false, cancelled: false }
const failed: Status = { success: false, failure: true, cancelled: false }
const cancelled: Status = { success: false, failure: false, cancelled: true }

describe('expressions as GitHub documents them', () => {
  it.each([
    ["contains(needs.*.result, 'failure')", true],
    ["contains(needs.*.result, 'cancelled')", false],
    ["inputs.empty || 'y'", 'y'],
    ["inputs.given || 'y'", 'z'],
    ["inputs.allow-rewrite && '--allow-rewrite' || ''", '--allow-rewrite'],
    ["inputs.notify && '--notify' || ''", ''],
    ["github.event_name == 'schedule' || inputs.notify", false],
    ["GITHUB.EVENT_NAME == 'WORKFLOW_DISPATCH'", true],
    ['needs.resolve-date.outputs.date || inputs.date', '2026-01-01'],
    [
      "format('{0}/gold/{1}', env.LAKE, needs.resolve-date.outputs.date)",
      's3://lake/gold/2026-01-01'
    ],
    ["join(github.event.labels.*.name, ', ')", 'a, b'],
    ['fromJSON(\'["2026-01-01","2026-01-02"]\')', ['2026-01-01', '2026-01-02']],
    ["startsWith('Hello world', 'He') && endsWith('Hello world', 'ld')", true],
    ["1 == '1'", true],
    ['inputs.missing', null]
  ])('%s → %j', (expression, expected) => {
    expect(evaluateExpression(expression, contexts)).toEqual(expected)
  })

  it('toJSON(needs) is pretty JSON with two-space indents', () => {
    expect(evaluateExpression('toJSON(needs)', contexts)).toBe(JSON.stringify(needs, null, 2))
  })

  it.each([
    ['success()', ok, true],
    ['success()', failed, false],
    ['failure()', failed, true],
    ['failure()', ok, false],
    ['cancelled()', cancelled, true],
    ['cancelled()', ok, false],
    ['always()', cancelled, true],
    ['always()', failed, true],
    ['success() || failure()', cancelled, false],
    ["always() && (github.event_name == 'schedule' || inputs.notify)", failed, false]
  ])('%s with %j → %s', (condition, status, expected) => {
    expect(evaluateCondition(condition, contexts, status)).toBe(expected)
  })

  it('an if: without a status function means success() && (…), as on GitHub', () => {
    expect(withStatusFunction("inputs.given == 'z'")).toBe("success() && (inputs.given == 'z')")
    expect(withStatusFunction('always()')).toBe('always()')
    expect(evaluateCondition(withStatusFunction("inputs.given == 'z'"), contexts, failed)).toBe(
      false
    )
  })

  it('status functions outside an if: are an error', () => {
    expect(() => evaluateExpression('success()', contexts)).toThrow(
      'success() is only allowed in an if: condition'
    )
  })
})
