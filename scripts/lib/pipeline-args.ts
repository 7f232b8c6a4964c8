import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { InputError } from '../../src/core/errors.js'
import { Inputs } from '../../src/core/inputs.js'
import { addDays, daysBetween, formatIsoDate, parseIsoDate } from '../../src/core/calendar.js'
import { describeParseError, PIPELINE_OPTIONS, USAGE } from './pipeline-flags.mjs'

export { USAGE }

/** A command line that cannot run: one line for the user, then the usage, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

export interface PipelineArgs {
  help: boolean
  dates: string[]
  scale: number
  seed: number
  /** Start from an empty lake instead of the earlier run's. */
  fresh: boolean
  /** Process completed dates again (the workflow's `force` input). */
  force: boolean
  /** One spark-submit per job run instead of the warm driver. */
  cold: boolean
  verbose: boolean
  /** Where to write the wall and Spark times as JSON, if given. */
  timings?: string
  /** Absolute. */
  lake: string
}

const MAX_DAYS = 366
const defaults: Record<string, string> = { start: '2026-01-01', end: '2026-01-03' }

/** What a lake written by `npm run pipeline` holds; anything else in the folder is not ours. */
const LAKE_ENTRIES = new Set([
  'bronze',
  'silver',
  'gold',
  'quality',
  '_pipeline',
  '_staging',
  '_logs'
])

/**
 * Parses and checks the whole command line before anything runs: the lake folder is
 * deleted and rewritten afterwards, so a typo must never get that far.
 */
export function parsePipelineArgs(argv: readonly string[], projectRoot: string): PipelineArgs {
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: PIPELINE_OPTIONS
      // No option is `multiple`: every value is one string or boolean.
    }).values as Record<string, string | boolean | undefined>
  } catch (error) {
    throw new UsageError(describeParseError(error))
  }
  const given = (name: string): string | undefined => {
    const value = values[name]
    return typeof value === 'string' ? value : undefined
  }
  try {
    const date = given('date')
    if (date !== undefined && (given('start') !== undefined || given('end') !== undefined)) {
      throw new InputError('date', 'either --date or --start/--end, not both', date)
    }
    const inputs = new Inputs(name =>
      date !== undefined && (name === 'start' || name === 'end')
        ? date
        : (given(name) ?? defaults[name])
    )
    const start = formatIsoDate(
      parseIsoDate(inputs.raw('start'), date === undefined ? 'start' : 'date')
    )
    const end = formatIsoDate(parseIsoDate(inputs.raw('end'), date === undefined ? 'end' : 'date'))
    const days = daysBetween(start, end) + 1
    if (days < 1) throw new InputError('end', `a date on or after --start ${start}`, end)
    if (days > MAX_DAYS) {
      throw new InputError('end', `at most ${MAX_DAYS} days after --start ${start}`, end)
    }
    return {
      help: values.help === true,
      dates: Array.from({ length: days }, (_, index) => addDays(start, index)),
      scale: inputs.integer('scale', 1, { min: 1, max: 1000 }),
      seed: inputs.integer('seed', 7, { min: 0, max: 2 ** 31 - 1 }),
      fresh: values.fresh === true,
      force: values.force === true,
      cold: values.cold === true,
      verbose: values.verbose === true,
      ...(given('timings') ? { timings: path.resolve(given('timings')!) } : {}),
      lake: lakeFolder(inputs.raw('lake'), projectRoot)
    }
  } catch (error) {
    if (error instanceof InputError) {
      throw new UsageError(
        `--${error.input}: expected ${error.expected}` +
          (error.got === undefined ? '' : `, got '${error.got}'`)
      )
    }
    throw error
  }
}

/**
 * The lake folder, refused when deleting it could lose something that is not a lake of an
 * earlier run: the project itself or a folder above it, or a folder holding anything else.
 */
function lakeFolder(text: string, projectRoot: string): string {
  if (!text) throw new InputError('lake', 'a folder')
  const lake = path.resolve(projectRoot, text)
  const relative = path.relative(lake, projectRoot)
  if (relative === '' || !relative.startsWith('..')) {
    throw new InputError('lake', 'a folder that does not hold the project', text)
  }
  if (existsSync(lake)) {
    if (!statSync(lake).isDirectory()) throw new InputError('lake', 'a folder, not a file', text)
    const foreign = readdirSync(lake).filter(name => !LAKE_ENTRIES.has(name))
    if (foreign.length) {
      throw new InputError(
        'lake',
        `an empty folder or the lake of an earlier run (it holds ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''})`,
        text
      )
    }
  }
  return lake
}

/**
 * The command line, or its one-line refusal and the usage on stderr and exit code 2; the
 * usage on stdout and exit code 0 for --help.
 */
export function pipelineArgsOrExit(argv: readonly string[], projectRoot: string): PipelineArgs {
  let args: PipelineArgs
  try {
    args = parsePipelineArgs(argv, projectRoot)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    console.error(`pipeline: ${error.message}`)
    console.error(USAGE)
    process.exit(2)
  }
  if (args.help) {
    console.log(USAGE)
    process.exit(0)
  }
  return args
}
