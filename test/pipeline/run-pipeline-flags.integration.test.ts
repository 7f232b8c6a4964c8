import { spawnSync } from 'node:child_process'
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { USAGE } from '../../scripts/lib/pipeline-args.js'
import { projectRoot } from '../support/moto.js'
import { tempDir } from '../support/temp.js'

/**
 * `npm run pipeline` (scripts/run-pipeline.sh) in a copy of the repository as a fresh clone
 * has it: no node_modules, no virtualenvs, no jars. `npm` and `npx` on PATH are stand-ins
 * that only write down that they were called, so a set-up step that ran is seen (and nothing
 * is downloaded if one does).
 */
function freshClone(): { dir: string; calls: string } {
  const dir = tempDir('fresh-clone')
  for (const entry of [
    'scripts',
    'src',
    'package.json',
    'package-lock.json',
    'tsconfig.json',
    '.node-version'
  ]) {
    cpSync(path.join(projectRoot, entry), path.join(dir, entry), { recursive: true })
  }
  const bin = path.join(dir, '.stand-ins')
  mkdirSync(bin)
  const calls = path.join(bin, 'calls')
  for (const tool of ['npm', 'npx']) {
    const stub = path.join(bin, tool)
    // `npx tsx` runs the tsx found on PATH, when there is one (after npm ci); the rest is set-up.
    const tsx =
      tool === 'npx'
        ? 'if [ "$1" = tsx ] && command -v tsx >/dev/null; then shift; exec tsx "$@"; fi\n'
        : ''
    writeFileSync(stub, `#!/bin/sh\n${tsx}echo "${tool} $*" >> "${calls}"\nexit 1\n`)
    chmodSync(stub, 0o755)
  }
  return { dir, calls }
}

function pipeline(dir: string, args: string[], extraPath = '') {
  const result = spawnSync('bash', [path.join(dir, 'scripts', 'run-pipeline.sh'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: {
      PATH: [extraPath, path.join(dir, '.stand-ins'), process.env.PATH].filter(Boolean).join(':'),
      HOME: process.env.HOME ?? ''
    },
    timeout: 120_000
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

const setUp = (dir: string): string[] =>
  ['node_modules', '.venv', '.venv-lint', '.cache'].filter(entry =>
    existsSync(path.join(dir, entry))
  )

describe('npm run pipeline answers its flags before it sets anything up', () => {
  it('--help prints the usage at once, exit code 0', () => {
    const { dir, calls } = freshClone()
    const run = pipeline(dir, ['--help'])
    expect(run).toEqual({ code: 0, stdout: `${USAGE}\n`, stderr: '' })
    expect(existsSync(calls)).toBe(false)
    expect(setUp(dir)).toEqual([])
  })

  it.each([
    [['--no-such-flag'], 'pipeline: unknown option --no-such-flag'],
    [['--date'], 'pipeline: --date needs a value'],
    [['2026-01-01'], 'pipeline: unexpected argument 2026-01-01']
  ])('%j: one line and the usage, exit code 2, nothing installed or touched', (args, line) => {
    const { dir, calls } = freshClone()
    const before = readdirSync(dir).sort()
    const run = pipeline(dir, args)
    expect(run).toEqual({ code: 2, stdout: '', stderr: `${line}\n${USAGE}\n` })
    expect(existsSync(calls)).toBe(false)
    expect(readdirSync(dir).sort()).toEqual(before)
  })

  it('a wrong value is refused after npm ci, before the virtualenvs and the jars', () => {
    const { dir, calls } = freshClone()
    // As after `npm ci`: the project's packages, with the lock file's stamp.
    symlinkSync(path.join(projectRoot, 'node_modules'), path.join(dir, 'node_modules'))
    const run = pipeline(dir, ['--scale', 'many'], path.join(projectRoot, 'node_modules', '.bin'))
    expect(run.code, run.stderr).toBe(2)
    expect(run.stderr).toBe(
      `pipeline: --scale: expected a whole number from 1 to 1000, got 'many'\n${USAGE}\n`
    )
    expect(existsSync(calls)).toBe(false)
    expect(setUp(dir)).toEqual(['node_modules'])
  })
})
