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

const file = '.github/workflows/release.yml'
const source = readFileSync(path.join(projectRoot, file), 'utf8')

interface Step {
  name?: string
  uses?: string
  run?: string
  with?: Record<string, unknown>
  env?: Record<string, string>
}
interface Job {
  needs?: string
  permissions: Record<string, string>
  steps: Step[]
}
const workflow = parse(source) as { permissions: unknown; jobs: Record<string, Job> }
const runs = (job: Job): string => job.steps.map(step => step.run ?? '').join('\n')

describe('release.yml', () => {
  it("parses with zero errors under GitHub's workflow parser", async () => {
    const parsed = parseWorkflow({ name: file, content: source }, new NoOperationTraceWriter())
    const errors = parsed.context.errors.getErrors().map(error => error.message)
    expect(parsed.value).toBeDefined()
    const template = await convertWorkflowTemplate(
      parsed.context,
      parsed.value as NonNullable<typeof parsed.value>,
      undefined,
      {}
    )
    errors.push(...(template.errors ?? []).map(error => error.Message))
    expect(errors).toEqual([])
    expect(template.events.push?.tags).toEqual(['v[0-9]+.[0-9]+.[0-9]+*'])
    expect(template.events.workflow_dispatch?.inputs?.version).toMatchObject({
      type: 'string',
      required: true
    })
    expect(template.jobs.map(job => job.id.value)).toEqual(['check', 'release'])
  })

  it('checks the CHANGELOG section, a fresh dist/ and every test before anything is published', () => {
    const check = present(workflow.jobs.check, 'the check job')
    const release = present(workflow.jobs.release, 'the release job')
    expect(release.needs).toBe('check')
    const script = runs(check)
    const order = [
      'bash scripts/release-tag.sh notes "$version"',
      'node scripts/check-dist.mjs',
      'npm test'
    ].map(command => script.indexOf(command))
    expect(
      order.every(index => index >= 0),
      script
    ).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
    expect(check?.permissions).toEqual({ contents: 'read' })
  })

  it('tags, creates the release with the CHANGELOG section as notes, then moves the major tag', () => {
    const release = present(workflow.jobs.release, 'the release job')
    expect(workflow.permissions).toEqual({})
    expect(release.permissions).toEqual({ contents: 'write' })
    const script = runs(release)
    const order = [
      'bash scripts/release-tag.sh tag "$VERSION" origin',
      'bash scripts/release-tag.sh notes "$VERSION" > "$RUNNER_TEMP/notes.md"',
      'gh release create "v$VERSION" --verify-tag --title "v$VERSION" --notes-file "$RUNNER_TEMP/notes.md"',
      'bash scripts/release-tag.sh move-major "$VERSION" origin'
    ].map(command => script.indexOf(command))
    expect(
      order.every(index => index >= 0),
      script
    ).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
    // The checkout keeps no token; pushes authenticate from the environment of their step.
    expect(release?.steps[0]?.with).toMatchObject({
      'fetch-depth': 0,
      'persist-credentials': false
    })
    expect(source).not.toMatch(/git push[^\n]*x-access-token/)
  })
})
