import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { WarmCapacity } from '../../../local/src/emr-serverless/warm-capacity.js'
import { WarmDriver, type WarmRunRequest } from '../../../local/src/emr-serverless/warm-driver.js'
import { tempDir } from '../../support/temp.js'

/**
 * The service's side of the warm driver: its protocol, the split of the driver's output per
 * run, a crash, a kill, a failed start, and the capacity that replaces a driver. The fast lane
 * runs no Python or Spark, so the driver here is a stand-in speaking the same protocol
 * (test/fixtures/warm-driver/stand-in.mjs); the real driver is tested through the local EMR
 * Serverless in warm-driver.e2e.test.ts.
 */

const STAND_IN = path.resolve(import.meta.dirname, '../../fixtures/warm-driver/stand-in.mjs')

function standIn(env: NodeJS.ProcessEnv = {}): WarmDriver {
  const folder = tempDir('warm-driver-unit')
  const propertiesFile = path.join(folder, 'spark-defaults.conf')
  writeFileSync(propertiesFile, 'spark.app.name stand-in\n')
  return new WarmDriver({
    python: process.execPath,
    script: STAND_IN,
    sparkSubmitArgs: ['--master', 'local[2]'],
    propertiesFile,
    folder: path.join(folder, 'driver'),
    env: { PATH: process.env.PATH, ...env },
    flushTimeoutMs: 50
  })
}

function request(runId: string, entryPoint: string): WarmRunRequest {
  return { runId, entryPoint, argv: ['--date', '2026-01-01'], pyFiles: [], runDir: '/', conf: {} }
}

function outputs() {
  const text = { stdout: '', stderr: '' }
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  stdout.on('data', chunk => (text.stdout += String(chunk)))
  stderr.on('data', chunk => (text.stderr += String(chunk)))
  return { streams: { stdout, stderr }, text }
}

describe('WarmDriver (against a stand-in of the Python driver)', () => {
  it("gives each run its own output, the driver's own lines to neither, and the exit code", async () => {
    const driver = standIn()
    expect(await driver.ready).toEqual({ sparkUiUrl: 'http://localhost:4040' })
    let started = 0
    for (const runId of ['first', 'second']) {
      const { streams, text } = outputs()
      const outcome = await driver.run(request(runId, 'ok'), streams, () => started++)
      expect(outcome).toEqual({ kind: 'ended', exitCode: 0, replace: false })
      expect(text).toEqual({
        stdout: `stdout of ${runId} --date 2026-01-01\n`,
        stderr: `stderr of ${runId}\n`
      })
    }
    expect(started).toBe(2)
    expect(driver.alive).toBe(true)
    await driver.stop(5_000)
    expect(driver.alive).toBe(false)
  })

  it('answers cold with the reason, and asks to be replaced when it must', async () => {
    const driver = standIn()
    await driver.ready
    const { streams } = outputs()
    expect(await driver.run(request('r1', 'cold'), streams, () => undefined)).toEqual({
      kind: 'cold',
      reason: 'spark.driver.memory differs'
    })
    expect(driver.busy).toBe(false)
    expect(await driver.run(request('r2', 'replace'), streams, () => undefined)).toMatchObject({
      kind: 'ended',
      replace: true
    })
    await driver.stop(5_000)
  })

  it('settles a run whose end markers never come once the driver said it ended', async () => {
    const driver = standIn()
    await driver.ready
    const { streams, text } = outputs()
    expect(await driver.run(request('r1', 'unmarked'), streams, () => undefined)).toEqual({
      kind: 'ended',
      exitCode: 0,
      replace: false
    })
    expect(text.stderr).toBe('stderr of r1\n')
    expect(driver.busy).toBe(false)
    await driver.stop(5_000)
  })

  it('settles a run whose driver ended during it as crashed, with the exit code and all its output', async () => {
    const driver = standIn()
    await driver.ready
    const { streams, text } = outputs()
    const outcome = await driver.run(request('r1', 'crash'), streams, () => undefined)
    expect(outcome).toEqual({ kind: 'crashed', exit: { code: 3, signal: null } })
    expect(text.stdout).toBe('stdout of r1 --date 2026-01-01\n')
    expect(driver.alive).toBe(false)
    // A dead driver runs nothing.
    expect(await driver.run(request('r2', 'ok'), streams, () => undefined)).toMatchObject({
      kind: 'crashed'
    })
  })

  it('passes a cancel to the driver, and a kill ends a run that ignores it', async () => {
    const cancellable = standIn()
    await cancellable.ready
    const { streams } = outputs()
    const ending = cancellable.run(request('r1', 'cancellable'), streams, () =>
      cancellable.cancel('r1')
    )
    expect(await ending).toEqual({ kind: 'ended', exitCode: 1, replace: false })
    await cancellable.stop(5_000)

    const wedged = standIn()
    await wedged.ready
    let hanging = false
    const run = wedged.run(request('r2', 'hang'), streams, () => (hanging = true))
    while (!hanging) await new Promise(resolve => setTimeout(resolve, 20))
    expect(wedged.busy).toBe(true)
    wedged.cancel('r2')
    expect(await wedged.kill()).toEqual({ code: null, signal: 'SIGKILL' })
    expect(await run).toEqual({ kind: 'crashed', exit: { code: null, signal: 'SIGKILL' } })
  })

  it('stops a ready driver through its commands channel, and kills one still warming up', async () => {
    const ready = standIn()
    await ready.ready
    await ready.stop(600_000)
    expect(await ready.kill()).toEqual({ code: 0, signal: null })

    // It holds no run and reads no commands yet: the service's stop does not wait for it
    // (a run that needed no Spark would wait out the grace).
    const warming = standIn({ STAND_IN_WARMING: '1' })
    await warming.stop(600_000)
    expect(await warming.kill()).toEqual({ code: null, signal: 'SIGKILL' })
  })

  it('rejects its readiness when the driver cannot start', async () => {
    const driver = standIn({ STAND_IN_FAIL_START: '1' })
    await expect(driver.ready).rejects.toThrow(
      'the warm Spark driver did not start: no Spark context here'
    )
  })
})

describe('WarmCapacity', () => {
  it('keeps one driver per warm application, replaces a discarded one, and stops them all', async () => {
    const started: string[] = []
    const lines: string[] = []
    const capacity = new WarmCapacity({
      isWarm: applicationId => applicationId !== 'coldapp',
      startDriver: applicationId => {
        started.push(applicationId)
        return standIn()
      },
      log: line => lines.push(line),
      stopGraceMs: 5_000
    })
    expect(capacity.isWarm('coldapp')).toBe(false)
    expect(capacity.driver('coldapp')).toBeUndefined()
    const first = capacity.driver('app1')!
    expect(capacity.driver('app1')).toBe(first)
    await first.ready
    await capacity.discard('app1', first)
    expect(first.alive).toBe(false)
    const second = capacity.driver('app1')!
    expect(second).not.toBe(first)
    expect(started).toEqual(['app1', 'app1'])
    expect(lines).toEqual([
      'application app1: warm Spark driver starting',
      'application app1: warm Spark driver replaced',
      'application app1: warm Spark driver starting'
    ])
    await capacity.stop()
    expect(second.alive).toBe(false)
    expect(capacity.driver('app1')).toBeUndefined()
  })
})
