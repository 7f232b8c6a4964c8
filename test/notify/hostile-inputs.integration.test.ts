import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runAction, type ActionRun } from '../support/run-action.js'
import { workflowEffects } from '../support/workflow-log.js'
import { LocalGitHub } from './local-github.js'
import { present } from '../support/present.js'

// The notify bundle, run as the runner runs it against the local GitHub API stand-in, with
// inputs as a hostile or careless caller could give them: what reaches the issue, the log
// and the summary must be text, and a malformed input is one line before any request.
const token = 'ghs_notifyHostileToken0123456789abcdef'
const github = new LocalGitHub(token)

beforeAll(() => github.start())
afterAll(() => github.stop())
beforeEach(() => github.reset())

function notify(inputs: Record<string, string>): Promise<ActionRun> {
  return runAction('notify', {
    inputs: {
      'github-token': token,
      status: 'failure',
      pipeline: 'daily-customer-etl',
      label: 'pipeline-failure',
      'logical-date': '2026-02-28',
      'failed-jobs': 'ingest-cdc',
      'run-url': 'https://github.com/example/pipeline/actions/runs/1000',
      ...inputs
    },
    env: { GITHUB_API_URL: github.url },
    timeoutMs: 30_000
  })
}

describe('notify with hostile inputs', () => {
  it('fences an error excerpt so that nothing in it renders: the fence is longer than any run in it', async () => {
    const excerpt = [
      'Traceback (most recent call last):',
      '```',
      '~~~~',
      '````````',
      'cc @org/team and @someone, see #1',
      '![pixel](https://tracker.example/pixel.png)',
      '# Not a heading',
      '</details><img src=x onerror=alert(1)>'
    ].join('\n')
    const run = await notify({ 'error-excerpt': excerpt })
    expect(run.code, run.stdout).toBe(0)
    const body = github.issues[0]?.body ?? ''
    const lines = body.split('\n')
    const opening = lines.findIndex(line => /^`{3,}$/.test(line))
    const fence = present(lines[opening], 'an opening fence')
    expect(fence.length).toBeGreaterThan(8)
    const closing = lines.indexOf(fence, opening + 1)
    // The whole excerpt is inside the fence, and the fence closes only after it.
    expect(lines.slice(opening + 1, closing).join('\n')).toBe(excerpt)
    const outside = [...lines.slice(0, opening), ...lines.slice(closing + 1)].join('\n')
    expect(outside).not.toMatch(/@org|@someone|tracker\.example|<img|# Not/)
  })

  it('prints a logical date holding workflow commands as text: no forged annotation, no mask', async () => {
    const run = await notify({
      'logical-date':
        '2026-02-28\n::error file=src/x.ts,line=1::forged\n##[add-mask]2026\n::add-mask::daily',
      'error-excerpt': 'boom'
    })
    expect(run.code, run.stdout).toBe(0)
    const log = workflowEffects(run.stdout)
    expect(log.annotations).toEqual([])
    // Only the action's own: the token it masks before anything else.
    expect(log.masks).toEqual([token])
    expect(log.printed.join('\n')).toContain('::error file=src/x.ts,line=1::forged')
  })

  it.each([
    ['label', 'x'.repeat(100_000), "Input 'label': expected one line of at most 50 characters"],
    ['pipeline', 'p'.repeat(101), "Input 'pipeline': expected one line of at most 100 characters"],
    ['pipeline', 'daily\nnightly', "Input 'pipeline': expected one line of at most 100 characters"],
    ['run-url', 'javascript:alert(1)', "Input 'run-url': expected an http(s) URL of the run"]
  ])('refuses %s %#, naming it, before any request', async (input, value, message) => {
    const run = await notify({ [input]: value })
    expect(run.code).toBe(1)
    const errors = workflowEffects(run.stdout).annotations
    expect(errors).toHaveLength(1)
    expect(errors[0]?.message.startsWith(message)).toBe(true)
    expect(errors[0]?.message).not.toContain('\n')
    expect(github.calls()).toEqual([])
  })
})
