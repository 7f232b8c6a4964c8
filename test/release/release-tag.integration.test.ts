import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { projectRoot } from '../support/moto.js'
import { tempDir } from '../support/temp.js'

// scripts/release-tag.sh, the git half of the release workflow, run for real in a temporary
// clone whose origin is a local bare repository: the tags it pushes land there as they
// would on GitHub. The CHANGELOG is a fixture with the Keep a Changelog layout.
const changelog = `# Changelog

## [Unreleased]

### Added
- not released yet

## [1.2.0] - 2026-12-02

### Added
- A release workflow.

### Fixed
- The sensor's timeout.

## [1.1.0] - 2026-11-02

- The first minor release.

[1.2.0]: https://example.invalid/compare/v1.1.0...v1.2.0
[1.1.0]: https://example.invalid/releases/tag/v1.1.0
`

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1'
}

let origin = ''
let clone = ''

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, { cwd, env: gitEnv, encoding: 'utf8' }).trim()

function release(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync('bash', ['scripts/release-tag.sh', ...args], {
    cwd: clone,
    env: gitEnv,
    encoding: 'utf8'
  })
  return { status: run.status, stdout: run.stdout, stderr: run.stderr }
}

/** The commit a tag names, in a repository, or '' when there is none. */
const tagged = (cwd: string, tag: string): string =>
  spawnSync('git', ['rev-parse', '-q', '--verify', `refs/tags/${tag}^{commit}`], {
    cwd,
    env: gitEnv,
    encoding: 'utf8'
  }).stdout.trim()

beforeEach(() => {
  const root = tempDir('release')
  origin = path.join(root, 'origin.git')
  const seed = path.join(root, 'seed')
  clone = path.join(root, 'clone')
  git(root, 'init', '--quiet', '--bare', '--initial-branch=main', origin)
  mkdirSync(path.join(seed, 'scripts'), { recursive: true })
  git(seed, 'init', '--quiet', '--initial-branch=main')
  copyFileSync(
    path.join(projectRoot, 'scripts/release-tag.sh'),
    path.join(seed, 'scripts/release-tag.sh')
  )
  writeFileSync(path.join(seed, 'CHANGELOG.md'), changelog)
  git(seed, 'add', '.')
  git(seed, 'commit', '--quiet', '-m', 'the 1.1.0 release')
  // The fake earlier release: v1.1.0 and v1 on the first commit.
  git(seed, 'tag', '-a', 'v1.1.0', '-m', 'v1.1.0')
  git(seed, 'tag', '-a', 'v1', '-m', 'v1 → v1.1.0')
  writeFileSync(path.join(seed, 'NEXT'), 'the 1.2.0 work\n')
  git(seed, 'add', '.')
  git(seed, 'commit', '--quiet', '-m', 'the 1.2.0 work')
  git(seed, 'push', '--quiet', '--tags', origin, 'main')
  git(root, 'clone', '--quiet', origin, clone)
})

describe('release-tag.sh notes', () => {
  it("prints the version's CHANGELOG section, without its heading, the next one or link lines", () => {
    const run = release('notes', '1.2.0')
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout).toBe(
      "### Added\n- A release workflow.\n\n### Fixed\n- The sensor's timeout.\n"
    )
    expect(release('notes', 'v1.1.0').stdout).toBe('- The first minor release.\n')
  })

  it('refuses a version without a CHANGELOG section in one line', () => {
    const run = release('notes', '1.3.0')
    expect(run.status).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toBe(
      "release: CHANGELOG.md has no '## [1.3.0]' section with notes; add it (move the Unreleased lines under it) and commit first\n"
    )
  })

  it('refuses a version that is not semantic, in one line', () => {
    const run = release('notes', '1.2')
    expect(run.status).toBe(1)
    expect(run.stderr).toBe(
      "release: expected a version such as 1.2.0 (or 1.2.0-rc.1), got '1.2'\n"
    )
  })
})

describe('release-tag.sh tag and move-major, in a clone pushing to its origin', () => {
  it('tags HEAD v1.2.0 and moves v1 from v1.1.0 to it, in the clone and the origin', () => {
    const head = git(clone, 'rev-parse', 'HEAD')
    const before = tagged(origin, 'v1')
    expect(before).toBe(tagged(origin, 'v1.1.0'))
    expect(before).not.toBe(head)

    const tag = release('tag', '1.2.0', 'origin')
    expect(tag.status, tag.stderr).toBe(0)
    expect(tagged(origin, 'v1.2.0')).toBe(head)
    expect(tagged(origin, 'v1')).toBe(before)

    const move = release('move-major', '1.2.0', 'origin')
    expect(move.status, move.stderr).toBe(0)
    expect(move.stdout).toBe(`release: moved v1 to v1.2.0 (${head.slice(0, 12)})\n`)
    expect(tagged(clone, 'v1')).toBe(head)
    expect(tagged(origin, 'v1')).toBe(head)
    expect(tagged(origin, 'v1.1.0')).toBe(before)
    expect(git(origin, 'tag', '-l', '--format=%(contents:subject)', 'v1')).toBe('v1 → v1.2.0')
  })

  it('a pushed tag at HEAD (the tag-push trigger) is kept, and tagging again changes nothing', () => {
    git(clone, 'tag', '-a', 'v1.2.0', '-m', 'v1.2.0')
    git(clone, 'push', '--quiet', 'origin', 'v1.2.0')
    const run = release('tag', '1.2.0', 'origin')
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout).toContain('v1.2.0 is already at')
    expect(tagged(origin, 'v1.2.0')).toBe(git(clone, 'rev-parse', 'HEAD'))
  })

  it('refuses a version tagged on another commit, and moves nothing', () => {
    const v1 = tagged(origin, 'v1')
    const run = release('tag', '1.1.0', 'origin')
    expect(run.status).toBe(1)
    expect(run.stderr).toMatch(
      /^release: v1\.1\.0 already exists at [0-9a-f]{12}, not at the commit being released \([0-9a-f]{12}\)\n$/
    )
    expect(tagged(origin, 'v1')).toBe(v1)
  })

  it('a pre-release is tagged but leaves v1 where it is', () => {
    const v1 = tagged(origin, 'v1')
    expect(release('tag', '1.2.0-rc.1', 'origin').status).toBe(0)
    const move = release('move-major', '1.2.0-rc.1', 'origin')
    expect(move.status).toBe(0)
    expect(move.stdout).toBe('release: v1.2.0-rc.1 is a pre-release; v1 stays where it is\n')
    expect(tagged(origin, 'v1')).toBe(v1)
    expect(tagged(origin, 'v1.2.0-rc.1')).toBe(git(clone, 'rev-parse', 'HEAD'))
  })

  it('refuses to move the major tag to a version that was never tagged', () => {
    const run = release('move-major', '1.3.0', 'origin')
    expect(run.status).toBe(1)
    expect(run.stderr).toBe(
      'release: there is no tag v1.3.0 to move v1 to; run the tag step first\n'
    )
  })
})
