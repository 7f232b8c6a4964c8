import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

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
