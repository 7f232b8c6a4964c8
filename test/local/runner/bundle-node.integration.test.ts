import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { jobLines, projectRoot, runFixture } from './support.js'

describe('a bundle run through the runner', () => {
  it('runs on Node 24, the Node its action.yml names, in its own process', async () => {
    const run = await runFixture('test/fixtures/workflows/bundle-node.yml')
    const lines = jobLines(run.output, 'bundle')
    expect(run.exitCode, run.output).toBe(0)
    expect(lines[0]).toMatch(/^Node 24\.\d+\.\d+ \(runs\.using: node24\)$/)
    // Printed by a module preloaded into the bundle's process (NODE_OPTIONS=--import=…).
    const bundle = path.join(projectRoot, 'dist', 'logical-date', 'index.js')
    const printed = lines.filter(line => line.startsWith('node v'))
    expect(printed).toHaveLength(1)
    const [, version, file] = /^node (v\S+) runs (.+)$/.exec(printed[0] ?? '') ?? []
    expect(version).toMatch(/^v24\.\d+\.\d+$/)
    expect(file).toBe(bundle)
    // The bundle itself ran to the end after the preload: its output reached the next step.
    expect(lines).toContain('logical date 2026-01-01')
  })
})
