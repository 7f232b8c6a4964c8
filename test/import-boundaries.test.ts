import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'
import { projectRoot } from './support/moto.js'

// Probes of the project's own ESLint configuration: import lines linted as if they were files
// at the given paths. Only no-restricted-imports runs (the probes are not on disk, so the
// type-aware rules, which need the TypeScript project, are left out).
const eslint = new ESLint({
  cwd: projectRoot,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports'
})

async function refusals(filePath: string, specifier: string): Promise<string[]> {
  const code = `import * as probe from '${specifier}'\nexport default probe\n`
  const [result] = await eslint.lintText(code, { filePath })
  if (!result) throw new Error(`no lint result for ${filePath}`)
  return result.messages.map(message => `${message.ruleId}: ${message.message}`)
}

describe('the import boundary between the actions (src/) and the local stack (local/)', () => {
  it.each([
    ['src/core/probe.ts', '../../local/src/moto.js'],
    ['src/emr/probe.ts', '../../local/src/emr-serverless/service.js'],
    ['src/entrypoints/probe.ts', '../../local/src/runner/run.js'],
    ['src/core/runner.ts', '../../local/src/service-guard.js'],
    ['src/probe.ts', '../local/src/runner/cli.js']
  ])('refuses the local stack in %s (%s)', async (file, specifier) => {
    expect(await refusals(file, specifier)).toEqual([
      `no-restricted-imports: '${specifier}' import is restricted from being used by a pattern. src/ is what the action bundles ship; the local stack (local/) is the CLI’s and never goes into a bundle.`
    ])
  })

  it.each([
    ['src/report/probe.ts', '@actions/workflow-parser'],
    ['src/pipeline/probe.ts', '@actions/expressions/lexer'],
    ['src/entrypoints/probe.ts', 'tsx/esm/api']
  ])('refuses the CLI’s own packages in %s (%s)', async (file, specifier) => {
    expect(await refusals(file, specifier)).toEqual([
      `no-restricted-imports: '${specifier}' import is restricted from being used by a pattern. a package of the spark-pipeline CLI (the local stack), not of the actions: it would grow every bundle.`
    ])
  })

  it('keeps refusing @actions/core in the domain code, and lets the entry points have it', async () => {
    expect(await refusals('src/emr/probe.ts', '@actions/core')).toEqual([
      "no-restricted-imports: '@actions/core' import is restricted from being used."
    ])
    expect(await refusals('src/entrypoints/probe.ts', '@actions/core')).toEqual([])
  })

  it('lets the actions import their own code, and the local stack import the actions’ code', async () => {
    expect(await refusals('src/emr/probe.ts', '../core/errors.js')).toEqual([])
    expect(await refusals('src/emr/probe.ts', '@aws-sdk/client-emr-serverless')).toEqual([])
    expect(await refusals('local/src/runner/probe.ts', '../../../src/core/errors.js')).toEqual([])
    expect(await refusals('local/src/runner/probe.ts', '@actions/workflow-parser')).toEqual([])
    expect(await refusals('local/src/runner/probe.ts', '@actions/core')).toEqual([
      "no-restricted-imports: '@actions/core' import is restricted from being used."
    ])
  })
})
