import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { WorkflowFileError } from '../../../local/src/runner/errors.js'
import {
  availableNodes,
  forcedNodeWarning,
  nodeRuntimeFor,
  type NodeInstall
} from '../../../local/src/runner/steps/node-runtime.js'
import { tempDir } from '../../support/temp.js'
import { jobLines, runFixture } from './support.js'

const node20: NodeInstall = { executable: '/usr/bin/node', version: '20.20.2' }
const node24: NodeInstall = {
  executable: '/cache/node/v24.22.3-linux-x64/bin/node',
  version: '24.22.3'
}

describe('nodeRuntimeFor: the Node a runs.using runs on, as on GitHub', () => {
  it('node24 on Node 24, even when the runner itself runs on an older Node', () => {
    expect(nodeRuntimeFor('node24', [node20, node24])).toEqual({
      ...node24,
      using: 'node24',
      forced: false
    })
  })

  it('node20 on Node 24 too, marked as forced (GitHub warns about it)', () => {
    expect(nodeRuntimeFor('node20', [node20, node24])).toEqual({
      ...node24,
      using: 'node20',
      forced: true
    })
  })

  it('refuses a runtime GitHub no longer runs, or no Node action at all, saying what it runs', () => {
    for (const using of ['node16', 'node12', 'docker', 'composite']) {
      expect(nodeRuntimeFor(using, [node24])).toBe(
        `runs.using '${using}' is not supported by the local runner (it runs node20 and node24 actions, as GitHub does)`
      )
    }
  })

  it('says how to get Node 24 when the runner has none', () => {
    expect(nodeRuntimeFor('node24', [node20])).toBe(
      "runs.using 'node24' runs on Node 24, and the runner has none (it runs on Node 20.20.2; bash scripts/setup-node.sh fetches Node 24 into .cache/node)"
    )
  })
})

describe('availableNodes: the runner’s own Node, then the project cache’s, newest first', () => {
  it('lists each unpacked Node of the cache by the version in its folder name', () => {
    const cache = tempDir('node-cache')
    for (const name of ['v24.9.0-linux-x64', 'v24.22.3-linux-x64', 'v22.1.0-linux-x64']) {
      mkdirSync(path.join(cache, name, 'bin'), { recursive: true })
      writeFileSync(path.join(cache, name, 'bin', 'node'), '')
    }
    // A fetch that stopped half-way, and a folder that is no Node at all.
    mkdirSync(path.join(cache, '.fetch.abc123', 'package', 'bin'), { recursive: true })
    mkdirSync(path.join(cache, 'v24.30.0-linux-x64'))
    expect(availableNodes(cache)).toEqual([
      { executable: process.execPath, version: process.versions.node },
      { executable: path.join(cache, 'v24.22.3-linux-x64', 'bin', 'node'), version: '24.22.3' },
      { executable: path.join(cache, 'v24.9.0-linux-x64', 'bin', 'node'), version: '24.9.0' },
      { executable: path.join(cache, 'v22.1.0-linux-x64', 'bin', 'node'), version: '22.1.0' }
    ])
  })

  it('is the runner’s own Node alone without a cache', () => {
    expect(availableNodes(path.join(tempDir('no-cache'), 'node'))).toEqual([
      { executable: process.execPath, version: process.versions.node }
    ])
  })
})

describe('runner: local Node actions on the Node their runs.using names', () => {
  it('runs node24 and node20 actions on Node 24, says which Node ran each, warns about node20', async () => {
    const run = await runFixture('test/fixtures/workflows/node-versions.yml')
    expect(run.exitCode).toBe(0)
    const node24 = jobLines(run.output, 'node24')
    expect(node24[0]).toMatch(/^Node 24\.\d+\.\d+ \(runs\.using: node24\)$/)
    expect(node24).not.toContainEqual(expect.stringContaining('deprecated'))

    const node20 = jobLines(run.output, 'node20')
    expect(node20[0]).toMatch(/^Node 24\.\d+\.\d+ \(runs\.using: node20\)$/)
    expect(node20).toContainEqual(expect.stringMatching(/^node20 action ran on v24\.\d+\.\d+$/))
    expect(node20).toContainEqual(expect.stringMatching(/^output node-version=v24\.\d+\.\d+$/))
    expect(node20).toContain(
      `warning: ${forcedNodeWarning(['./test/fixtures/workflows/actions/node20'])}`
    )
    expect(forcedNodeWarning(['./a', './b'])).toBe(
      'Node.js 20 is deprecated. The following actions target Node.js 20 but are being forced to run on Node.js 24: ./a, ./b. ' +
        'For more information see: https://github.blog/changelog/2025-09-19-deprecation-of-node-20-on-github-actions-runners/'
    )
  })

  it('refuses an action on a runtime it cannot serve before anything runs, in one line naming the file', async () => {
    const run = runFixture('test/fixtures/workflows/node16.yml')
    await expect(run).rejects.toThrow(WorkflowFileError)
    await expect(run).rejects.toThrow(
      new WorkflowFileError(
        "test/fixtures/workflows/node16.yml:8:15: test/fixtures/workflows/actions/node16/action.yml: runs.using 'node16' is not supported by the local runner (it runs node20 and node24 actions, as GitHub does)"
      )
    )
  })
})
