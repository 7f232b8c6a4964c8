// The flags of `npm run pipeline`, readable by Node alone: scripts/run-pipeline.sh checks the
// command line with this file before it installs anything (npm ci, the virtualenvs, the
// jars), so that --help answers at once and a wrong flag costs nothing. The values (dates,
// numbers, the lake folder) are checked by scripts/lib/pipeline-args.ts, which needs tsx.
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

export const USAGE =
  'usage: npm run pipeline -- [--date YYYY-MM-DD | --start YYYY-MM-DD --end YYYY-MM-DD] [--scale N] [--seed N] [--fresh] [--force] [--lake DIR] [--cold] [--verbose] [--timings FILE]\n' +
  '  --date          one logical date (instead of --start and --end)\n' +
  '  --start, --end  the first and last logical date (default 2026-01-01 … 2026-01-03, at most 366 days)\n' +
  '  --scale N       sample size: 200 × N customers, 100 × N changes a day (1 to 1000, default 1)\n' +
  '  --seed N        random seed of the sample data (default 7)\n' +
  '  --fresh         start from an empty lake (default: keep the lake of the earlier run)\n' +
  '  --force         process the dates again although they have completed (a completed date is\n' +
  '                  otherwise skipped in seconds, as on GitHub; later completed dates are replayed)\n' +
  '  --lake DIR      the folder the local S3 lake is kept in between runs (default .work/lake)\n' +
  '  --cold          one spark-submit per Spark job run (default: a warm Spark driver runs them)\n' +
  "  --verbose       show Spark's own INFO/WARN output and the actions' debug lines\n" +
  "  --timings FILE  also write the run's wall time and Spark time as JSON (for npm run bench -- pipeline)"

export const PIPELINE_OPTIONS = {
  date: { type: 'string' },
  start: { type: 'string' },
  end: { type: 'string' },
  scale: { type: 'string', default: '1' },
  seed: { type: 'string', default: '7' },
  lake: { type: 'string', default: '.work/lake' },
  fresh: { type: 'boolean', default: false },
  force: { type: 'boolean', default: false },
  cold: { type: 'boolean', default: false },
  verbose: { type: 'boolean', default: false },
  timings: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false }
}

/** node:util's parse error in one line a user can act on. */
export function describeParseError(error) {
  const code = error?.code
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

// Run as a program (by scripts/run-pipeline.sh): the usage on stdout for --help, nothing when
// the flags parse, else one line and the usage on stderr and exit code 2.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const { values } = parseArgs({
      args: process.argv.slice(2),
      strict: true,
      allowPositionals: false,
      options: PIPELINE_OPTIONS
    })
    if (values.help) console.log(USAGE)
  } catch (error) {
    console.error(`pipeline: ${describeParseError(error)}`)
    console.error(USAGE)
    process.exit(2)
  }
}
