import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parseAction } from '@actions/workflow-parser/actions/action-parser'
import { NoOperationTraceWriter } from '@actions/workflow-parser'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { projectRoot } from './support/moto.js'

const actionFiles = ['action.yml', ...readdirSync(projectRoot).map(dir => `${dir}/action.yml`)]
  .filter((file, index, all) => all.indexOf(file) === index)
  .filter(file => existsSync(path.join(projectRoot, file)))

interface ActionYaml {
  name: string
  description: string
  branding?: { icon: string; color: string }
  inputs?: Record<string, { description?: string; required?: boolean; default?: string }>
  outputs?: Record<string, { description?: string }>
  runs: { using: string; main: string; post?: string; 'post-if'?: string }
}

describe.each(actionFiles)('%s', file => {
  const content = readFileSync(path.join(projectRoot, file), 'utf8')
  const action = parse(content) as ActionYaml

  it("passes GitHub's own action.yml schema", () => {
    const result = parseAction({ name: file, content }, new NoOperationTraceWriter())
    expect(result.context.errors.getErrors().map(error => error.message)).toEqual([])
  })

  it('runs on node24 from a bundle that exists', () => {
    expect(action.runs.using).toBe('node24')
    for (const script of [action.runs.main, action.runs.post].filter(Boolean) as string[]) {
      expect(script).toMatch(/dist\/[a-z0-9-]+\/index\.js$/)
      expect(existsSync(path.join(projectRoot, path.dirname(file), script)), script).toBe(true)
    }
  })

  it('describes every input and output, and gives optional inputs a default', () => {
    expect(action.branding?.icon).toBeTruthy()
    expect(action.branding?.color).toBeTruthy()
    for (const [name, input] of Object.entries(action.inputs ?? {})) {
      expect(name, 'inputs are kebab-case').toMatch(/^[a-z][a-z0-9-]*$/)
      expect(input.description?.trim(), `${name} has a description`).toBeTruthy()
      if (!input.required)
        expect(input, `${name} has an explicit default`).toHaveProperty('default')
    }
    for (const [name, output] of Object.entries(action.outputs ?? {})) {
      expect(output.description?.trim(), `${name} has a description`).toBeTruthy()
    }
  })
})
