import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runAction } from '../support/run-action.js'
import { tempDir } from '../support/temp.js'
import { workflowEffects } from '../support/workflow-log.js'

// A rules file of a few lines whose aliases expand to billions of nodes: the bundled gate
// (both modes, as the runner runs them) refuses it in one line naming the file.
const BOMB = [
  'dataset: customers',
  'a: &a [x, x, x, x, x, x, x, x, x]',
  ...'bcdefgh'.split('').map((name, index) => {
    const previous = 'abcdefgh'[index]
    return `${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`
  }),
  'rules: [*h]'
].join('\n')

describe('the quality gate with a YAML alias bomb', () => {
  it.each([
    ['prepare', {}],
    ['gate', { 'metrics-root': 'metrics', 'logical-date': '2026-03-01' }]
  ])('refuses it in %s mode, naming the file', async (mode, inputs) => {
    const workspace = tempDir('alias-bomb')
    mkdirSync(path.join(workspace, 'quality'))
    writeFileSync(path.join(workspace, 'quality', 'bomb.yml'), `${BOMB}\n`)
    const run = await runAction('quality-gate', {
      inputs: { mode, rules: 'quality/bomb.yml', ...inputs },
      cwd: workspace,
      timeoutMs: 60_000
    })
    expect(run.code).toBe(1)
    expect(workflowEffects(run.stdout).annotations.map(error => error.message)).toEqual([
      'quality/bomb.yml: YAML aliases refused (Excessive alias count indicates a resource exhaustion attack); write the rules out'
    ])
  })
})
