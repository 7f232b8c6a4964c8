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
import type { Logger } from './log.js'
import type { StateStore } from './state.js'

/** The only bridge between domain code and the workflow runner (@actions/core). */

export const actionInputs = (): Inputs => new Inputs(name => core.getInput(name))

export const actionLogger: Logger = {
  info: message => core.info(message),
  warning: message => core.warning(message),
  error: message => core.error(message),
  debug: message => core.debug(message),
  group: (title, lines) => {
    core.startGroup(title)
    // The lines are data (a Spark driver's log, say): one that starts with `::` must not be
    // taken by the runner as a workflow command, so commands are off while they print.
    const resume = `stop-${randomUUID()}`
    core.info(`::stop-commands::${resume}`)
    for (const line of lines) core.info(line)
    core.info(`::${resume}::`)
    core.endGroup()
  }
}

export const actionState: StateStore = {
  get: name => core.getState(name),
  save: (name, value) => core.saveState(name, value)
}

export function setOutputs(outputs: Record<string, string | number | boolean>): void {
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, String(value))
}

/** Appends markdown to the job summary; a no-op outside a runner. */
export async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  await core.summary.addRaw(markdown, true).write()
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
      core.error(firstLine(error.message), { title: CERTAIN_FAILURE_TITLE })
      process.exitCode = 1
    } else if (error instanceof UserError) {
      core.setFailed(firstLine(error.message))
    } else {
      if (error instanceof Error && error.stack) core.debug(error.stack)
      core.setFailed(`${errorName(error)}: ${firstLine(errorMessage(error))}`)
    }
  }
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0] ?? ''
}
