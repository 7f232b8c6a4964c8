import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { projectRoot } from './support/moto.js'
import { tempDir } from './support/temp.js'

const read = (file: string): string => readFileSync(path.join(projectRoot, file), 'utf8')
const major = read('.node-version').trim()
const packageJson = JSON.parse(read('package.json')) as {
  engines: { node: string }
  devDependencies: Record<string, string>
}

interface Step {
  uses?: string
  with?: Record<string, unknown>
}

describe('Node: the one the actions name, wherever their code runs', () => {
  it('.node-version is the major of runs.using in action.yml (node24)', () => {
    expect(major).toBe('24')
    expect(read('action.yml')).toContain(`using: node${major}\n`)
  })

  it('scripts/setup-node.sh fetches a release of that major', () => {
    expect(read('scripts/setup-node.sh')).toMatch(
      new RegExp(`^version=${major}\\.\\d+\\.\\d+$`, 'm')
    )
  })

  it('the types are that Node’s, and engines say what the bootstrap (npm ci, fetching Node) needs', () => {
    expect(packageJson.devDependencies['@types/node']).toMatch(new RegExp(`^${major}\\.`))
    expect(packageJson.engines.node).toBe('>=20')
  })

  it('CI and the release set Node up from .node-version, never a number of their own', () => {
    for (const workflow of ['.github/workflows/ci.yml', '.github/workflows/release.yml']) {
      const jobs = (parse(read(workflow)) as { jobs: Record<string, { steps?: Step[] }> }).jobs
      const setups = Object.values(jobs)
        .flatMap(job => job.steps ?? [])
        .filter(step => step.uses?.startsWith('actions/setup-node@'))
      expect(setups.length, workflow).toBeGreaterThan(0)
      for (const step of setups) {
        expect(step.with?.['node-version-file'], workflow).toBe('.node-version')
        expect(step.with, workflow).not.toHaveProperty('node-version')
      }
    }
  })
})

describe('dependabot: the weekly pull requests stay mergeable', () => {
  const updates = (
    parse(read('.github/dependabot.yml')) as {
      updates: {
        'package-ecosystem': string
        ignore?: { 'dependency-name': string; versions: string[] }[]
      }[]
    }
  ).updates
  const ignored = (ecosystem: string) =>
    updates.find(update => update['package-ecosystem'] === ecosystem)?.ignore ?? []

  it('leaves alone the majors that would break the toolchain: @types/node past .node-version, TypeScript 7, mypy 2', () => {
    expect(ignored('npm')).toEqual([
      { 'dependency-name': '@types/node', versions: [`>=${Number(major) + 1}`] },
      { 'dependency-name': 'typescript', versions: ['>=7'] }
    ])
    expect(packageJson.devDependencies.typescript).toMatch(/^6\.0\./)
    expect(ignored('pip')).toEqual([{ 'dependency-name': 'mypy', versions: ['>=2'] }])
    expect(read('requirements-dev.txt')).toMatch(/^mypy==1\.\d+\.\d+$/m)
  })
})

describe('scripts/setup-node.sh', () => {
  const setupNode = (root: string, pathValue: string) =>
    spawnSync('bash', [path.join(root, 'scripts', 'setup-node.sh')], {
      encoding: 'utf8',
      env: { PATH: pathValue, HOME: process.env.HOME ?? '' }
    })

  it('answers the machine’s own node, as is, when it is of that major', () => {
    const nodeBin = path.dirname(process.execPath)
    const run = setupNode(projectRoot, `${nodeBin}:/usr/bin:/bin`)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout).toBe(`${nodeBin}\n`)
    expect(run.stderr).toBe('')
  })

  it('refuses, in one line, a .node-version that is not the major of the release it fetches', () => {
    const root = tempDir('setup-node')
    mkdirSync(path.join(root, 'scripts'))
    copyFileSync(
      path.join(projectRoot, 'scripts', 'setup-node.sh'),
      path.join(root, 'scripts', 'setup-node.sh')
    )
    writeFileSync(path.join(root, '.node-version'), 'lts/*\n')
    const run = setupNode(root, `${path.dirname(process.execPath)}:/usr/bin:/bin`)
    expect(run.status).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(
      /^setup-node: \.node-version says 'lts\/\*'; expected the major of 24\.\d+\.\d+, the release scripts\/setup-node\.sh fetches\n$/
    )
  })
})
