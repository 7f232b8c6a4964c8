import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { InputError } from '../../src/core/errors.js'
import { Inputs } from '../../src/core/inputs.js'
import { addDays, daysBetween, formatIsoDate, parseIsoDate } from '../../src/core/calendar.js'

export const USAGE =
  'usage: npm run pipeline -- [--date YYYY-MM-DD | --start YYYY-MM-DD --end YYYY-MM-DD] [--scale N] [--seed N] [--fresh] [--force] [--lake DIR] [--verbose] [--timings FILE]\n' +
  '  --date          one logical date (instead of --start and --end)\n' +
  '  --start, --end  the first and last logical date (default 2026-01-01 … 2026-01-03, at most 366 days)\n' +
  '  --scale N       sample size: 200 × N customers, 100 × N changes a day (1 to 1000, default 1)\n' +
  '  --seed N        random seed of the sample data (default 7)\n' +
  '  --fresh         start from an empty lake (default: keep the lake of the earlier run)\n' +
  '  --force         process the dates again although they have completed (a completed date is\n' +
  '                  otherwise skipped in seconds, as on GitHub; later completed dates are replayed)\n' +
  '  --lake DIR      the folder the local S3 lake is kept in between runs (default .work/lake)\n' +
  "  --verbose       show Spark's own INFO/WARN output and the actions' debug lines\n" +
  "  --timings FILE  also write the run's wall time and Spark time as JSON (for npm run bench -- pipeline)"

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
      options: {
        date: { type: 'string' },
        start: { type: 'string' },
        end: { type: 'string' },
        scale: { type: 'string', default: '1' },
        seed: { type: 'string', default: '7' },
        lake: { type: 'string', default: '.work/lake' },
        fresh: { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        timings: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false }
      }
    }).values
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

function describeParseError(error: unknown): string {
  const code = (error as { code?: unknown }).code
  const message = error instanceof Error ? error.message : String(error)
  const option = /'(-[^' ]+)/.exec(message)?.[1]
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? message}`
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /ambiguous/.test(message)
        ? `${option} needs a value (one that starts with - is written ${option}=-…)`
        : `${option ?? 'an option'} needs a value`
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(message)?.[1] ?? ''}`.trim()
    default:
      return message.split('\n')[0] ?? message
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
