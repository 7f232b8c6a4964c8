import path from 'node:path'
import { parseArgs } from 'node:util'
import { writeFile } from 'node:fs/promises'
import { UserError } from '../../../src/core/errors.js'
import { parseReportArgs, reportUsage, runReportCommand } from '../../../src/report/cli.js'
import { messageOf, UsageError, WorkflowFileError } from './errors.js'
import { cancelOnInterrupt } from './process.js'
import { runWorkflowFile, type RunRequest } from './run.js'
import { parseAssignment, readVarsFile } from './vars-file.js'

export const usage = `Usage: spark-pipeline run <workflow-file> [options]
       spark-pipeline report --lake <uri|dir> --pipeline <name> [options] (report --help)

Runs a GitHub Actions workflow on this machine (see docs/running-locally.md,
"Run your own workflow locally").

Options:
  --event <name>        the triggering event: workflow_dispatch (default), schedule, workflow_call, push, …
  --input <name=value>  a workflow_dispatch / workflow_call input (repeatable)
  --event-time <iso>    when the event happened (a schedule's tick); default now
  --schedule <cron>     with --event schedule: which of the workflow's schedule entries fired
                        (its cron, e.g. '17 4 * * *'); default the first
  --vars-file <file>    repository variables, NAME=VALUE lines (default .github/local-vars.env)
  --var <NAME=VALUE>    a repository variable (repeatable; wins over the file)
  --secret <NAME>       a secret, read from the environment variable NAME (repeatable)
  --max-parallel <n>    jobs that run at once (default 2)
  --strict              a remote action without a local stand-in is an error, not skipped
  --dry-run             print the plan (jobs by stage, each step's kind) and run nothing
  --verbose             show debug messages and Spark's INFO/WARN lines
  --workspace <dir>     the repository root (default the current directory)
  -h, --help            this text`

function assignments(values: string[] | undefined, option: string): Record<string, string> {
  const result: Record<string, string> = {}
  for (const value of values ?? []) {
    const pair = parseAssignment(value)
    if (!pair) throw new UsageError(`${option} ${value}: expected NAME=VALUE`)
    result[pair[0]] = pair[1]
  }
  return result
}

/** Turns the command line into a run request; throws UsageError with one line. */
export function parseCommandLine(
  argv: string[],
  hostEnv: NodeJS.ProcessEnv,
  cwd: string
): Omit<RunRequest, 'write'> | 'help' {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        event: { type: 'string', default: 'workflow_dispatch' },
        input: { type: 'string', multiple: true },
        'event-time': { type: 'string' },
        schedule: { type: 'string' },
        'vars-file': { type: 'string' },
        var: { type: 'string', multiple: true },
        secret: { type: 'string', multiple: true },
        'max-parallel': { type: 'string', default: '2' },
        strict: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        workspace: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false }
      }
    })
  } catch (error) {
    throw new UsageError(messageOf(error))
  }
  const { values, positionals } = parsed
  if (values.help) return 'help'
  if (positionals[0] !== 'run') {
    throw new UsageError(
      positionals[0] ? `unknown command '${positionals[0]}' (expected run)` : 'no command given'
    )
  }
  const [, workflowFile] = positionals
  if (workflowFile === undefined || positionals.length > 2) {
    throw new UsageError('run takes exactly one workflow file')
  }
  const maxParallel = Number(values['max-parallel'])
  if (!Number.isInteger(maxParallel) || maxParallel < 1) {
    throw new UsageError(`--max-parallel ${values['max-parallel']}: expected a whole number ≥ 1`)
  }
  let eventTime: Date | undefined
  if (values['event-time'] !== undefined) {
    eventTime = new Date(values['event-time'])
    if (!/^\d{4}-\d{2}-\d{2}T/.test(values['event-time']) || Number.isNaN(eventTime.getTime())) {
      throw new UsageError(
        `--event-time ${values['event-time']}: expected an ISO 8601 time, e.g. 2026-01-02T02:00:00Z`
      )
    }
  }
  if (values.schedule !== undefined && values.event !== 'schedule') {
    throw new UsageError(`--schedule '${values.schedule}': only with --event schedule`)
  }
  const workspace = path.resolve(cwd, values.workspace ?? '.')
  const varsFile = values['vars-file'] ?? path.join(workspace, '.github', 'local-vars.env')
  const vars = {
    ...readVarsFile(path.resolve(cwd, varsFile), values['vars-file'] !== undefined),
    ...assignments(values.var, '--var')
  }
  const secrets: Record<string, string> = {}
  for (const name of values.secret ?? []) {
    const value = hostEnv[name]
    if (value === undefined)
      throw new UsageError(`--secret ${name}: the environment variable ${name} is not set`)
    secrets[name] = value
  }
  return {
    workspace,
    workflowFile: path.resolve(cwd, workflowFile),
    event: values.event,
    inputs: assignments(values.input, '--input'),
    ...(eventTime ? { eventTime } : {}),
    ...(values.schedule !== undefined ? { schedule: values.schedule } : {}),
    vars,
    secrets,
    strict: values.strict,
    verbose: values.verbose,
    dryRun: values['dry-run'],
    maxParallel,
    hostEnv
  }
}

