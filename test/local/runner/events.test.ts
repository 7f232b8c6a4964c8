import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConcurrencyGroups } from '../../../local/src/runner/concurrency.js'
import { tempDir } from '../../support/temp.js'
import { jobLines, runFixture } from './support.js'

const markersFile = (): string => path.join(tempDir('runner-events'), 'markers')
const readMarkers = (file: string): string[] => readFileSync(file, 'utf8').trim().split('\n')

describe('runner: events', () => {
  // The real logical-date action: on schedule it reads the run's creation time from the
  // GitHub API, which the runner's stand-in answers with --event-time.
  it('schedule: the logical date is the UTC day before --event-time', async () => {
    const run = await runFixture('test/fixtures/workflows/schedule.yml', {
      event: 'schedule',
      eventTime: new Date('2026-01-02T02:07:00Z')
    })
    expect(run.exitCode).toBe(0)
    expect(jobLines(run.output, 'resolve')).toContain(
      'date=2026-01-01 source=run-created schedule=0 2 * * *'
    )
  })

  it('workflow_dispatch: the date input is used as given', async () => {
    const run = await runFixture('test/fixtures/workflows/schedule.yml', {
      inputs: { date: '2025-12-30' }
    })
    expect(jobLines(run.output, 'resolve')).toContain('date=2025-12-30 source=input schedule=')
  })

  it('workflow_call over a matrix: one call per leg within max-parallel, inputs typed, secrets inherited, outputs back', async () => {
    const markers = markersFile()
    const run = await runFixture('test/fixtures/workflows/caller.yml', {
      hostEnv: { ...process.env, MARKERS: markers },
      secrets: { FIXTURE_TOKEN: 'inherited-secret' },
      maxParallel: 3
    })
    expect(run.exitCode).toBe(0)
    // max-parallel: 1 runs the dates one after the other, oldest first, as backfill does.
    expect(readMarkers(markers)).toEqual([
      'start 2026-01-01',
      'end 2026-01-01',
      'start 2026-01-02',
      'end 2026-01-02',
      'start 2026-01-03',
      'end 2026-01-03'
    ])
    expect(jobLines(run.output, 'each (2026-01-02) / work')).toEqual([
      'date=2026-01-02 flag=false event=workflow_dispatch token=***'
    ])
    expect(run.output).not.toContain('inherited-secret')
    expect(run.output).toMatch(/each \(2026-01-03\) \/ skipped-when-called: skipped/)
    expect(jobLines(run.output, 'after')).toEqual(['each result=success last=2026-01-03'])
  })
})

describe('runner: concurrency and timeouts', () => {
  it('serialises jobs of one concurrency group; a step timeout fails the step; a job timeout cancels the job', async () => {
    const markers = markersFile()
    const run = await runFixture('test/fixtures/workflows/concurrency-timeouts.yml', {
      hostEnv: { ...process.env, MARKERS: markers },
      maxParallel: 2,
      timings: { sigtermAfterMs: 200, sigkillAfterMs: 200 }
    })
    // Both jobs are ready at once and two may run, but their group lets one at a time.
    const order = readMarkers(markers).filter(line => /^(start|end) /.test(line))
    const first = order[0]?.replace('start ', '')
    const second = first === 'one' ? 'two' : 'one'
    expect(order).toEqual([`start ${first}`, `end ${first}`, `start ${second}`, `end ${second}`])

    expect(run.output).toMatch(
      /step-timeout ▸ too slow: failed .* timed out \(timeout-minutes\); SIGINT sent; continue-on-error/
    )
    expect(jobLines(run.output, 'step-timeout')).toContain('after the timed-out step')
    expect(run.outcome?.jobs['step-timeout']?.result).toBe('success')

    expect(run.outcome?.jobs['job-timeout']?.result).toBe('cancelled')
    const lines = jobLines(run.output, 'job-timeout')
    expect(lines).toContain('always() after the job timeout')
    // However far the action got before the timeout, its post step runs.
    expect(lines.some(line => line.startsWith('post for '))).toBe(true)
    expect(run.exitCode).toBe(1)
  })
})

describe('runner: workflow-level concurrency', () => {
  it("a called workflow's group holds across runs; the waiting one replaced by a newer trigger ends superseded, with GitHub's annotation", async () => {
    const markers = markersFile()
    const groups = new ConcurrencyGroups()
    const group = 'fixture-2026-01-05'
    const start = () =>
      runFixture('test/fixtures/workflows/superseded.yml', {
        concurrency: groups,
        vars: { MARKERS: markers }
      })
    const until = async (done: () => boolean): Promise<void> => {
      while (!done()) await new Promise(resolve => setTimeout(resolve, 50))
    }
    const first = start()
    await until(() => existsSync(markers) && readMarkers(markers).includes('holding'))
    const second = start()
    await until(() => groups.isWaiting(group))
    const third = start()
    const replaced = await second
    // The second trigger never ran its date: GitHub cancels it, and so does the runner.
    expect(replaced.outcome?.jobs['day-1']?.result).toBe('cancelled')
    expect(replaced.output).toContain(
      "day-1 / work: cancelled — Canceling since a higher priority waiting request for 'fixture-2026-01-05' exists"
    )
    // Its report reads the annotation through the GitHub API stand-in: superseded, not failed.
    expect(replaced.outcome?.jobs.report).toMatchObject({
      result: 'success',
      outputs: { status: 'skipped' }
    })
    expect(jobLines(replaced.output, 'report')).toContain(
      "Superseded: a newer trigger of 2026-01-05 took this run's place; nothing was done here"
    )
    writeFileSync(`${markers}.release`, '')
    const [held, latest] = await Promise.all([first, third])
    expect(held.exitCode).toBe(0)
    expect(latest.exitCode).toBe(0)
    expect(readMarkers(markers).filter(line => line === 'holding')).toHaveLength(2)
  })
})

describe('runner: which schedule fired', () => {
  it('--schedule picks the entry; an unknown one is refused in one line', async () => {
    const run = await runFixture('test/fixtures/workflows/schedule.yml', {
      event: 'schedule',
      schedule: '17 4 * * *',
      eventTime: new Date('2026-01-02T04:17:00Z')
    })
    expect(run.exitCode).toBe(0)
    expect(jobLines(run.output, 'resolve')).toContain(
      'date=2026-01-01 source=run-created schedule=17 4 * * *'
    )
    await expect(
      runFixture('test/fixtures/workflows/schedule.yml', {
        event: 'schedule',
        schedule: '5 5 * * *'
      })
    ).rejects.toThrow(
      "--schedule '5 5 * * *': test/fixtures/workflows/schedule.yml has the schedules '0 2 * * *', '17 4 * * *'"
    )
  })
})
