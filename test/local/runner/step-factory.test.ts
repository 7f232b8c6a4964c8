import { describe, expect, it } from 'vitest'
import { LocalActionStep } from '../../../local/src/runner/steps/local-action-step.js'
import { RunStep } from '../../../local/src/runner/steps/run-step.js'
import { StandInStep } from '../../../local/src/runner/steps/stand-in-step.js'
import { createStep } from '../../../local/src/runner/steps/step-factory.js'
import { loadWorkflow, stepTokens } from '../../../local/src/runner/workflow-file.js'
import { projectRoot } from './support.js'

describe('the step factory', () => {
  it('picks the kind of each step from its shape: run, a local action, a remote action', async () => {
    const workflow = await loadWorkflow(projectRoot, 'test/fixtures/workflows/basics.yml')
    const job = workflow.template.jobs.find(candidate => candidate.id.value === 'first')
    if (!job || job.type !== 'job') throw new Error('basics.yml has no job first')
    const rawSteps = stepTokens(workflow, 'first')
    const kinds = job.steps.map((step, index) => {
      const created = createStep(step, rawSteps[index], workflow.file)
      if (created instanceof RunStep) return 'run'
      if (created instanceof LocalActionStep) return 'local action'
      if (created instanceof StandInStep) return 'stand-in'
      return 'unknown'
    })
    expect(kinds.slice(0, 5)).toEqual(['run', 'run', 'run', 'local action', 'stand-in'])
    expect(kinds).not.toContain('unknown')
  })

  it('leaves no post step before the main step ran', async () => {
    const workflow = await loadWorkflow(projectRoot, 'test/fixtures/workflows/basics.yml')
    const job = workflow.template.jobs.find(candidate => candidate.id.value === 'first')
    if (!job || job.type !== 'job') throw new Error('basics.yml has no job first')
    const rawSteps = stepTokens(workflow, 'first')
    for (const [index, step] of job.steps.entries()) {
      expect(createStep(step, rawSteps[index], workflow.file).post()).toBeUndefined()
    }
  })
})
