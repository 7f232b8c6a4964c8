import { execFileSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { expectedExamples } from '../scripts/lib/examples.js'
import { projectRoot } from './support/moto.js'

/** Each path with its `linguist-generated` attribute as .gitattributes sets it. */
function linguistGenerated(paths: readonly string[]): Map<string, string> {
  const output = execFileSync('git', ['check-attr', '-z', '--stdin', 'linguist-generated'], {
    cwd: projectRoot,
    encoding: 'utf8',
    input: paths.join('\0'),
    maxBuffer: 16 * 1024 * 1024
  })
  // -z: path NUL attribute NUL value NUL, for each path.
  const fields = output.split('\0')
  const values = new Map<string, string>()
  for (let index = 0; index + 2 < fields.length; index += 3) {
    values.set(fields[index]!, fields[index + 2]!)
  }
  return values
}

function filesUnder(folder: string): string[] {
  return readdirSync(path.join(projectRoot, folder), { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => path.relative(projectRoot, path.join(entry.parentPath, entry.name)))
}

/** Every file a script writes whole: the bundles, examples/, the rules fixtures' JSON. */
function generatedFiles(): string[] {
  return [
    ...filesUnder('dist'),
    ...[...expectedExamples(projectRoot).keys()].map(file => `examples/${file}`),
    ...filesUnder('test/fixtures/quality/job').filter(file => file.endsWith('.json'))
  ]
}

describe('.gitattributes', () => {
  it('marks every file the generators write as linguist-generated', () => {
    const files = generatedFiles()
    expect(files.some(file => file.startsWith('dist/'))).toBe(true)
    expect(files.some(file => file.startsWith('examples/jobs/'))).toBe(true)
    const values = linguistGenerated(files)
    expect(files.filter(file => values.get(file) !== 'true')).toEqual([])
  })

  it('marks nothing a person writes: the sources, the jobs, the docs and the rules fixtures', () => {
    const written = [
      'src/core/duration.ts',
      'local/src/http-router.ts',
      'jobs/data_quality.py',
      'README.md',
      'docs/architecture.md',
      'docs/iam.md',
      'test/fixtures/quality/job/customers.yml',
      'action.yml'
    ]
    const values = linguistGenerated(written)
    expect(written.filter(file => values.get(file) === 'true')).toEqual([])
  })
})
