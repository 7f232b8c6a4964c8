import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  localRepository,
  repositoryOfRemote,
  runIdentity
} from '../../../local/src/runner/github-context.js'
import { LocalGitHubStore } from '../../../local/src/runner/local-github-store.js'
import { tempDir } from '../../support/temp.js'
import { jobLines, projectRoot, runFixture } from './support.js'

const readsItsRun = `name: reads its run
on: workflow_dispatch
jobs:
  read:
    runs-on: ubuntu-latest
    steps:
      - run: echo "repository=\${{ github.repository }}"
      - env:
          TOKEN: \${{ github.token }}
        run: |
          node --input-type=module -e '
            const { GITHUB_API_URL: api, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id, TOKEN: token } = process.env
            const response = await fetch(api + "/repos/" + repo + "/actions/runs/" + id, {
              headers: { authorization: "Bearer " + token, accept: "application/vnd.github+json" }
            })
            if (!response.ok) throw new Error("HTTP " + response.status)
            const run = await response.json()
            console.log("the stand-in has run " + run.id + ": " + (String(run.id) === id))
          '
`

const tellsOfAFailure = `name: tells of a failure
on: workflow_dispatch
permissions:
  issues: write
jobs:
  tell:
    runs-on: ubuntu-latest
    steps:
      - run: echo "local run mark=$SPARK_PIPELINE_LOCAL_RUN"
      - uses: ./notify
        with:
          status: failure
          pipeline: daily-customer-etl
          logical-date: '2026-01-05'
          failed-jobs: ingest-cdc
          github-token: \${{ github.token }}
`

describe('the repository a local run names', () => {
  it.each([
    ['https://github.com/octo-org/spark-pipeline.git', 'octo-org/spark-pipeline'],
    ['https://github.com/octo-org/spark-pipeline', 'octo-org/spark-pipeline'],
    ['git@github.com:octo-org/spark-pipeline.git', 'octo-org/spark-pipeline'],
    ['ssh://git@github.com/octo-org/spark-pipeline.git', 'octo-org/spark-pipeline'],
    ['ssh://git@github.example.com:2222/team-1/repo.name_x', 'team-1/repo.name_x'],
    ['https://github.com/octo-org/spark-pipeline/', 'octo-org/spark-pipeline']
  ])('%s → %s', (remote, repository) => {
    expect(repositoryOfRemote(remote)).toBe(repository)
  })

  it.each([
    ['/path/to/clone/.'],
    ['/path/to/clone'],
    ['../clone'],
    ['file:///path/to/clone'],
    ['https://github.com/octo-org/..'],
    ['https://github.com/-octo/repo'],
    ['https://github.com/octo--/repo'],
    ['https://gitlab.example.com/group/subgroup/repo.git'],
    ['']
  ])('%j names no repository', remote => {
    expect(repositoryOfRemote(remote)).toBeUndefined()
  })

  it('falls back to local/<folder>, a name GitHub allows', () => {
    expect(localRepository('/work/my clone')).toBe('local/my-clone')
    expect(localRepository('/work/main/.')).toBe('local/main')
    expect(localRepository('/')).toBe('local/repository')
  })

  it.each([
    ['a local path', (origin: string) => origin, 'local/clone'],
    ['a path ending in /.', (origin: string) => `${origin}/.`, 'local/clone'],
    ['an ssh:// URL', () => 'ssh://git@github.com/octo-org/pipeline.git', 'octo-org/pipeline'],
    ['no remote', undefined, 'local/clone']
  ])('a clone whose origin is %s', async (_, origin, repository) => {
    const root = tempDir('runner-identity')
    const upstream = path.join(root, 'upstream')
    const clone = path.join(root, 'clone')
    mkdirSync(upstream)
    mkdirSync(clone)
    const git = (cwd: string, ...args: string[]): void => {
      execFileSync('git', args, { cwd, stdio: 'ignore' })
    }
    git(clone, 'init', '-q', '-b', 'main')
    if (origin) git(clone, 'remote', 'add', 'origin', origin(upstream))
    expect(runIdentity(clone, {}).repository).toBe(repository)

    // A run in that clone reads itself from the GitHub API stand-in, at /repos/<that name>/….
    writeFileSync(path.join(clone, 'reads-its-run.yml'), readsItsRun)
    const run = await runFixture('reads-its-run.yml', {
      workspace: clone,
      workflowFile: path.join(clone, 'reads-its-run.yml')
    })
    expect(run.exitCode, run.output).toBe(0)
    expect(jobLines(run.output, 'read')).toEqual([
      `repository=${repository}`,
      expect.stringMatching(/^the stand-in has run \d+: true$/)
    ])
    expect(run.output).toContain(`repository: ${repository} (refs/heads/main, `)
  })
})

describe('a local run has no page on github.com', () => {
  it("notify's issue and summary name the local run, and link no run", async () => {
    const root = tempDir('runner-local-run')
    const clone = path.join(root, 'clone')
    mkdirSync(clone)
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: clone, stdio: 'ignore' })
    // The notify action as this project ships it: its action.yml and its bundle.
    cpSync(path.join(projectRoot, 'notify', 'action.yml'), path.join(clone, 'notify', 'action.yml'))
    cpSync(path.join(projectRoot, 'dist', 'notify'), path.join(clone, 'dist', 'notify'), {
      recursive: true
    })
    writeFileSync(path.join(clone, 'tells.yml'), tellsOfAFailure)
    const github = new LocalGitHubStore('local/clone', 'http://localhost')
    const run = await runFixture('tells.yml', {
      workspace: clone,
      workflowFile: path.join(clone, 'tells.yml'),
      runId: 1767578400,
      github
    })
    expect(run.exitCode, run.output).toBe(0)
    expect(jobLines(run.output, 'tell')).toContain('local run mark=true')
    expect(github.issues).toHaveLength(1)
    const body = github.issues[0]!.body
    expect(body).toContain('| run | local run 1767578400 |')
    expect(body).not.toMatch(/https?:\/\//)
    expect(run.output).toContain('Workflow run: local run 1767578400')
    expect(run.output).not.toContain('github.com')
  })
})
