import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  localRepository,
  repositoryOfRemote,
  runIdentity
} from '../../../local/src/runner/github-context.js'
import { tempDir } from '../../support/temp.js'

describe('the repository a local run names', () => {
  it.each([
    ['https://github.com/octo-org/spark-pipeline.git', 'octo-org/spark-pipeline'],
    ['https://github.com/octo-org/spark-pipeline', 'octo-org/spark-pipeline'],
    ['git@github.com:octo-org/spark-pipeline.git', 'octo-org/spark-pipeline'],
    ['ssh://git@github.com/octo-org/spark-pipeline.git', 'octo-org/spark-pipeline'],
    ['ssh://git@github.example.com:2222/team-1/repo.name_x', 'team-1/repo.name_x'],
    ['https://github.com/octo-org/spark-pipeline/', 'octo-org/spark-pipeline']
  ])('%s → %s', (remote, repository) => {
    expect(repositoryOfRemote(remote)).toBe(repository)
  })

  it.each([
    ['/path/to/clone/.'],
    ['/path/to/clone'],
    ['../clone'],
    ['file:///path/to/clone'],
    ['https://github.com/octo-org/..'],
    ['https://github.com/-octo/repo'],
    ['https://github.com/octo--/repo'],
    ['https://gitlab.example.com/group/subgroup/repo.git'],
    ['']
  ])('%j names no repository', remote => {
    expect(repositoryOfRemote(remote)).toBeUndefined()
  })

  it('falls back to local/<folder>, a name GitHub allows', () => {
    expect(localRepository('/work/my clone')).toBe('local/my-clone')
    expect(localRepository('/work/main/.')).toBe('local/main')
    expect(localRepository('/')).toBe('local/repository')
  })

  it.each([
    ['a local path', (origin: string) => origin, 'local/clone'],
    ['a path ending in /.', (origin: string) => `${origin}/.`, 'local/clone'],
    ['an ssh:// URL', () => 'ssh://git@github.com/octo-org/pipeline.git', 'octo-org/pipeline'],
    ['no remote', undefined, 'local/clone']
  ])('a clone whose origin is %s', (_, origin, repository) => {
    const root = tempDir('runner-identity')
    const upstream = path.join(root, 'upstream')
    const clone = path.join(root, 'clone')
    mkdirSync(upstream)
    mkdirSync(clone)
    const git = (cwd: string, ...args: string[]): void => {
      execFileSync('git', args, { cwd, stdio: 'ignore' })
    }
    git(clone, 'init', '-q', '-b', 'main')
    if (origin) git(clone, 'remote', 'add', 'origin', origin(upstream))
    expect(runIdentity(clone, {}).repository).toBe(repository)
  })
})
