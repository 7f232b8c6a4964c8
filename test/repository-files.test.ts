import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { projectRoot } from './support/moto.js'

// A symbolic link in the index is a checkout's local set-up leaking into the project: a clone
// elsewhere gets a dangling link, and a merge replaces the real folder (a virtualenv, the jar
// cache) with the link, since git overwrites ignored paths.
describe('the files git tracks', () => {
  it('holds no symbolic links', () => {
    const index = execFileSync('git', ['ls-files', '--stage', '-z'], {
      cwd: projectRoot,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024
    })
    const entries = index.split('\0').filter(entry => entry !== '')
    expect(entries.length).toBeGreaterThan(100)
    const links = entries
      .filter(entry => entry.startsWith('120000 '))
      .map(entry => entry.split('\t')[1])
    expect(links).toEqual([])
  })
})
