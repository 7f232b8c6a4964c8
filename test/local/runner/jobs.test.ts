import { cpSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../support/temp.js'
import { jobLines, projectRoot, runFixture, type Captured } from './support.js'

let shared: Promise<Captured> | undefined
const jobsRun = (): Promise<Captured> =>
  (shared ??= runFixture('test/fixtures/workflows/jobs.yml', { maxParallel: 1 }))

describe('runner: job-level continue-on-error and matrix fail-fast', () => {
  it('behaves as on GitHub', async () => {
    const run = await jobsRun()
    // The job shows failed, yet its dependants see success and the job does not fail the run.
    expect(run.output).toContain('● allowed-to-fail: failed')
    expect(jobLines(run.output, 'after-allowed')).toEqual(['allowed-to-fail result=success'])
    expect(run.outcome?.jobs['allowed-to-fail']?.result).toBe('success')

    // fail-fast (the default): the first leg fails, the legs not yet run are cancelled.
    expect(jobLines(run.output, 'fail-fast (1)')).toEqual(['leg 1 of 3'])
    expect(jobLines(run.output, 'fail-fast (2)')).toEqual([])
    expect(run.outcome?.jobs['fail-fast']?.result).toBe('failure')
    // fail-fast: false: every leg runs.
    expect(jobLines(run.output, 'no-fail-fast (2)')).toEqual(['leg 2'])
    expect(run.outcome?.jobs['no-fail-fast']?.result).toBe('failure')
    expect(run.exitCode).toBe(1)
  })

  it('post steps: at the end of the job, in reverse order, each under its post-if', async () => {
    const run = await jobsRun()
    const posts = jobLines(run.output, 'posts').filter(line => line.startsWith('post '))
    expect(posts).toEqual(['post for second (input second)', 'post for first (input first)'])
    expect(run.output).toContain(
      'posts ▸ Post Run ./test/fixtures/workflows/actions/post-on-success: skipped (0s) — post-if: success()'
    )
    expect(run.output).not.toContain('post of post-on-success')
  })
})

describe('runner: a job’s status functions look at its whole dependency chain', () => {
  it('skips a job under success() when a job two up failed or was skipped, as GitHub does', async () => {
    const run = await runFixture('test/fixtures/workflows/peer/needs.yml', { maxParallel: 1 })
    const result = (job: string): string | undefined => run.outcome?.jobs[job]?.result
    // The direct need ran (if: always()) and succeeded; the failure is one job further up.
    expect(result('always-after-broken')).toBe('success')
    expect(result('after-always-after-broken')).toBe('skipped')
    expect(jobLines(run.output, 'after-always-after-broken')).toEqual([])
    expect(result('on-failure-two-up')).toBe('success')
    expect(jobLines(run.output, 'on-failure-two-up')).toEqual(['peer: on-failure-two-up ran'])
    // A skip further up counts too.
    expect(result('always-after-skipped')).toBe('success')
    expect(result('after-always-after-skipped')).toBe('skipped')
  })
})

describe('runner: the deprecated ::set-env and ::add-path', () => {
  it('applies them when the step opts in, and fails the step with GitHub’s message otherwise', async () => {
    const run = await runFixture('test/fixtures/workflows/peer/commands.yml', { maxParallel: 1 })
    expect(jobLines(run.output, 'allowed')).toEqual([
      'peer: FROM_COMMAND=set by command',
      'peer: path has /opt/peer-tools',
      'peer: FROM_COMMAND=changed'
    ])
    expect(jobLines(run.output, 'allowed-by-step')).toEqual(['peer: FIRST=one SECOND=two'])
    expect(run.outcome?.jobs.disabled?.result).toBe('failure')
    const peerLines = (job: string): string[] =>
      jobLines(run.output, job).filter(line => line.startsWith('peer: '))
    expect(peerLines('disabled')).toEqual(['peer: before set-env', 'peer: FROM_COMMAND=[]'])
    expect(run.output).toContain(
      'The `set-env` command is disabled. Please upgrade to using Environment Files'
    )
    expect(run.outcome?.jobs['disabled-path']?.result).toBe('failure')
    expect(run.exitCode).toBe(1)
  })
})

describe('runner: block scalars holding ${{ }}, as GitHub reads them', () => {
  it.each(['block-scalars.yml', 'block-scalars.crlf.yml'])(
    '%s: each step gets the scalar’s value (no file indentation, no carriage returns)',
    async file => {
      const run = await runFixture(`test/fixtures/workflows/peer/${file}`)
      expect(run.exitCode).toBe(0)
      expect(jobLines(run.output, 'scripts')).toEqual([
        'peer: event=workflow_dispatch',
        'peer: nested ok',
        'peer: heredoc workflow_dispatch',
        'peer: python workflow_dispatch',
        'peer: folded workflow_dispatch'
      ])
    }
  )
})

describe('runner: a step without a name, as GitHub names it', () => {
  it("is 'Run ' and its script's first line, evaluated, from a CRLF block scalar too", async () => {
    const workspace = tempDir('runner-step-names')
    const workflow = [
      'on: workflow_dispatch',
      'jobs:',
      '  one:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: |',
      '',
      '          echo "event=${{ github.event_name }}"',
      '          echo second line',
      "      - run: echo ${{ hashFiles('none') }} stays as written",
      ''
    ].join('\r\n')
    writeFileSync(path.join(workspace, 'names.yml'), workflow)
    const run = await runFixture('names.yml', {
      workspace,
      workflowFile: path.join(workspace, 'names.yml')
    })
    const started = run.output.split('\n').filter(line => line.startsWith('  one ▸ '))
    expect(started[0]).toBe('  one ▸ Run echo "event=workflow_dispatch"')
    // An expression the runner cannot evaluate: the script as written, as GitHub shows it.
    expect(started[1]).toMatch(/^ {2}one ▸ Run .*hashFiles\('none'\)/)
  })
})

describe('runner: a matrix from expressions', () => {
  it('reads a block scalar holding one expression, and inserts an array item by item', async () => {
    const run = await runFixture('test/fixtures/workflows/matrix-expressions.yml')
    expect(run.exitCode).toBe(0)
    expect(jobLines(run.output, 'from-block (a)')).toEqual(['leg=a'])
    expect(jobLines(run.output, 'from-block (b)')).toEqual(['leg=b'])
    const legs = ['a', 'c', 'd'].map(leg => jobLines(run.output, `inserted (${leg})`))
    expect(legs).toEqual([['leg=a flavour='], ['leg=c flavour='], ['leg=d flavour=']])
    expect(jobLines(run.output, 'inserted (e, extra)')).toEqual(['leg=e flavour=extra'])
  })
})

describe('runner: local actions, loaded when their step starts', () => {
  it('runs one without name or description, one an earlier step created; a missing one fails its step only', async () => {
    const workspace = tempDir('runner-local-action-load')
    const peer = 'test/fixtures/workflows/peer'
    cpSync(path.join(projectRoot, peer), path.join(workspace, peer), { recursive: true })
    const run = await runFixture(`${peer}/local-actions.yml`, {
      workspace,
      workflowFile: path.join(workspace, peer, 'local-actions.yml')
    })
    const result = (job: string): string | undefined => run.outcome?.jobs[job]?.result
    expect(jobLines(run.output, 'minimal')).toContain('peer: minimal action ran')
    expect(result('minimal')).toBe('success')
    expect(jobLines(run.output, 'created')).toContain('peer: made action ran')
    expect(result('created')).toBe('success')
    expect(result('skipped-missing')).toBe('success')
    expect(result('missing')).toBe('failure')
    expect(run.output).toContain('./no/such/action: no action.yml in no/such/action')
    expect(jobLines(run.output, 'missing')).toContain('peer: after the missing action')
  })
})
