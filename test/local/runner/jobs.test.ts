import { describe, expect, it } from 'vitest'
import { jobLines, runFixture, type Captured } from './support.js'

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
