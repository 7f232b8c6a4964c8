import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { projectRoot } from '../support/moto.js'

// Every `uses: ./<action>` step of the pipeline workflows, checked against that action's
// action.yml: each `with:` key is an input it declares, and every required input is given.
const workflowFiles = [
  'daily-customer-etl.yml',
  'daily-customer-etl-date.yml',
  'watchdog.yml',
  'auto-retry.yml',
  'backfill.yml'
]

interface Step {
  uses?: string
  with?: Record<string, unknown>
}
interface ActionYaml {
  inputs?: Record<string, { required?: boolean; default?: unknown }>
}

const localSteps = workflowFiles.flatMap(file => {
  const workflow = parse(
    readFileSync(path.join(projectRoot, '.github', 'workflows', file), 'utf8')
  ) as { jobs: Record<string, { steps?: Step[] }> }
  return Object.entries(workflow.jobs).flatMap(([job, { steps = [] }]) =>
    steps
      .filter(step => step.uses?.startsWith('./'))
      .map(step => ({ where: `${file} ${job} ${step.uses}`, step }))
  )
})

const actionFile = (uses: string): string =>
  path.join(projectRoot, uses.replace(/^\.\//, ''), 'action.yml')

describe('local actions used by the workflows', () => {
  it('the workflows use the pipeline actions', () => {
    const used = new Set(localSteps.map(({ step }) => step.uses))
    for (const uses of [
      './',
      './s3-sensor',
      './quality-gate',
      './notify',
      './pipeline-dates',
      './watchdog',
      './auto-retry',
      './backfill-dates'
    ]) {
      expect(used, uses).toContain(uses)
    }
  })

  it.each(localSteps.map(({ where, step }) => [where, step] as const))(
    '%s exists',
    (_where, step) => {
      expect(existsSync(actionFile(step.uses ?? '')), `${step.uses}/action.yml`).toBe(true)
    }
  )

  it.each(
    localSteps
      .filter(({ step }) => existsSync(actionFile(step.uses ?? '')))
      .map(({ where, step }) => [where, step] as const)
  )('%s: with: keys are declared inputs and required inputs are given', (_where, step) => {
    const action = parse(readFileSync(actionFile(step.uses ?? ''), 'utf8')) as ActionYaml
    const declared = action.inputs ?? {}
    const given = Object.keys(step.with ?? {})
    for (const key of given) expect(Object.keys(declared), `input '${key}'`).toContain(key)
    for (const [name, input] of Object.entries(declared)) {
      if (input.required && input.default === undefined) {
        expect(given, `required input '${name}'`).toContain(name)
      }
    }
  })
})
