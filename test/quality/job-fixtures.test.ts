import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { normalisedRules, rulesJson } from '../../src/quality/rules-json.js'
import { parseRules } from '../../src/quality/rules.js'
import { projectRoot } from '../support/moto.js'

// The data-quality job's tests (jobs/tests/test_data_quality.py) run it on the normalised rules
// JSON, which only the gate writes: each test/fixtures/quality/job/<name>.yml has beside it the
// <name>.json the gate's mode: prepare writes for it. `npx vitest run -u` rewrites them.
const folder = path.join(projectRoot, 'test', 'fixtures', 'quality', 'job')
const rulesFiles = readdirSync(folder).filter(file => file.endsWith('.yml'))

describe("the data-quality job's rules fixtures", () => {
  it('are there', () => {
    expect(rulesFiles.length).toBeGreaterThan(0)
    expect(
      readdirSync(folder)
        .filter(file => file.endsWith('.json'))
        .sort()
    ).toEqual(rulesFiles.map(file => file.replace(/\.yml$/, '.json')).sort())
  })

  it.each(rulesFiles)('%s: the JSON beside it is what mode: prepare writes', async file => {
    const source = `test/fixtures/quality/job/${file}`
    const text = readFileSync(path.join(folder, file), 'utf8')
    const json = rulesJson(normalisedRules(parseRules(text, source)), source)
    await expect(json).toMatchFileSnapshot(path.join(folder, file.replace(/\.yml$/, '.json')))
  })
})
