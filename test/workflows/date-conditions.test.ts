import { readFileSync } from 'node:fs'
import path from 'node:path'
import { data, Evaluator, Lexer, Parser } from '@actions/expressions'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { projectRoot } from '../support/moto.js'
import { present } from '../support/present.js'

// The `if:` conditions that decide which jobs of a date run, evaluated with GitHub's own
// expression engine (@actions/expressions) against needs a run really produces. The status
// functions (`!cancelled()`, the implicit `success()`) are the runner's: the local runner's
// tests cover them; here they are taken as true.

interface Workflow {
  jobs: Record<string, { if?: string }>
}
const read = (file: string): Workflow =>
  parse(readFileSync(path.join(projectRoot, '.github/workflows', file), 'utf8')) as Workflow
const date = read('daily-customer-etl-date.yml')
const daily = read('daily-customer-etl.yml')

/** A job's `if:`; the test fails, naming the job, when the workflow has no such job. */
const condition = (workflow: Workflow, job: string): string | undefined =>
  present(workflow.jobs[job], `job ${job}`).if

type Needs = Record<string, { result: string; outputs: Record<string, string> }>

function runs(condition: string | undefined, needs: Needs): boolean {
  const expression = (condition ?? 'true').replace(/^!cancelled\(\) && /, '').replace(/\s+/g, ' ')
  const context = JSON.parse(JSON.stringify({ needs }), data.reviver) as data.Dictionary
  const ast = new Parser(new Lexer(expression).lex().tokens, ['needs'], []).parse()
  const result = new Evaluator(ast, context).evaluate()
  return ('value' in result ? result.value : result) === true
}

const claimed = (ingest: 'true' | 'false'): Needs => ({
  claim: { result: 'success', outputs: { run: 'true', ingest } },
  'wait-for-data': { result: 'success', outputs: { found: 'true' } }
})

describe('the date chain: which jobs run', () => {
  it('a date still owed: sensor, ingest, quality, aggregates, finish', () => {
    const needs = claimed('true')
    expect(runs(condition(date, 'wait-for-data'), needs)).toBe(true)
    expect(runs(condition(date, 'ingest-cdc'), needs)).toBe(true)
    const afterIngest = { ...needs, 'ingest-cdc': { result: 'success', outputs: {} } }
    expect(runs(condition(date, 'validate-data-quality'), afterIngest)).toBe(true)
    expect(
      runs(condition(date, 'compute-aggregates'), {
        ...afterIngest,
        'validate-data-quality': { result: 'success', outputs: { passed: 'true' } }
      })
    ).toBe(true)
    expect(runs(condition(date, 'finish'), afterIngest)).toBe(true)
  })

  it('a completed date: nothing after the claim, not even finish', () => {
    const needs: Needs = {
      claim: { result: 'success', outputs: { run: 'false', ingest: 'false' } }
    }
    expect(runs(condition(date, 'wait-for-data'), needs)).toBe(false)
    expect(runs(condition(date, 'finish'), needs)).toBe(false)
  })

  it('a replayed date: no ingest, but quality and aggregates', () => {
    const needs = { ...claimed('false'), 'ingest-cdc': { result: 'skipped', outputs: {} } }
    expect(runs(condition(date, 'ingest-cdc'), claimed('false'))).toBe(false)
    expect(runs(condition(date, 'validate-data-quality'), needs)).toBe(true)
  })

  it('after a failed ingest, or an export that never landed, no quality check runs', () => {
    const failed = { ...claimed('true'), 'ingest-cdc': { result: 'failure', outputs: {} } }
    expect(runs(condition(date, 'validate-data-quality'), failed)).toBe(false)
    const missing: Needs = {
      ...claimed('true'),
      'wait-for-data': { result: 'success', outputs: { found: 'false' } },
      'ingest-cdc': { result: 'skipped', outputs: {} }
    }
    expect(runs(condition(date, 'ingest-cdc'), missing)).toBe(false)
    expect(runs(condition(date, 'validate-data-quality'), missing)).toBe(false)
    // finish still runs: it records the date blocked (the export never landed).
    expect(runs(condition(date, 'finish'), missing)).toBe(true)
  })

  it('the aggregates run only after the quality gate passed', () => {
    for (const result of ['failure', 'skipped', 'cancelled']) {
      expect(
        runs(condition(date, 'compute-aggregates'), {
          'validate-data-quality': { result, outputs: {} }
        }),
        result
      ).toBe(false)
    }
  })
})

describe('the daily workflow: which date jobs run', () => {
  const plan = (count: number): Needs => ({
    plan: { result: 'success', outputs: { count: String(count) } }
  })

  it('the n-th date job runs only when the plan holds n dates', () => {
    for (let n = 1; n <= 7; n++) {
      const dayCondition = condition(daily, `day-${n}`)
      expect(runs(dayCondition, plan(n)), `day-${n} with ${n} dates`).toBe(true)
      expect(runs(dayCondition, plan(n - 1)), `day-${n} with ${n - 1} dates`).toBe(false)
    }
    expect(runs(condition(daily, 'day-1'), plan(0))).toBe(false)
  })
})
