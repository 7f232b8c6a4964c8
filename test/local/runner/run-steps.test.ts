import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { jobLines, projectRoot, runFixture, type Captured } from './support.js'
import { present } from '../../support/present.js'

// test/fixtures/workflows/basics.yml run through the runner, its steps in real bash and its
// local action in real Node, as a GitHub runner would run them.
describe('runner: basics.yml', () => {
  let run: Captured
  const result = async (): Promise<Captured> => {
    run ??= await runFixture('test/fixtures/workflows/basics.yml', {
      secrets: { FIXTURE_TOKEN: 's3cr3t-value' }
    })
    return run
  }

  it('gives env from the workflow, the job and the step, the most specific winning', async () => {
    expect(jobLines((await result()).output, 'first')).toContain(
      'levels workflow job step shared=from-step cwd=fixtures'
    )
  })

  it('applies defaults.run.working-directory and a step working-directory over it', async () => {
    const lines = jobLines((await result()).output, 'first')
    expect(lines[0]).toMatch(/cwd=fixtures$/)
    expect(lines).toContain(`exported=yes tool=tool-on-path cwd=${path.basename(projectRoot)}`)
  })

  it('passes GITHUB_ENV and GITHUB_PATH to the later steps', async () => {
    expect(jobLines((await result()).output, 'first')).toContain(
      `exported=yes tool=tool-on-path cwd=${path.basename(projectRoot)}`
    )
  })

  it('runs a local Node action with INPUT_* (with: over action.yml defaults, expressions evaluated)', async () => {
    expect(jobLines((await result()).output, 'first')).toContain(
      '  greeting octocat for workflow_dispatch'
    )
  })

  it('gives step outputs (multi-line too) to job outputs and needs', async () => {
    const lines = jobLines((await result()).output, 'second')
    expect(lines).toContain('needs greeting=hello octocat exported=yes result=success')
    expect(lines).toContain('lines=one,two,')
  })

  it('runs the post step at the end of the job with the saved state as STATE_*', async () => {
    const { output } = await result()
    const lines = jobLines(output, 'first')
    expect(lines.at(-1)).toBe('post for octocat (input octocat)')
    expect(output.indexOf('Post Run ./test/fixtures/workflows/actions/greet')).toBeGreaterThan(
      output.indexOf('sees the step outcome')
    )
  })

  it('follows add-mask, stop-commands, groups and annotations', async () => {
    const lines = jobLines((await result()).output, 'first')
    expect(lines).toContain('the mask hides *** here')
    expect(lines).toContain('::warning::not a command while stopped')
    expect(lines).toContain('▾ details')
    expect(lines).toContain('notice: Note: greeted')
  })

  it('masks secrets in everything printed', async () => {
    const { output } = await result()
    expect(output).toContain('token is ***')
    expect(output).not.toContain('s3cr3t-value')
    expect(output).not.toContain('hidden-value-42')
  })

  it('skips an unknown remote action with one line', async () => {
    expect(jobLines((await result()).output, 'first')).toContain(
      'skipped: no local stand-in for someone/unknown-action@v1 (--strict makes this an error)'
    )
  })

  it('continue-on-error: outcome failure, conclusion success, the job goes on', async () => {
    const { output, outcome } = await result()
    expect(jobLines(output, 'first')).toContain('flaky outcome=failure conclusion=success')
    expect(outcome?.jobs.first?.result).toBe('success')
  })

  it('skips steps after a failure unless their if: says failure() or always()', async () => {
    const lines = jobLines((await result()).output, 'second')
    expect(lines).not.toContain('must not run')
    expect(lines).toContain('failure() step ran')
    expect(lines).toContain('always() step ran')
  })

  it('job if: default success() skips dependants of a failed job; failure() and always() run', async () => {
    const { outcome, output } = await result()
    expect(outcome?.jobs).toMatchObject({
      first: { result: 'success' },
      second: { result: 'failure' },
      'after-failure': { result: 'success' },
      'skipped-by-default': { result: 'skipped' },
      report: { result: 'success' }
    })
    expect(output).not.toContain('must not run either')
  })

  it('evaluates contains(needs.*.result, …) and toJSON(needs) in a job that runs always()', async () => {
    const lines = jobLines((await result()).output, 'report')
    expect(lines).toContain('report status=failure')
    expect(JSON.parse(present(lines[1], 'the toJSON(needs) line'))).toMatchObject({
      first: { result: 'success', outputs: { greeting: 'hello octocat' } },
      second: { result: 'failure' },
      'skipped-by-default': { result: 'skipped' }
    })
  })

  it('ends with the job summaries as text and a table of jobs; exit code 1 as a job failed', async () => {
    const { output, exitCode } = await result()
    expect(exitCode).toBe(1)
    const summary = output.slice(output.indexOf('── Job summary: first'))
    expect(summary).toMatch(/GREETED\n\nwho +event\n-+ +-+\noctocat +workflow_dispatch/)
    const table = output.slice(output.indexOf('── Jobs ──'))
    expect(table).toMatch(/first +passed/)
    expect(table).toMatch(/second +failed/)
    expect(table).toMatch(/skipped-by-default +skipped/)
  })
})
