import { describe, expect, it } from 'vitest'
import { planWorkflow } from '../../../local/src/runner/plan.js'
import { loadWorkflow } from '../../../local/src/runner/workflow-file.js'
import { projectRoot, runFixture } from './support.js'

// The real pipeline workflows, as they are, planned by the runner without running a step:
// every local action resolves to its Node bundle, every remote action to a stand-in.
describe('runner: the plan of the pipeline workflows', () => {
  it('daily-customer-etl.yml: plan, the date jobs in order (each calling the per-date chain), report', async () => {
    const workflow = await loadWorkflow(projectRoot, '.github/workflows/daily-customer-etl.yml')
    const plan = await planWorkflow(projectRoot, workflow, true)
    expect(plan.map(job => [job.id, job.stage])).toEqual([
      ['plan', 0],
      ['day-1', 1],
      ['day-2', 2],
      ['day-3', 3],
      ['day-4', 4],
      ['day-5', 5],
      ['day-6', 6],
      ['day-7', 7],
      ['report', 8]
    ])
    expect(
      plan.find(job => job.id === 'plan')?.steps.map(step => `${step.kind} ${step.label}`)
    ).toEqual([
      'run missing=""',
      'stand-in actions/checkout@fbc6f39',
      'stand-in aws-actions/configure-aws-credentials@61815dc',
      'local-action ./pipeline-dates'
    ])
    const day = plan.find(job => job.id === 'day-1')
    expect(day?.calls?.file).toBe('.github/workflows/daily-customer-etl-date.yml')
    const kinds = Object.fromEntries(
      (day?.calls?.jobs ?? []).map(job => [
        job.id,
        job.steps.map(step => `${step.kind} ${step.label}${step.post ? ' +post' : ''}`)
      ])
    )
    expect(kinds).toEqual({
      claim: [
        'stand-in actions/checkout@fbc6f39',
        'stand-in aws-actions/configure-aws-credentials@61815dc',
        'local-action ./pipeline-dates'
      ],
      'wait-for-data': [
        'stand-in actions/checkout@fbc6f39',
        'stand-in aws-actions/configure-aws-credentials@61815dc',
        'local-action ./s3-sensor'
      ],
      'ingest-cdc': [
        'stand-in actions/checkout@fbc6f39',
        'stand-in aws-actions/configure-aws-credentials@61815dc',
        'local-action ./ +post'
      ],
      'validate-data-quality': [
        'stand-in actions/checkout@fbc6f39',
        'local-action ./quality-gate',
        'stand-in aws-actions/configure-aws-credentials@61815dc',
        'local-action ./ +post',
        'local-action ./quality-gate'
      ],
      'compute-aggregates': [
        'stand-in actions/checkout@fbc6f39',
        'stand-in aws-actions/configure-aws-credentials@61815dc',
        'local-action ./ +post'
      ],
      finish: [
        'stand-in actions/checkout@fbc6f39',
        'stand-in aws-actions/configure-aws-credentials@61815dc',
        'local-action ./pipeline-dates'
      ]
    })
    expect(
      plan.find(job => job.id === 'report')?.steps.map(step => `${step.kind} ${step.label}`)
    ).toEqual([
      'stand-in actions/checkout@fbc6f39',
      'local-action ./pipeline-dates',
      'local-action ./notify'
    ])
  })

  it('backfill.yml: the matrix job calls the daily workflow, planned inside it', async () => {
    const workflow = await loadWorkflow(projectRoot, '.github/workflows/backfill.yml')
    const plan = await planWorkflow(projectRoot, workflow, true)
    const run = plan.find(job => job.id === 'run')
    expect(run?.calls?.file).toBe('.github/workflows/daily-customer-etl.yml')
    expect(run?.calls?.jobs.map(job => job.id)).toContain('report')
  })

  it('--dry-run prints the plan and runs nothing', async () => {
    const run = await runFixture('.github/workflows/daily-customer-etl.yml', {
      dryRun: true,
      strict: true
    })
    expect(run.exitCode).toBe(0)
    expect(run.output).toContain('stage 2: day-2 (needs plan, day-1)\n')
    expect(run.output).not.toContain('● ')
  })
})