/**
 * The command: exit 0 when every job passed, 1 when a job failed or was cancelled, 2 for a
 * bad command line or a workflow it cannot run. Ctrl-C cancels like GitHub's cancel button;
 * a second Ctrl-C stops the post steps too.
 */
export async function main(argv: string[]): Promise<number> {
  // When the reader goes away (`| head`), the run goes on to its end, silently.
  let readerGone = false
  process.stdout.on('error', () => (readerGone = true))
  const write = (text: string): void => {
    if (!readerGone) process.stdout.write(text)
  }
  if (argv[0] === 'report') return report(argv.slice(1), write)
  try {
    const request = parseCommandLine(argv, process.env, process.cwd())
    if (request === 'help') {
      write(`${usage}\n`)
      return 0
    }
    const { cancel, force, release } = cancelOnInterrupt(write)
    try {
      const result = await runWorkflowFile({ ...request, write, cancel, force })
      return result.exitCode
    } finally {
      release()
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`spark-pipeline: ${error.message}\n\n${usage}\n`)
      return 2
    }
    if (error instanceof WorkflowFileError) {
      // One line per problem, each `file:line:col: what`, as compilers print them.
      process.stderr.write(`${error.message}\n`)
      return 2
    }
    process.stderr.write(`spark-pipeline: ${messageOf(error)}\n`)
    return 1
  }
}

/** `spark-pipeline report`: exit 0 with the page's path, 2 for a bad option or input, 1 otherwise. */
async function report(argv: string[], write: (text: string) => void): Promise<number> {
  const warn = (message: string): void => void process.stderr.write(`warning: ${message}\n`)
  try {
    const command = parseReportArgs(argv, process.env)
    if (command.help) {
      write(`${reportUsage}\n`)
      return 0
    }
    const outcome = await runReportCommand(command, process.env, process.cwd(), {
      info: message => write(`${message}\n`),
      warning: warn,
      error: warn,
      debug: () => undefined,
      group: () => undefined
    })
    if (command.summaryFile) await writeFile(command.summaryFile, outcome.summary.toString())
    const { cells } = outcome.model.totals
    write(
      `dashboard: ${outcome.html} (${outcome.model.dates.length} dates × ${outcome.model.tasks.length} tasks; ` +
        `${cells.failed} failed, ${cells.missing} missing, ${outcome.model.problems.length} record(s) not used)\n`
    )
    return 0
  } catch (error) {
    process.stderr.write(`spark-pipeline report: ${messageOf(error).split('\n')[0]}\n`)
    return error instanceof UserError ? 2 : 1
  }
}
