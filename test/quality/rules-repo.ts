import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { prepareRules } from '../../src/quality/prepare.js'
import { projectRoot } from '../support/moto.js'

const RULES = `
dataset: customers
rules:
  - name: not empty
    row_count: { min: 1 }
  - range: { column: lifetime_value, min: 0, max: 1e7 }
  - allowed_values: { column: status, values: [active, 010] }
`

/** A new repository folder holding quality/customers.yml (RULES); the caller removes it. */
export function newRulesRepo(): string {
  const repo = mkdtempSync(path.join(tmpdir(), 'quality-prepare-'))
  mkdirSync(path.join(repo, 'quality'))
  writeFileSync(path.join(repo, 'quality', 'customers.yml'), RULES)
  return repo
}

/**
 * The normalised rules JSON of the repository's quality/customers.yml, written into `dir` as
 * the gate's mode: prepare writes it (what the data-quality job reads); returns its path.
 */
export function prepareCustomersRules(dir: string): string {
  const output = path.join(dir, 'customers.json')
  prepareRules({
    rulesFile: 'quality/customers.yml',
    text: readFileSync(path.join(projectRoot, 'quality', 'customers.yml'), 'utf8'),
    output,
    outputShown: output
  })
  return output
}
