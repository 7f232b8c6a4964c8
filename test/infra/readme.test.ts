import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { projectRoot } from '../../infra/lib/sdk-commands.js'
import { loadTemplate } from '../../infra/lib/template.js'

// docs/setup.md ("Set up AWS and GitHub") against infra/pipeline.yaml: the walk-through names
// only variables the stack outputs, its deploy command and parameter table are the template's.

const template = loadTemplate()
const setup = readFileSync(path.join(projectRoot, 'docs', 'setup.md'), 'utf8')
const walkThrough = setup.slice(
  setup.indexOf('<!-- setup: walk-through -->'),
  setup.indexOf('<!-- /setup: walk-through -->')
)
const outputVariables = Object.keys(template.Outputs)
  .map(key => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase())
  .sort()

describe('the set-up walk-through of docs/setup.md', () => {
  it('names only repository variables that are stack outputs, and all of them', () => {
    expect(walkThrough.length).toBeGreaterThan(1000)
    const named = new Set(
      [...walkThrough.matchAll(/`([A-Z][A-Z0-9_]{2,})`|<([A-Z][A-Z0-9_]{2,})>/g)].map(
        match => match[1] ?? match[2]
      )
    )
    expect([...named].sort()).toEqual(outputVariables)
    for (const [key, output] of Object.entries(template.Outputs)) {
      const variable = key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()
      expect(output.Description.startsWith(`${variable}, `), key).toBe(true)
      expect(walkThrough).toContain(`| \`${variable}\` | \`${key}\` |`)
    }
  })

  it('deploys with one command that sets every required parameter and only real ones', () => {
    const command = /```sh\n(aws cloudformation deploy[^`]*?)\n```/.exec(walkThrough)?.[1]
    expect(command).toBeDefined()
    const words = command!.replace(/\\\n/g, ' ').split(/\s+/)
    expect(words[words.indexOf('--template-file') + 1]).toBe('infra/pipeline.yaml')
    const overrides = words
      .slice(words.indexOf('--parameter-overrides') + 1)
      .map(word => word.split('=')[0])
    const required = Object.entries(template.Parameters)
      .filter(([, parameter]) => parameter.Default === undefined)
      .map(([name]) => name)
    expect(overrides.sort()).toEqual(required.sort())
    // CAPABILITY_IAM suffices while no IAM resource has a fixed name.
    expect(words).toContain('CAPABILITY_IAM')
    for (const [id, resource] of Object.entries(template.Resources)) {
      if (resource.Type.startsWith('AWS::IAM::')) {
        expect(resource.Properties ?? {}, id).not.toHaveProperty('RoleName')
      }
    }
    // The template's own header shows the same command.
    const header = readFileSync(path.join(projectRoot, 'infra', 'pipeline.yaml'), 'utf8')
    expect(header).toContain('--capabilities CAPABILITY_IAM')
  })

  it('lists every template parameter with its default', () => {
    for (const [name, parameter] of Object.entries(template.Parameters)) {
      const row = walkThrough.split('\n').find(line => line.startsWith(`| \`${name}\` |`))
      expect(row, name).toBeDefined()
      const shown = row!.split('|')[2]?.trim()
      if (parameter.Default === undefined) expect(shown, name).toBe('(required)')
      else if (parameter.Default === '') expect(shown, name).toMatch(/^empty/)
      else expect(shown, name).toBe(`\`${parameter.Default}\``)
    }
  })
})
