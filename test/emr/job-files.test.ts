import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { InputError } from '../../src/core/errors.js'
import { sparkJobSettings } from './support/spark-settings.js'
import { Inputs } from '../../src/core/inputs.js'
import { readSparkJobSettings } from '../../src/emr/settings.js'

/** A value as an error line shows it: cut at 80 characters (long temp paths are). */
const shownValue = (value: string): string =>
  value.length <= 80 ? value : `${value.slice(0, 79)}…`

// A repository with a job in it, and beside it a folder outside the repository whose files
// exist, so a refusal can only come from where the path leads, not from a missing file.
const root = mkdtempSync(path.join(tmpdir(), 'spark-job-files-'))
const workspace = path.join(root, 'repo')
const outside = path.join(root, 'outside')
mkdirSync(path.join(workspace, 'jobs'), { recursive: true })
mkdirSync(outside)
writeFileSync(path.join(workspace, 'jobs', 'job.py'), 'print("inside")\n')
writeFileSync(path.join(outside, 'job.py'), 'print("outside")\n')
symlinkSync(path.join(outside, 'job.py'), path.join(workspace, 'jobs', 'escape.py'))
symlinkSync(path.join(workspace, 'jobs', 'job.py'), path.join(workspace, 'jobs', 'alias.py'))
symlinkSync(outside, path.join(workspace, 'linked-folder'))

afterAll(() => rmSync(root, { recursive: true, force: true }))

const read = (values: Record<string, string>) =>
  sparkJobSettings(
    { 'entry-point': 'jobs/job.py', 'staging-uri': 's3://staging/spark', ...values },
    workspace
  )

describe('repository files for entry-point, files and py-files', () => {
  it.each([
    ['entry-point', '../outside/job.py'],
    ['entry-point', path.join(outside, 'job.py')],
    ['entry-point', 'jobs/escape.py'],
    ['entry-point', 'linked-folder/job.py'],
    ['entry-point', 'jobs/../../outside/job.py'],
    ['files', '../outside/job.py'],
    ['files', 'jobs/escape.py'],
    ['py-files', path.join(outside, 'job.py')],
    ['py-files', 'linked-folder/job.py']
  ])('%s %s leads outside the repository: refused in one line naming the input', (input, value) => {
    let error: unknown
    try {
      read({ [input]: value })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe(input)
    expect((error as InputError).message).toBe(
      `Input '${input}': expected an s3:// URI or a file inside the repository, but this path leads outside it, got '${shownValue(value)}'`
    )
  })

  it('accepts files inside it: relative, absolute, through ".." that stays inside, and a link to a file inside', () => {
    const settings = read({
      'entry-point': path.join(workspace, 'jobs', 'job.py'),
      files: 'jobs/../jobs/job.py',
      'py-files': 'jobs/alias.py'
    })
    expect(settings.entryPoint).toMatchObject({
      kind: 'local',
      path: path.join(workspace, 'jobs', 'job.py')
    })
    expect(settings.files).toEqual([
      { kind: 'local', path: path.join(workspace, 'jobs', 'job.py'), shown: 'jobs/../jobs/job.py' }
    ])
    expect(settings.pyFiles).toEqual([
      { kind: 'local', path: path.join(workspace, 'jobs', 'alias.py'), shown: 'jobs/alias.py' }
    ])
  })

  it('the repository is GITHUB_WORKSPACE when the caller gives none', () => {
    const map: Record<string, string> = {
      application: 'etl',
      'execution-role-arn': 'arn:aws:iam::123456789012:role/emr-job',
      'entry-point': 'jobs/job.py',
      'staging-uri': 's3://staging/spark'
    }
    const inputs = new Inputs(name => map[name])
    const env = { AWS_REGION: 'us-east-1', GITHUB_WORKSPACE: workspace }
    expect(readSparkJobSettings(inputs, env).entryPoint).toMatchObject({ kind: 'local' })
    expect(() =>
      readSparkJobSettings(inputs, { ...env, GITHUB_WORKSPACE: path.join(workspace, 'jobs') })
    ).toThrow("Input 'entry-point': expected an s3:// URI or a file that exists in the repository")
  })
})
