import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../support/temp.js'
import { projectRoot } from './support.js'

const bin = path.join(projectRoot, 'bin', 'spark-pipeline.mjs')

function start(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', chunk => (stdout += chunk))
  child.stderr.on('data', chunk => (stderr += chunk))
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>(resolve =>
    child.on('close', code => resolve({ code, stdout, stderr }))
  )
  return { child, done }
}

// The bin itself, as a person runs it: exit codes, usage, and SIGINT (Ctrl-C) wired to the cancel.
describe('spark-pipeline (the bin)', () => {
  it('bad usage: one line, the usage, exit code 2', async () => {
    const { code, stderr } = await start(['run']).done
    expect(code).toBe(2)
    expect(stderr.split('\n')[0]).toBe('spark-pipeline: run takes exactly one workflow file')
    expect(stderr).toContain('Usage: spark-pipeline run <workflow-file> [options]')
  })

  it('a workflow it cannot run: one file:line:col line per problem, exit code 2', async () => {
    const { code, stderr } = await start(['run', 'test/fixtures/workflows/unsupported.yml']).done
    expect(code).toBe(2)
    const lines = stderr.trimEnd().split('\n')
    expect(lines).toHaveLength(4)
    for (const line of lines)
      expect(line).toMatch(/^test\/fixtures\/workflows\/unsupported\.yml:\d+:\d+: \S/)
    expect(lines[1]).toBe(
      'test/fixtures/workflows/unsupported.yml:10:7: service containers (jobs.<id>.services) is not supported by the local runner'
    )
  })

  it('a parse error: the same format, not the parser’s own', async () => {
    const { code, stderr } = await start(['run', 'test/fixtures/workflows/parse-error.yml']).done
    expect(code).toBe(2)
    expect(stderr).toBe("test/fixtures/workflows/parse-error.yml:6:5: Unexpected value 'stepz'\n")
  })

  it('Ctrl-C: SIGINT to the runner cancels the step, runs the post step, exit code 1', async () => {
    const markers = path.join(tempDir('runner-cli'), 'markers')
    const { child, done } = start(['run', 'test/fixtures/workflows/cancel.yml'], {
      MARKERS: markers
    })
    while (!(existsSync(markers) && readFileSync(markers, 'utf8').includes('main started'))) {
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    child.kill('SIGINT')
    const { code, stdout } = await done
    expect(code).toBe(1)
    expect(readFileSync(markers, 'utf8').trim().split('\n')).toEqual([
      'main started',
      'main got SIGINT',
      'post cancels run-1'
    ])
    expect(stdout).toContain('Cancelling the run')
    expect(stdout).toMatch(/long +cancelled/)
  })
})
