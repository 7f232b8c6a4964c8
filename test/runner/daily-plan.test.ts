import { describe, expect, it } from 'vitest'
import { planWorkflow } from '../../src/runner/plan.js'
import { loadWorkflow } from '../../src/runner/workflow-file.js'
import { projectRoot, runFixture } from './support.js'

// The real pipeline workflows, as they are, planned by the runner without running a step:
// every local action resolves to its Node bundle, every remote action to a stand-in.
describe('runner: the plan of the pipeline workflows', () => {
  it('daily-customer-etl.yml: the seed DAG in order, each step of a kind the runner runs', async () => {
    const workflow = await loadWorkflow(projectRoot, '.github/workflows/daily-customer-etl.yml')
    const plan = await planWorkflow(projectRoot, workflow, true)
    expect(plan.map(job => [job.id, job.stage])).toEqual([
      ['resolve-date', 0],
      ['wait-for-data', 1],
      ['ingest-cdc', 2],
      ['validate-data-quality', 3],
      ['compute-aggregates', 4],
      ['notify', 5]
    ])
    const kinds = Object.fromEntries(
      plan.map(job => [
        job.id,
        job.steps.map(step => `${step.kind} ${step.label}${step.post ? ' +post' : ''}`)
      ])
    )
    expect(kinds).toEqual({
      'resolve-date': [
        'run missing=""',
        'stand-in actions/checkout@fbc6f39',
        'local-action ./logical-date'
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
      notify: ['stand-in actions/checkout@fbc6f39', 'local-action ./notify']
    })
  })

  it('backfill.yml: the matrix job calls the daily workflow, planned inside it', async () => {
    const workflow = await loadWorkflow(projectRoot, '.github/workflows/backfill.yml')
    const plan = await planWorkflow(projectRoot, workflow, true)
    const run = plan.find(job => job.id === 'run')
    expect(run?.calls?.file).toBe('.github/workflows/daily-customer-etl.yml')
    expect(run?.calls?.jobs.map(job => job.id)).toContain('compute-aggregates')
  })

  it('--dry-run prints the plan and runs nothing', async () => {
    const run = await runFixture('.github/workflows/daily-customer-etl.yml', {
      dryRun: true,
      strict: true
    })
    expect(run.exitCode).toBe(0)
    expect(run.output).toContain(
      'stage 2: ingest-cdc (needs resolve-date, wait-for-data)\n' +
        '  - stand-in: actions/checkout@fbc6f39\n' +
        '  - stand-in: aws-actions/configure-aws-credentials@61815dc\n' +
        '  - local-action: ./ (+ post step)\n'
    )
    expect(run.output).not.toContain('● ')
  })
})
