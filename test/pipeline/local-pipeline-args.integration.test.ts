import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { USAGE } from '../../scripts/lib/pipeline-args.js'
import { projectRoot } from '../../local/src/moto.js'
import { tempDir } from '../support/temp.js'

// `npm run pipeline` as a process (the script through tsx): a bad command line exits 2 with
// one line plus the usage on stderr, no stack trace, before it touches the lake. What each
// flag accepts is checked in-process by ./local-pipeline-args.test.ts.

/** A lake as an earlier run left it, outside the project. */
function previousLake(): string {
  const lake = path.join(tempDir('pipeline-args'), 'lake')
  mkdirSync(path.join(lake, 'bronze', 'customers', 'date=2026-01-01'), { recursive: true })
  writeFileSync(path.join(lake, 'bronze', 'customers', 'date=2026-01-01', '_SUCCESS'), '')
  mkdirSync(path.join(lake, 'silver'))
  return lake
}

describe('npm run pipeline: the command line, as a process', () => {
  it('a bad flag exits 2 with one line and the usage, no stack trace, and leaves the lake alone', () => {
    const lake = previousLake()
    const before = readdirSync(lake, { recursive: true }).sort()
    for (const argv of [
      ['--scale', 'abc', '--lake', lake],
      ['--lake', lake, '--no-such-flag']
    ]) {
      const result = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'scripts/local-pipeline.ts', ...argv],
        { cwd: projectRoot, encoding: 'utf8', timeout: 120_000 }
      )
      expect(result.status, result.stderr).toBe(2)
      const lines = result.stderr.trimEnd().split('\n')
      expect(lines[0]).toMatch(/^pipeline: (--scale: expected|unknown option --no-such-flag)/)
      expect(lines.slice(1).join('\n')).toBe(USAGE)
      expect(result.stderr).not.toMatch(/^\s+at /m)
      expect(result.stdout).toBe('')
      expect(readdirSync(lake, { recursive: true }).sort()).toEqual(before)
    }
  })
})
