import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser'
import { describe, expect, it } from 'vitest'
import {
  exampleRepository,
  examplesDifferences,
  exampleWorkflows,
  referencedFiles
} from '../../scripts/lib/examples.js'
import { projectRoot } from '../support/moto.js'
import { tempDir } from '../support/temp.js'
import { present } from '../support/present.js'

const examples = path.join(projectRoot, 'examples')
const lines = (file: string): string[] => readFileSync(file, 'utf8').split('\n')
const isUses = (line: string): boolean => /^\s*(?:- )?uses: /.test(line)

/** A copy of what the generator reads and writes, to edit one side without touching ours. */
function copyOfProject(): string {
  const root = tempDir('examples')
  for (const entry of readdirSync(projectRoot, { withFileTypes: true })) {
    if (
      entry.isDirectory() &&
      readdirSync(path.join(projectRoot, entry.name)).includes('action.yml')
    )
      cpSync(
        path.join(projectRoot, entry.name, 'action.yml'),
        path.join(root, entry.name, 'action.yml')
      )
  }
  for (const part of ['action.yml', '.github/workflows', 'jobs', 'quality', 'examples'])
    cpSync(path.join(projectRoot, part), path.join(root, part), { recursive: true })
  return root
}

describe('examples/: the workflows a user copies unchanged', () => {
  it('equals what `npm run examples` writes from the project files', () => {
    expect(examplesDifferences(projectRoot)).toEqual([])
  })

  it.each(exampleWorkflows)(
    '%s differs from the project workflow in its uses: lines only',
    file => {
      const source = lines(path.join(projectRoot, '.github/workflows', file))
      const example = lines(path.join(examples, '.github/workflows', file))
      expect(example).toHaveLength(source.length)
      let rewritten = 0
      example.forEach((line, index) => {
        if (line === source[index]) return
        const original = present(source[index], `line ${index + 1} of the project workflow`)
        expect(isUses(line) && isUses(original), `line ${index + 1}: ${line}`).toBe(true)
        expect(source[index]).toMatch(/uses: \.\/[\w-]*$/)
        expect(line).toMatch(new RegExp(`uses: ${exampleRepository}(/[\\w-]+)?@v1$`))
        rewritten++
      })
      expect(rewritten).toBeGreaterThan(0)
      // No action of this repository is left as `./…`: only the user's own reusable workflow.
      for (const line of example.filter(isUses)) {
        expect(line).not.toMatch(/uses: \.\/(?!\.github\/workflows\/)/)
      }
    }
  )

  it("each example workflow parses with GitHub's parser", () => {
    for (const file of exampleWorkflows) {
      const content = readFileSync(path.join(examples, '.github/workflows', file), 'utf8')
      const parsed = parseWorkflow({ name: file, content }, new NoOperationTraceWriter())
      expect(
        parsed.context.errors.getErrors().map(error => error.message),
        file
      ).toEqual([])
    }
  })

  it('ships every jobs/ and quality/ file the workflows name, byte for byte', () => {
    const daily = readFileSync(
      path.join(projectRoot, '.github/workflows/daily-customer-etl-date.yml'),
      'utf8'
    )
    const named = referencedFiles(daily, projectRoot)
    expect(named).toEqual([
      'jobs/cdc_ingest.py',
      'jobs/customer_summary.py',
      'jobs/data_quality.py',
      'jobs/data_quality_files.py',
      'jobs/data_quality_metrics.py',
      'jobs/data_quality_rules.py',
      'jobs/job_common.py',
      'quality/customers.yml'
    ])
    for (const file of named) {
      expect(readFileSync(path.join(examples, file), 'utf8'), file).toBe(
        readFileSync(path.join(projectRoot, file), 'utf8')
      )
    }
  })

  it('fails when an example is edited by hand, or its source changes without a regeneration', () => {
    const root = copyOfProject()
    expect(examplesDifferences(root)).toEqual([])

    const example = path.join(root, 'examples/.github/workflows/daily-customer-etl.yml')
    writeFileSync(example, readFileSync(example, 'utf8').replace("'7 2 * * *'", "'0 3 * * *'"))
    expect(examplesDifferences(root)).toEqual([
      'differs from its source: examples/.github/workflows/daily-customer-etl.yml'
    ])

    const fresh = copyOfProject()
    const source = path.join(fresh, '.github/workflows/backfill.yml')
    writeFileSync(source, readFileSync(source, 'utf8').replace("max-days: '31'", "max-days: '62'"))
    writeFileSync(path.join(fresh, 'jobs/job_common.py'), '# changed\n', { flag: 'a' })
    writeFileSync(path.join(fresh, 'examples/jobs/stray.py'), '')
    expect(examplesDifferences(fresh)).toEqual([
      'differs from its source: examples/.github/workflows/backfill.yml',
      'differs from its source: examples/jobs/job_common.py',
      'not generated: examples/jobs/stray.py'
    ])
  })
})
