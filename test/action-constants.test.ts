import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import * as shared from '../src/constants/shared.js'
import { projectRoot } from './support/moto.js'

// Each action names its inputs, outputs and state in one module, src/constants/<action>.ts;
// action.yml is where the inputs and their defaults are declared. This keeps the two in step.

interface ActionYaml {
  inputs?: Record<string, { default?: string }>
  outputs?: Record<string, unknown>
  runs: { main: string }
}

type Names = Record<string, string>

const srcRoot = path.join(projectRoot, 'src')
const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory())
      return full.endsWith(path.join('src', 'constants')) ? [] : sourceFiles(full)
    return entry.name.endsWith('.ts') ? [full] : []
  })
/** The code that reads the constants (the constants modules themselves left out). */
const code = sourceFiles(srcRoot).map(file => ({
  file: path.relative(projectRoot, file),
  text: readFileSync(file, 'utf8')
}))

/** `Group.Key` references in the code, as `Group.Key` strings. */
const references = new Set(
  code.flatMap(({ text }) =>
    [...text.matchAll(/\b([A-Z]\w*(?:Input|Output|State))\.(\w+)\b/g)].map(match => match[0])
  )
)

const actionDirs = ['.', ...readdirSync(projectRoot)].filter(dir => {
  try {
    return readFileSync(path.join(projectRoot, dir, 'action.yml'), 'utf8').length > 0
  } catch {
    return false
  }
})

/** The bundle an action runs is the name of its constants module: dist/<name>/index.js. */
const bundleOf = (action: ActionYaml): string => path.basename(path.dirname(action.runs.main))
const pascal = (name: string): string =>
  name.replace(/(^|-)([a-z0-9])/g, (_, __, letter: string) => letter.toUpperCase())

const sharedGroups = Object.entries(shared) as unknown as [string, Names][]

describe.each(actionDirs)('the constants of %s/action.yml', dir => {
  const action = parse(
    readFileSync(path.join(projectRoot, dir, 'action.yml'), 'utf8')
  ) as ActionYaml
  const bundle = bundleOf(action)
  const prefix = pascal(bundle)
  const declaredInputs = action.inputs ?? {}
  const declaredOutputs = Object.keys(action.outputs ?? {})

  const load = async () => {
    const file = pathToFileURL(path.join(srcRoot, 'constants', `${bundle}.ts`)).href
    const module = (await import(/* @vite-ignore */ file)) as Record<string, Names>
    return {
      inputs: module[`${prefix}Input`] ?? {},
      outputs: module[`${prefix}Output`] ?? {},
      defaults: (module[`${prefix}Default`] ?? {}) as Record<string, string | number | boolean>
    }
  }

  it('names only inputs that action.yml declares', async () => {
    const { inputs } = await load()
    expect(Object.keys(inputs).length).toBeGreaterThan(0)
    const undeclared = Object.values(inputs).filter(name => !(name in declaredInputs))
    expect(undeclared, `src/constants/${bundle}.ts names inputs ${dir}/action.yml lacks`).toEqual(
      []
    )
  })

  it('names and reads every input that action.yml declares', async () => {
    const { inputs } = await load()
    const named = new Set(Object.values(inputs))
    expect(Object.keys(declaredInputs).filter(name => !named.has(name))).toEqual([])
    // Read: referenced in the code as <Action>Input.Key, or through a shared group that the
    // action's inputs take in whole (its reader is then one the action uses).
    const groups = sharedGroups.filter(([, group]) =>
      Object.values(group).every(name => named.has(name))
    )
    const unread = Object.entries(inputs).filter(
      ([key, name]) =>
        !references.has(`${prefix}Input.${key}`) &&
        !groups.some(([group, names]) => names[key] === name && references.has(`${group}.${key}`))
    )
    expect(
      unread.map(([, name]) => name),
      'inputs declared but read nowhere'
    ).toEqual([])
  })

  it('sets only outputs that action.yml declares, and names every one', async () => {
    const { outputs } = await load()
    expect(Object.values(outputs).filter(name => !declaredOutputs.includes(name))).toEqual([])
    expect(declaredOutputs.filter(name => !Object.values(outputs).includes(name))).toEqual([])
    const unset = Object.keys(outputs).filter(key => !references.has(`${prefix}Output.${key}`))
    expect(unset, 'outputs declared but set nowhere').toEqual([])
  })

  it("holds no default in code other than action.yml's", async () => {
    const { inputs, defaults } = await load()
    for (const [key, value] of Object.entries(defaults)) {
      const name = inputs[key]
      expect(name, `${prefix}Default.${key} belongs to an input`).toBeDefined()
      expect(String(value), `the default of ${name}`).toBe(declaredInputs[name!]?.default)
    }
  })
})

describe('input names in the code', () => {
  it('come from the constants modules, never a string literal', () => {
    const literal =
      /\b(?:inputs\.(?:raw|has|string|required|list|lines|boolean|integer|number|duration|keyValues|choice|json)|InputError)\(\s*['"`]/g
    const found = code.flatMap(({ file, text }) =>
      [...text.matchAll(literal)].map(match => `${file}: ${match[0]}`)
    )
    expect(found).toEqual([])
  })

  it('every constants module belongs to an action', () => {
    const modules = readdirSync(path.join(srcRoot, 'constants'))
      .map(file => file.replace(/\.ts$/, ''))
      .filter(name => name !== 'shared')
    const bundles = actionDirs.map(dir =>
      bundleOf(parse(readFileSync(path.join(projectRoot, dir, 'action.yml'), 'utf8')) as ActionYaml)
    )
    expect(modules.sort()).toEqual(bundles.sort())
  })
})
