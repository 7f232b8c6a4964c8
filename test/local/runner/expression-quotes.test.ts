import { describe, expect, it } from 'vitest'
import { evaluateExpression } from '../../../local/src/runner/expressions.js'
import { jobLines, runFixture } from './support.js'

// GitHub's expression syntax escapes a single quote in a string literal by doubling it, and the
// workflow parser turns every `run:` script holding a `${{ }}` into format('<script>', …) with
// each of the script's single quotes doubled. @actions/expressions 0.3.61 undoes only the first
// doubled quote of a literal; the act peer test (act-peer.e2e.test.ts) found the scripts this broke.
describe("doubled single quotes in expression strings ('')", () => {
  it.each([
    ["'it''s'", "it's"],
    ["'a''b''c'", "a'b'c"],
    ["'''quoted'''", "'quoted'"],
    ["format('{0} ''x'' and ''y''', 'event')", "event 'x' and 'y'"],
    ["'no quotes at all'", 'no quotes at all']
  ])('%s is %s', (expression, expected) => {
    expect(evaluateExpression(expression, {})).toBe(expected)
  })

  it('a run: script with an expression keeps all its single quotes, as bash needs them', async () => {
    const { output, outcome } = await runFixture('test/fixtures/workflows/peer/run-steps.yml')
    expect(jobLines(output, 'steps')).toContain("peer: quotes 'one' 'two' it's workflow_dispatch")
    expect(outcome?.jobs.steps?.result).toBe('failure') // the fixture's failing step, as designed
  })
})
