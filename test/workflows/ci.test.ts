import { readFileSync } from 'node:fs'
import path from 'node:path'
import {
  convertWorkflowTemplate,
  NoOperationTraceWriter,
  parseWorkflow
} from '@actions/workflow-parser'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { projectRoot } from '../support/moto.js'

const file = '.github/workflows/ci.yml'
const content = readFileSync(path.join(projectRoot, file), 'utf8')

interface Step {
  uses?: string
  run?: string
  with?: Record<string, unknown>
}
const jobs = (parse(content) as { jobs: Record<string, { needs?: string; steps?: Step[] }> }).jobs
const uses = (job: string): string[] =>
  (jobs[job]?.steps ?? []).flatMap(step => (step.uses ? [step.uses.split('@')[0] ?? ''] : []))
const runs = (job: string): string[] => (jobs[job]?.steps ?? []).flatMap(step => step.run ?? [])

describe('ci.yml', () => {
  it("parses with zero errors under GitHub's workflow parser", async () => {
    const parsed = parseWorkflow({ name: file, content }, new NoOperationTraceWriter())
    const errors = parsed.context.errors.getErrors().map(error => error.message)
    expect(parsed.value).toBeTruthy()
    const template = await convertWorkflowTemplate(parsed.context, parsed.value!)
    errors.push(...(template.errors ?? []).map(error => error.Message))
    expect(errors).toEqual([])
    expect(template.jobs.map(job => job.id.value)).toEqual(['fast', 'test', 'sensor-as-a-user'])
  })

  it('runs the fast lane in a job of its own that sets up Node alone, and hands on its coverage', () => {
    expect(uses('fast')).toEqual([
      'actions/checkout',
      'actions/setup-node',
      'actions/upload-artifact'
    ])
    expect(runs('fast')).toEqual(['npm run test:fast'])
    const upload = jobs.fast?.steps?.find(step => step.uses?.startsWith('actions/upload-artifact'))
    expect(upload?.with).toMatchObject({
      name: 'coverage-fast',
      path: 'coverage/fast/coverage-final.json'
    })
  })

  it('then every other lane of npm test, once, with what they need', () => {
    expect(jobs.test?.needs).toBe('fast')
    expect(uses('test')).toEqual([
      'actions/checkout',
      'actions/setup-node',
      'actions/setup-python',
      'actions/setup-java',
      'actions/setup-go',
      'actions/download-artifact'
    ])
    expect(runs('test')).toEqual(['bash scripts/test.sh checks integration e2e'])
    // The integration lane's floor is of both lanes together: the fast lane's measure is there.
    const download = jobs.test?.steps?.find(step =>
      step.uses?.startsWith('actions/download-artifact')
    )
    expect(download?.with).toMatchObject({ name: 'coverage-fast', path: 'coverage/fast' })
  })

  it('checks dist/ once, in the checks lane of scripts/test.sh, not in a job of its own', () => {
    const everyRun = Object.keys(jobs).flatMap(runs).join('\n')
    expect(everyRun).not.toMatch(/npm run bundle|check-dist/)
    expect(readFileSync(path.join(projectRoot, 'scripts', 'test.sh'), 'utf8')).toContain(
      'node scripts/check-dist.mjs'
    )
  })
})
