import { describe, expect, it } from 'vitest'
import { runAction } from '../support/run-action.js'
import { workflowEffects } from '../support/workflow-log.js'

// dist/logical-date run as the runner runs it, with an event name holding workflow commands
// (it comes from an expression): echoed to the log as text, never run.
describe('the logical-date action with workflow commands in its event name', () => {
  it('prints them as text: no forged annotation, no mask, no output', async () => {
    const run = await runAction('logical-date', {
      inputs: {
        'event-name':
          'push\n::error file=src/x.ts,line=1::forged\n::add-mask::2026\n::set-output name=date::1999-01-01',
        'run-created-at': '2026-03-02T02:00:00Z'
      },
      timeoutMs: 30_000
    })
    expect(run.code, run.stdout).toBe(0)
    const log = workflowEffects(run.stdout)
    expect(log.annotations).toEqual([])
    expect(log.masks).toEqual([])
    expect(log.outputs).toEqual({})
    expect(run.outputs.date).toBe('2026-03-01')
    expect(log.printed.join('\n')).toContain('::error file=src/x.ts,line=1::forged')
  })
})
