import { mkdirSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { UsageError, WorkflowFileError } from '../../../local/src/runner/errors.js'
import { parseCommandLine } from '../../../local/src/runner/cli.js'
import { tempDir } from '../../support/temp.js'
import { jobLines, projectRoot, runFixture } from './support.js'

describe('runner: what it refuses, before anything runs', () => {
  it('unsupported features: one error, a line per feature naming the file, line and feature', async () => {
    const run = runFixture('test/fixtures/workflows/unsupported.yml')
    await expect(run).rejects.toThrow(WorkflowFileError)
    await expect(run).rejects.toThrow(
      "test/fixtures/workflows/unsupported.yml:5:12: shell 'pwsh' (defaults.run.shell) is not supported by the local runner\n" +
        'test/fixtures/workflows/unsupported.yml:10:7: service containers (jobs.<id>.services) is not supported by the local runner\n' +
        'test/fixtures/workflows/unsupported.yml:15:11: a reusable workflow from another repository (octo-org/shared/.github/workflows/deploy.yml@v1) is not supported by the local runner\n' +
        "test/fixtures/workflows/unsupported.yml:20:16: shell 'powershell' (defaults.run.shell) is not supported by the local runner"
    )
  })

  it('a repository action without its @ref: refused as GitHub refuses the workflow', async () => {
    await expect(runFixture('test/fixtures/workflows/uses-without-ref.yml')).rejects.toThrow(
      "test/fixtures/workflows/uses-without-ref.yml:8:15: the `uses' attribute must be a path, a Docker image, or owner/repo@ref (got 'actions/checkout')\n" +
        "test/fixtures/workflows/uses-without-ref.yml:9:15: the `uses' attribute must be a path, a Docker image, or owner/repo@ref (got 'octo-org/monorepo/path/to/action')"
    )
  })

  it('a parse error in the one format, file:line:col: what', async () => {
    await expect(runFixture('test/fixtures/workflows/parse-error.yml')).rejects.toThrow(
      new WorkflowFileError("test/fixtures/workflows/parse-error.yml:6:5: Unexpected value 'stepz'")
    )
  })

  it('a local action.yml with two problems: one line per problem, each at the step that uses it', async () => {
    const workspace = tempDir('runner-bad-action')
    mkdirSync(`${workspace}/bad`)
    writeFileSync(`${workspace}/bad/action.yml`, 'name: bad\nrunz: {}\n')
    writeFileSync(
      `${workspace}/uses-bad.yml`,
      'on: workflow_dispatch\njobs:\n  one:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./bad\n'
    )
    const run = runFixture('uses-bad.yml', {
      workspace,
      workflowFile: `${workspace}/uses-bad.yml`
    })
    const refused = await run.then(
      () => undefined,
      (error: unknown) => error
    )
    expect(refused).toBeInstanceOf(WorkflowFileError)
    const lines = (refused as Error).message.split('\n')
    expect(lines).toEqual([
      "uses-bad.yml:6:15: bad/action.yml:2:1: Unexpected value 'runz'",
      'uses-bad.yml:6:15: bad/action.yml:1:1: Required property is missing: runs'
    ])
  })

  it('an unknown remote action: skipped with one line, or an error with --strict', async () => {
    const skipped = await runFixture('test/fixtures/workflows/remote.yml')
    expect(skipped.exitCode).toBe(0)
    expect(jobLines(skipped.output, 'only')).toEqual([
      'skipped: no local stand-in for someone/unknown-action@v1 (--strict makes this an error)',
      'after the remote action'
    ])
    await expect(
      runFixture('test/fixtures/workflows/remote.yml', { strict: true })
    ).rejects.toThrow(
      'test/fixtures/workflows/remote.yml:7:15: remote action someone/unknown-action has no local stand-in (--strict)'
    )
  })

  it('an event the workflow is not triggered by, or an input it does not declare', async () => {
    await expect(
      runFixture('test/fixtures/workflows/remote.yml', { event: 'schedule' })
    ).rejects.toThrow(
      '--event schedule: test/fixtures/workflows/remote.yml is not triggered by it (on: workflow_dispatch)'
    )
    await expect(
      runFixture('test/fixtures/workflows/basics.yml', { inputs: { nope: '1' } })
    ).rejects.toThrow(
      "input 'nope': not declared by test/fixtures/workflows/basics.yml (declared: who, loud)"
    )
    await expect(
      runFixture('test/fixtures/workflows/basics.yml', { inputs: { loud: 'maybe' } })
    ).rejects.toThrow("input 'loud': expected true or false, got 'maybe'")
  })

  it.each([
    [[], 'no command given'],
    [['build', 'x.yml'], "unknown command 'build' (expected run)"],
    [['run'], 'run takes exactly one workflow file'],
    [['run', 'x.yml', '--max-parallel', '0'], '--max-parallel 0: expected a whole number ≥ 1'],
    [['run', 'x.yml', '--input', 'novalue'], '--input novalue: expected NAME=VALUE'],
    [
      ['run', 'x.yml', '--secret', 'ABSENT_SECRET'],
      '--secret ABSENT_SECRET: the environment variable ABSENT_SECRET is not set'
    ],
    [
      ['run', 'x.yml', '--event-time', 'yesterday'],
      '--event-time yesterday: expected an ISO 8601 time, e.g. 2026-01-02T02:00:00Z'
    ],
    [
      ['run', 'x.yml', '--vars-file', 'absent.env'],
      `--vars-file: no such file ${projectRoot}/absent.env`
    ]
  ])('bad usage %j: %s', (argv, message) => {
    expect(() => parseCommandLine(argv, {}, projectRoot)).toThrow(new UsageError(message))
  })
})

describe('runner: repository variables', () => {
  it('reads .github/local-vars.env by default; --var wins over it', () => {
    const workspace = tempDir('runner-vars')
    mkdirSync(`${workspace}/.github`)
    writeFileSync(
      `${workspace}/.github/local-vars.env`,
      '# local values\nDATA_LAKE_BUCKET=local-lake\nQUOTED="with spaces"\nREGION=eu-west-1\n'
    )
    const request = parseCommandLine(['run', 'w.yml', '--var', 'REGION=us-east-1'], {}, workspace)
    expect(request === 'help' ? {} : request.vars).toEqual({
      DATA_LAKE_BUCKET: 'local-lake',
      QUOTED: 'with spaces',
      REGION: 'us-east-1'
    })
  })

  it('a line that is not NAME=VALUE names the file and line', () => {
    const file = `${tempDir('runner-vars')}/vars.env`
    writeFileSync(file, 'A=1\nnot a pair\n')
    expect(() => parseCommandLine(['run', 'w.yml', '--vars-file', file], {}, projectRoot)).toThrow(
      `${file}:2: expected NAME=VALUE, got 'not a pair'`
    )
  })
})
