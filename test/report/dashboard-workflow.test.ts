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
import { present } from '../support/present.js'
import { group } from '../../src/core/regex.js'

// .github/workflows/dashboard.yml through GitHub's own workflow parser, and its security
// defaults: least privilege per job, third-party actions pinned by commit SHA.
const FILE = '.github/workflows/dashboard.yml'
const text = readFileSync(path.join(projectRoot, FILE), 'utf8')

interface Step {
  id?: string
  uses?: string
  with?: Record<string, string>
}
interface Workflow {
  on: Record<string, unknown>
  permissions: Record<string, string>
  jobs: Record<
    string,
    {
      permissions: Record<string, string>
      steps: Step[]
      needs?: string
      environment?: { name: string }
    }
  >
}
const workflow = parse(text) as Workflow

describe('dashboard.yml', () => {
  it("parses with zero errors under GitHub's workflow parser", async () => {
    const parsed = parseWorkflow({ name: FILE, content: text }, new NoOperationTraceWriter())
    const errors = parsed.context.errors.getErrors().map(error => error.message)
    const template = await convertWorkflowTemplate(parsed.context, parsed.value!, undefined, {})
    errors.push(...(template.errors ?? []).map(error => error.Message))
    expect(errors).toEqual([])
    expect(template.jobs.map(job => job.id.value)).toEqual(['build', 'deploy'])
  })

  it('runs after each daily run and once a day', () => {
    expect(workflow.on.workflow_run).toEqual({
      workflows: ['Daily customer ETL'],
      types: ['completed']
    })
    // The name it follows is the daily workflow's own.
    const daily = parse(
      readFileSync(path.join(projectRoot, '.github/workflows/daily-customer-etl.yml'), 'utf8')
    ) as { name: string }
    expect(daily.name).toBe('Daily customer ETL')
    expect(workflow.on.schedule).toEqual([{ cron: '30 6 * * *' }])
  })

  it('asks for the least each job needs', () => {
    expect(workflow.permissions).toEqual({})
    expect(workflow.jobs.build?.permissions).toEqual({
      contents: 'read',
      'id-token': 'write',
      actions: 'read',
      issues: 'read'
    })
    expect(workflow.jobs.deploy?.permissions).toEqual({ pages: 'write', 'id-token': 'write' })
    expect(workflow.jobs.deploy?.environment?.name).toBe('github-pages')
  })

  it('pins every third-party action by commit SHA, with its version in a comment', () => {
    const uses = [...text.matchAll(/^\s*(?:- )?uses: (\S+)(.*)$/gm)].map(
      match => [group(match, 1), group(match, 2)] as const
    )
    const remote = uses.filter(([target]) => !target.startsWith('./'))
    expect(remote.map(([target]) => target.split('@')[0]).sort()).toEqual([
      'actions/checkout',
      'actions/deploy-pages',
      'actions/upload-pages-artifact',
      'aws-actions/configure-aws-credentials'
    ])
    for (const [target, comment] of remote) {
      expect(target).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/)
      expect(comment).toMatch(/^ # v\d+\.\d+\.\d+$/)
    }
  })

  it('gives the report action only inputs it has, and uploads the folder it writes', () => {
    const action = parse(readFileSync(path.join(projectRoot, 'report', 'action.yml'), 'utf8')) as {
      inputs: Record<string, { required?: boolean }>
    }
    const steps = present(workflow.jobs.build, 'the build job').steps
    const report = present(
      steps.find(step => step.uses === './report'),
      'the report step'
    )
    for (const key of Object.keys(report.with ?? {}))
      expect(Object.keys(action.inputs)).toContain(key)
    for (const [name, input] of Object.entries(action.inputs))
      if (input.required) expect(report.with).toHaveProperty(name)
    const upload = present(
      steps.find(step => step.uses?.startsWith('actions/upload-pages-artifact@')),
      'the upload step'
    )
    expect(upload.with?.path).toBe(report.with?.output)
  })

  it('documents every repository variable it reads in docs/setup.md', () => {
    const setup = readFileSync(path.join(projectRoot, 'docs', 'setup.md'), 'utf8')
    const section = setup.slice(
      setup.indexOf('<!-- section: setup -->'),
      setup.indexOf('<!-- /section: setup -->')
    )
    const names = [
      ...new Set([...text.matchAll(/\bvars\.([A-Z][A-Z0-9_]*)/g)].map(match => match[1]))
    ]
    expect(names.sort()).toEqual([
      'AWS_REGION',
      'AWS_ROLE_ARN',
      'DASHBOARD_DAYS',
      'DASHBOARD_SLA',
      'DATA_LAKE_BUCKET'
    ])
    for (const name of names) expect(section).toContain(`\`${name}\``)
  })
})
