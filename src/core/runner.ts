import { randomUUID } from 'node:crypto'
import * as core from '@actions/core'
import {
  CERTAIN_FAILURE_TITLE,
  CertainFailure,
  errorMessage,
  errorName,
  UserError
} from './errors.js'
import { Inputs } from './inputs.js'
import { redactCredentials } from './redact.js'
import { inertLines, type Logger } from './log.js'
import type { Markdown } from './markdown.js'
import type { StateStore } from './state.js'

/** The only bridge between domain code and the workflow runner (@actions/core). */

export const actionInputs = (): Inputs => new Inputs(name => core.getInput(name))

/**
 * Everything domain code says reaches the log stripped of credentials; plain lines (info, a
 * group's lines) are data that could hold a workflow command, so they go through
 * inertLines(). Annotations, debug lines and group titles are command data, which
 * @actions/core escapes itself (`%`, CR and LF).
 */
const printLines = (text: string): void => {
  for (const line of inertLines(redactCredentials(text), () => `stop-${randomUUID()}`)) {
    core.info(line)
  }
}

export const actionLogger: Logger = {
  info: printLines,
  warning: message => core.warning(redactCredentials(message)),
  error: message => core.error(redactCredentials(message)),
  debug: message => core.debug(redactCredentials(message)),
  group: (title, lines) => {
    core.startGroup(redactCredentials(title))
    printLines(lines.join('\n'))
    core.endGroup()
  }
}

export const actionState: StateStore = {
  get: name => core.getState(name),
  save: (name, value) => core.saveState(name, value)
}

/** Output names come from the action's constants module (src/constants), declared in action.yml. */
export function setOutputs(outputs: Partial<Record<string, string | number | boolean>>): void {
  for (const [name, value] of Object.entries(outputs)) {
    if (value !== undefined) core.setOutput(name, String(value))
  }
}

/** Appends Markdown (built by core/markdown.ts) to the job summary; a no-op outside a runner. */
export async function writeSummary(markdown: Markdown): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  await core.summary.addRaw(markdown.toString(), true).write()
}

export function maskSecret(value: string): void {
  if (value) core.setSecret(value)
}

/**
 * Runs an entry point: a UserError becomes one `::error::` line and exit code 1; anything
 * else is reported by name and message, with the stack only in the debug log.
 */
export async function runAction(main: () => Promise<void>): Promise<void> {
  try {
    await main()
  } catch (error) {
    if (error instanceof CertainFailure) {
      core.error(redactCredentials(firstLine(error.message)), { title: CERTAIN_FAILURE_TITLE })
      process.exitCode = 1
    } else if (error instanceof UserError) {
      core.setFailed(redactCredentials(firstLine(error.message)))
    } else {
      if (error instanceof Error && error.stack) core.debug(redactCredentials(error.stack))
      core.setFailed(`${errorName(error)}: ${firstLine(errorMessage(error))}`)
    }
  }
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0] ?? ''
}
