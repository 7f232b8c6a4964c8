import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { projectRoot } from '../support/moto.js'
import { tempDir } from '../support/temp.js'

// actionlint (built from source by scripts/setup-lint-tools.sh) and zizmor (PyPI, in .venv),
// both pinned and offline, over every workflow and action.yml the script finds.
function lint(folder?: string): { status: number | null; output: string } {
  const run = spawnSync('bash', ['scripts/lint-workflows.sh', ...(folder ? [folder] : [])], {
    cwd: projectRoot,
    encoding: 'utf8'
  })
  return { status: run.status, output: run.stdout + run.stderr }
}

describe('workflow lint (actionlint + zizmor)', () => {
  it('passes on every workflow and action.yml of the project: 0 errors, 0 high, 0 medium', () => {
    const { status, output } = lint()
    expect(status, output).toBe(0)
    expect(output).toMatch(
      /lint-workflows: \d+ workflows and \d+ action\.yml\/dependabot files: actionlint clean, zizmor 0 high and 0 medium/
    )
  })

  it('fails on a workflow with a tag-pinned action, persisted credentials, inherited secrets or a broken needs', () => {
    const folder = tempDir('lint-workflows')
    mkdirSync(path.join(folder, '.github/workflows'), { recursive: true })
    writeFileSync(
      path.join(folder, '.github/workflows/new.yml'),
      [
        'name: new',
        'on: push',
        'permissions: {}',
        'jobs:',
        '  build:',
        '    runs-on: ubuntu-latest',
        '    needs: no-such-job',
        '    steps:',
        '      - uses: actions/checkout@v5',
        '  call:',
        '    uses: ./.github/workflows/new.yml',
        '    secrets: inherit',
        ''
      ].join('\n')
    )
    const { status, output } = lint(folder)
    expect(status).toBe(1)
    expect(output).toContain('no-such-job') // actionlint
    expect(output).toContain('error[unpinned-uses]')
    expect(output).toContain('warning[artipacked]')
    expect(output).toContain('warning[secrets-inherit]')
    expect(output).not.toContain('actionlint clean')
  })
})
