import { existsSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runAction } from '../support/run-action.js'
import { newRulesRepo } from './rules-repo.js'

let repo: string
beforeEach(() => {
  repo = newRulesRepo()
})
afterEach(() => rmSync(repo, { recursive: true, force: true }))

describe('the quality-gate action in prepare mode', () => {
  it('validates, writes the normalised rules JSON and sets its path and name', async () => {
    const run = await runAction('quality-gate', {
      inputs: { mode: 'prepare', rules: 'quality/customers.yml' },
      cwd: repo
    })
    expect(run.code, run.stderr).toBe(0)
    expect(run.outputs).toEqual({
      'rules-json': '.quality-gate/customers.json',
      'rules-json-name': 'customers.json'
    })
    expect(run.summary).toContain('### Data quality rules: customers ✅ valid')
    expect(existsSync(path.join(repo, '.quality-gate', 'customers.json'))).toBe(true)
  })

  it('fails in one line on a bad rules file', async () => {
    writeFileSync(path.join(repo, 'quality', 'customers.yml'), 'dataset: customers\n')
    const run = await runAction('quality-gate', {
      inputs: { mode: 'prepare', rules: 'quality/customers.yml' },
      cwd: repo
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(
      "::error::quality/customers.yml: 'rules' must be a non-empty list, got null"
    )
    expect(run.stdout).not.toMatch(/^\s+at /m)
    expect(existsSync(path.join(repo, '.quality-gate'))).toBe(false)
  })

  it('still needs metrics-root and logical-date in gate mode', async () => {
    const run = await runAction('quality-gate', {
      inputs: { rules: 'quality/customers.yml' },
      cwd: repo
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::error::Input 'metrics-root': expected /)
  })
})
