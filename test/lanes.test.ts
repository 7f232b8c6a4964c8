import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { projectRoot } from './support/moto.js'

/**
 * The lanes of vitest.config.ts go by file name: `*.test.ts` is the fast lane, which must
 * run without Java, Go, Python, a browser or moto (its CI job has none of them), so a fast
 * test file must not reach for the helpers that start those peers.
 */
const peerHelpers: [RegExp, string][] = [
  [/\bstartMoto\b/, 'moto'],
  [/\brunAction\b/, 'a bundle (the integration lane runs them)'],
  [/\bvenvPython\b/, 'the Python virtualenv'],
  [/\blaunchHeadlessChromium\b/, 'Chromium'],
  [/\bstartLocalEmrServerless\b|\bstartLocalPeers\b|\bensureJars\b/, 'local Spark'],
  [/lint-workflows\.sh/, 'actionlint and zizmor'],
  [/'\.cache', 'bin', 'act'/, 'nektos/act']
]

const testFiles = (readdirSync(path.join(projectRoot, 'test'), { recursive: true }) as string[])
  .filter(file => file.endsWith('.ts') && /\.test\.ts$/.test(file))
  .map(file => path.join('test', file))
  .sort()

describe('test lanes', () => {
  it('each test file says its lane with one suffix and no other: .test.ts, .integration.test.ts, .e2e.test.ts', () => {
    const odd = testFiles.filter(
      file => !/^[a-z0-9-]+(\.integration|\.e2e)?\.test\.ts$/.test(path.basename(file))
    )
    expect(odd).toEqual([])
    expect(testFiles.length).toBeGreaterThan(80)
  })

  it('no fast test file starts a peer the fast lane goes without', () => {
    const fast = testFiles.filter(file => !/\.(integration|e2e)\.test\.ts$/.test(file))
    const found = fast.flatMap(file => {
      const text = readFileSync(path.join(projectRoot, file), 'utf8')
      return peerHelpers
        .filter(([pattern]) => pattern.test(text))
        .map(([, peer]) => `${file}: ${peer}`)
    })
    expect(found).toEqual([])
    expect(fast.length).toBeGreaterThan(50)
  })

  it('the helpers it looks for are the ones the other lanes use', () => {
    const others = testFiles
      .filter(file => /\.(integration|e2e)\.test\.ts$/.test(file))
      .map(file => readFileSync(path.join(projectRoot, file), 'utf8'))
      .join('\n')
    for (const [pattern, peer] of peerHelpers) expect(pattern.test(others), peer).toBe(true)
  })
})
