import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, existsSync } from 'node:fs'
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
})
