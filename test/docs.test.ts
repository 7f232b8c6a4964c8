import { execFileSync, spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { projectRoot } from './support/moto.js'

const actionFiles = ['action.yml', ...readdirSync(projectRoot).map(dir => `${dir}/action.yml`)]
  .filter((file, index, all) => all.indexOf(file) === index)
  .filter(file => existsSync(path.join(projectRoot, file)))

describe('documentation', () => {
  it('README tables are in step with every action.yml', () => {
    expect(() =>
      execFileSync(process.execPath, ['scripts/docs.mjs', '--check'], {
        cwd: projectRoot,
        stdio: 'pipe'
      })
    ).not.toThrow()
  })

  it.each(actionFiles)('README documents every input and output of %s', file => {
    const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8')
    expect(readme).toContain(`<!-- inputs: ${file} -->`)
    const action = parse(readFileSync(path.join(projectRoot, file), 'utf8'))
    if (action.outputs) expect(readme).toContain(`<!-- outputs: ${file} -->`)
  })

  const folders = actionFiles.filter(file => file !== 'action.yml').map(path.dirname)

  it.each(folders)('%s has its own README with its inputs and outputs', folder => {
    const file = path.join(projectRoot, folder, 'README.md')
    expect(existsSync(file), `${folder}/README.md`).toBe(true)
    const readme = readFileSync(file, 'utf8')
    expect(readme).toContain(`<!-- inputs: ${folder}/action.yml -->`)
    expect(readme).toContain(`<!-- outputs: ${folder}/action.yml -->`)
    // A link back to the full description in the main README.
    expect(readme).toMatch(/\]\(\.\.\/README\.md#[a-z0-9-]+\)/)
  })

  it.each(folders)("the main README's actions table lists %s", folder => {
    const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8')
    const table = readme.slice(readme.indexOf('| action | `uses:` |'), readme.indexOf('## '))
    expect(table).toContain(`| \`<owner>/spark-pipeline-actions/${folder}@v1\` |`)
  })

  it('the docs script refuses an action folder without a README', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'docs-test-'))
    try {
      writeFileSync(path.join(root, 'README.md'), '# x\n')
      mkdirSync(path.join(root, 'new-action'))
      writeFileSync(path.join(root, 'new-action', 'action.yml'), 'name: x\ndescription: x\n')
      const run = spawnSync(process.execPath, ['scripts/docs.mjs', '--check', '--root', root], {
        cwd: projectRoot,
        encoding: 'utf8'
      })
      expect(run.status).toBe(1)
      expect(run.stderr).toContain('new-action/README.md: every action folder needs a README')
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})
