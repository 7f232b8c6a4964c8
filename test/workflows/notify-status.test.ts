import { readFileSync } from 'node:fs'
import path from 'node:path'
import { data, Evaluator, Lexer, Parser } from '@actions/expressions'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { projectRoot } from '../support/moto.js'

// The daily workflow's notify job decides success or failure from the `needs` context. The
// expressions are evaluated here with GitHub's own expression engine (@actions/expressions),
// against the results a run can really produce.

interface Workflow {
  jobs: Record<string, { if?: string; steps?: { uses?: string; with?: Record<string, string> }[] }>
}
const workflow = parse(
  readFileSync(path.join(projectRoot, '.github/workflows/daily-customer-etl.yml'), 'utf8')
) as Workflow
const notifyStep = workflow.jobs.notify.steps?.find(step => step.uses === './notify')
const statusExpression = /^\$\{\{(.*)\}\}$/s.exec(notifyStep?.with?.status ?? '')?.[1] ?? ''

function evaluate(expression: string, results: Record<string, string>): unknown {
  const needs = Object.fromEntries(
    Object.entries(results).map(([job, result]) => [job, { result, outputs: {} }])
  )
  const context = JSON.parse(JSON.stringify({ needs }), data.reviver) as data.Dictionary
  const tokens = new Lexer(expression).lex().tokens
  const ast = new Parser(tokens, ['needs'], []).parse()
  const result = new Evaluator(ast, context).evaluate()
  return 'value' in result ? result.value : result
}

const allSucceeded = {
  'resolve-date': 'success',
  'wait-for-data': 'success',
  'ingest-cdc': 'success',
  'validate-data-quality': 'success',
  'compute-aggregates': 'success'
}

describe('daily workflow: the status notify reports', () => {
  it('is read from the needs context', () => {
    expect(statusExpression).toContain('needs.*.result')
  })

  it('is success only when every upstream job succeeded', () => {
    expect(evaluate(statusExpression, allSucceeded)).toBe('success')
  })

  it('is failure when a job failed and the rest were skipped', () => {
    expect(
      evaluate(statusExpression, {
        ...allSucceeded,
        'ingest-cdc': 'failure',
        'validate-data-quality': 'skipped',
        'compute-aggregates': 'skipped'
      })
    ).toBe('failure')
  })

  // A job stopped by its timeout-minutes ends 'cancelled', like one a person cancelled: the
  // pipeline must not report that night as a success (which would also close the open issue).
  it('is failure when a job was cancelled or timed out', () => {
    expect(
      evaluate(statusExpression, {
        ...allSucceeded,
        'wait-for-data': 'cancelled',
        'ingest-cdc': 'skipped',
        'validate-data-quality': 'skipped',
        'compute-aggregates': 'skipped'
      })
    ).toBe('failure')
  })

  it('notify runs after cancelled jobs too (its condition does not exclude them)', () => {
    expect(workflow.jobs.notify.if).not.toContain('cancelled')
    expect(workflow.jobs.notify.if).toMatch(/^always\(\) && /)
  })
})
