import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { exampleRepository } from '../../scripts/lib/examples.js'
import { projectRoot } from '../support/moto.js'
import { group } from '../../src/core/regex.js'

// Every workflow file found (the project's and the examples'), so a workflow added later is
// checked without being listed here.
const workflowDirs = ['.github/workflows', 'examples/.github/workflows']
const workflowFiles = workflowDirs.flatMap(dir =>
  existsSync(path.join(projectRoot, dir))
    ? readdirSync(path.join(projectRoot, dir))
        .filter(name => /\.ya?ml$/.test(name))
        .map(name => path.posix.join(dir, name))
    : []
)
const read = (file: string): string => readFileSync(path.join(projectRoot, file), 'utf8')

interface Step {
  uses?: string
  with?: Record<string, unknown>
}
interface Job {
  uses?: string
  if?: string
  needs?: string | string[]
  secrets?: unknown
  steps?: Step[]
}
const jobsOf = (file: string): Record<string, Job> =>
  (parse(read(file)) as { jobs: Record<string, Job> }).jobs

/** `uses:` lines of the source text, with their trailing comment (YAML parsing drops it). */
const usesLines = (file: string): string[] =>
  read(file)
    .split('\n')
    .map(line => /^\s*(?:- )?uses:\s*(.+)$/.exec(line)?.[1]?.trim())
    .filter((value): value is string => value !== undefined)

const pinned = /^([\w.-]+\/[\w.-]+(?:\/[\w./-]+)?)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)$/

describe('workflow security', () => {
  it('finds the workflows to check', () => {
    expect(workflowFiles).toEqual(
      expect.arrayContaining([
        '.github/workflows/daily-customer-etl.yml',
        '.github/workflows/release.yml',
        'examples/.github/workflows/auto-retry.yml'
      ])
    )
  })

  it.each(workflowFiles)(
    '%s: every third-party action is pinned to a full commit SHA, its version in a comment',
    file => {
      for (const uses of usesLines(file)) {
        if (uses.startsWith('./')) continue
        // The examples follow this project's own major tag (docs/development.md, "Releases
        // and versioning").
        if (file.startsWith('examples/') && uses.startsWith(exampleRepository)) {
          expect(uses).toMatch(/@v1$/)
          continue
        }
        expect(uses, `${file}: ${uses}`).toMatch(pinned)
      }
    }
  )

  it('one action is pinned to one SHA and one version everywhere', () => {
    const pins = new Map<string, Set<string>>()
    for (const file of workflowFiles) {
      for (const uses of usesLines(file)) {
        const match = pinned.exec(uses)
        if (!match) continue
        const [action, sha, version] = [group(match, 1), group(match, 2), group(match, 3)]
        pins.set(action, (pins.get(action) ?? new Set()).add(`${sha} # ${version}`))
      }
    }
    expect(pins.size).toBeGreaterThan(0)
    for (const [action, seen] of pins) expect([...seen], action).toHaveLength(1)
  })

  it.each(workflowFiles)('%s: every checkout sets persist-credentials: false', file => {
    for (const [id, job] of Object.entries(jobsOf(file))) {
      for (const step of job.steps ?? []) {
        if (step.uses?.startsWith('actions/checkout@'))
          expect(step.with?.['persist-credentials'], `${file} ${id}`).toBe(false)
      }
    }
  })

  it.each(workflowFiles)('%s: passes secrets by name, never `secrets: inherit`', file => {
    expect(read(file)).not.toMatch(/^\s*secrets:\s*inherit\b/m)
    for (const job of Object.values(jobsOf(file))) expect(job.secrets).not.toBe('inherit')
  })

  it.each(workflowFiles.filter(file => /workflow_run:/.test(read(file))))(
    '%s: a workflow_run job reacts only to the daily workflow on the default branch of this repository, and runs none of its code',
    file => {
      const jobs = jobsOf(file)
      for (const [id, job] of Object.entries(jobs)) {
        const condition = (job.if ?? '').replace(/\s+/g, ' ')
        // A job that needs a guarded job is guarded by it (it is skipped when that one is).
        const needs = [job.needs ?? []].flat()
        if (!condition && needs.some(need => (jobs[need]?.if ?? '').includes('workflow_run'))) {
          continue
        }
        // Auto-retry re-runs failed runs only; the dashboard rebuilds after any run.
        if (file === 'auto-retry.yml') {
          expect(condition, id).toContain("github.event.workflow_run.conclusion == 'failure'")
        }
        expect(condition, id).toContain(
          "github.event.workflow_run.path == '.github/workflows/daily-customer-etl.yml'"
        )
        expect(condition, id).toContain(
          'github.event.workflow_run.head_branch == github.event.repository.default_branch'
        )
        expect(condition, id).toContain(
          'github.event.workflow_run.head_repository.full_name == github.repository'
        )
        for (const step of job.steps ?? []) {
          // A checkout of the triggering run's commit or branch would run code from it.
          expect(JSON.stringify(step.with ?? {}), `${id}: ${step.uses}`).not.toMatch(
            /workflow_run\.(head_sha|head_branch|head_commit|head_repository)/
          )
          if (step.uses?.startsWith('actions/checkout@')) expect(step.with?.ref).toBeUndefined()
        }
      }
    }
  )
})
