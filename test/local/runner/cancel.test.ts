import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { CancelSignal } from '../../../local/src/runner/process.js'
import { tempDir } from '../../support/temp.js'
import { jobLines, runFixture } from './support.js'

// Ctrl-C as GitHub's cancel: SIGINT to the running step's process, SIGTERM later, then the
// post steps; cancelled() is true for the later if:s. The CLI wires SIGINT to the same
// CancelSignal that these tests fire by hand once the step has started.
async function untilFileHas(file: string, text: string): Promise<void> {
  for (;;) {
    if (existsSync(file) && readFileSync(file, 'utf8').includes(text)) return
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

async function cancelledRun(
  vars: Record<string, string>,
  timings?: { sigtermAfterMs: number; sigkillAfterMs: number }
) {
  const markers = path.join(tempDir('runner-cancel'), 'markers')
  const cancel = new CancelSignal()
  const running = runFixture('test/fixtures/workflows/cancel.yml', {
    vars,
    cancel,
    hostEnv: { ...process.env, MARKERS: markers },
    ...(timings ? { timings } : {})
  })
  await untilFileHas(markers, 'main started')
  cancel.cancel()
  const result = await running
  return { ...result, markers: readFileSync(markers, 'utf8').trim().split('\n') }
}

describe('runner: a cancel (Ctrl-C)', () => {
  it('sends SIGINT to the running step, then runs cancelled() steps and the post step', async () => {
    const { markers, output, outcome, exitCode } = await cancelledRun({})
    expect(markers).toEqual(['main started', 'main got SIGINT', 'post cancels run-1'])
    const lines = jobLines(output, 'long')
    expect(lines).toContain('cancelled() step ran')
    expect(lines).not.toContain('must not run')
    expect(lines).toContain('post: cancelling run-1')
    expect(outcome?.jobs.long?.result).toBe('cancelled')
    // Jobs not started yet: only those whose if: allows a cancelled run (always()) run.
    expect(jobLines(output, 'after-cancel')).toEqual(['long result=cancelled'])
    expect(outcome?.jobs['skipped-after-cancel']?.result).toBe('skipped')
    expect(exitCode).toBe(1)
  })

  // The delays are shortened here (GitHub: 7.5 s then 2.5 s); only the order is checked.
  it('sends SIGTERM after SIGINT when the process does not stop', async () => {
    const { markers, output } = await cancelledRun(
      { IGNORE_SIGINT: 'true' },
      { sigtermAfterMs: 200, sigkillAfterMs: 200 }
    )
    expect(markers).toEqual([
      'main started',
      'main got SIGINT',
      'main got SIGTERM',
      'post cancels run-1'
    ])
    expect(output).toContain('cancelled (SIGINT → SIGTERM)')
  })
})
