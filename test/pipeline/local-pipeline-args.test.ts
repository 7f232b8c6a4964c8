import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parsePipelineArgs, UsageError } from '../../scripts/lib/pipeline-args.js'
import { projectRoot } from '../../local/src/moto.js'

// `npm run pipeline` rewrites its lake folder (and --fresh deletes it); a bad command line must stop it
// before that, in one line plus the usage, with exit code 2 (the process itself:
// ./local-pipeline-args.integration.test.ts).
const temporary: string[] = []
afterEach(() => {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A lake as an earlier run left it, outside the project. */
function previousLake(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'pipeline-args-'))
  temporary.push(root)
  const lake = path.join(root, 'lake')
  mkdirSync(path.join(lake, 'bronze', 'customers', 'date=2026-01-01'), { recursive: true })
  writeFileSync(path.join(lake, 'bronze', 'customers', 'date=2026-01-01', '_SUCCESS'), '')
  mkdirSync(path.join(lake, 'silver'))
  return lake
}

function usageError(argv: string[]): string {
  try {
    parsePipelineArgs(argv, projectRoot)
  } catch (error) {
    if (error instanceof UsageError) return error.message
    throw error
  }
  return 'no error'
}

describe('npm run pipeline: the command line', () => {
  it('takes the defaults: three days from 2026-01-01, scale 1, seed 7, .work/lake', () => {
    expect(parsePipelineArgs([], projectRoot)).toEqual({
      help: false,
      dates: ['2026-01-01', '2026-01-02', '2026-01-03'],
      scale: 1,
      seed: 7,
      fresh: false,
      force: false,
      cold: false,
      verbose: false,
      lake: path.join(projectRoot, '.work', 'lake')
    })
  })

  it('takes one --date, and --fresh / --force / --cold / --verbose', () => {
    expect(
      parsePipelineArgs(['--date', '2026-03-01', '--fresh', '--verbose'], projectRoot)
    ).toMatchObject({
      dates: ['2026-03-01'],
      fresh: true,
      force: false,
      cold: false,
      verbose: true
    })
    expect(parsePipelineArgs(['--force'], projectRoot)).toMatchObject({ force: true })
    expect(parsePipelineArgs(['--cold'], projectRoot)).toMatchObject({ cold: true })
  })

  it('takes a range across a month end, and a lake of an earlier run', () => {
    const lake = previousLake()
    const args = parsePipelineArgs(
      ['--start', '2026-02-27', '--end=2026-03-02', '--scale', '10', '--lake', lake],
      projectRoot
    )
    expect(args.dates).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02'])
    expect(args).toMatchObject({ scale: 10, lake })
  })

  it.each([
    [['--scal', '10'], 'unknown option --scal'],
    [['--scale'], '--scale needs a value'],
    [['2026-01-01'], 'unexpected argument 2026-01-01'],
    [['--scale', 'abc'], "--scale: expected a whole number from 1 to 1000, got 'abc'"],
    [['--scale', '0'], "--scale: expected a whole number from 1 to 1000 (at least 1), got '0'"],
    [['--scale', '1e3'], "--scale: expected a whole number from 1 to 1000, got '1e3'"],
    [['--seed', '-1'], '--seed needs a value (one that starts with - is written --seed=-…)'],
    [['--seed=-1'], "--seed: expected a whole number from 0 to 2147483647, got '-1'"],
    [
      ['--start', '2026-02-30'],
      "--start: expected a real calendar date as YYYY-MM-DD (February 2026 has 28 days), got '2026-02-30'"
    ],
    [['--end', 'tomorrow'], "--end: expected a date as YYYY-MM-DD, got 'tomorrow'"],
    [
      ['--start', '2026-01-05', '--end', '2026-01-04'],
      "--end: expected a date on or after --start 2026-01-05, got '2026-01-04'"
    ],
    [
      ['--end', '2027-06-01'],
      "--end: expected at most 366 days after --start 2026-01-01, got '2027-06-01'"
    ],
    [
      ['--date', '2026-01-02', '--start', '2026-01-01'],
      "--date: expected either --date or --start/--end, not both, got '2026-01-02'"
    ],
    [
      ['--date', '2026-13-01'],
      "--date: expected a real calendar date as YYYY-MM-DD (month 01 to 12), got '2026-13-01'"
    ],
    [['--lake', '.'], "--lake: expected a folder that does not hold the project, got '.'"],
    [['--lake', '..'], "--lake: expected a folder that does not hold the project, got '..'"],
    [
      ['--lake', 'src'],
      "--lake: expected an empty folder or the lake of an earlier run (it holds constants, core, emr, …), got 'src'"
    ],
    [['--lake', 'package.json'], "--lake: expected a folder, not a file, got 'package.json'"]
  ])('%j → %s', (argv, message) => {
    expect(usageError(argv)).toBe(message)
  })
})
