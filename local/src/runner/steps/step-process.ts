import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { readKeyValueFile, readPathFile, readText } from '../command-files.js'
import { messageOf } from '../errors.js'
import type { Reporter, StepOutcome } from '../log.js'
import type { Masker } from '../masker.js'
import { runProcess, type CancelSignal, type CancelTimings } from '../process.js'
import { CommandProcessor } from '../workflow-commands.js'

export interface StepProcessRequest {
  jobId: string
  command: string
  args: string[]
  cwd: string
  env: Record<string, string>
  tempDir: string
  cancel: CancelSignal
  timeoutMs?: number
  timings?: CancelTimings
  reporter: Reporter
  masker: Masker
}

export interface StepProcessResult {
  outcome: StepOutcome
  /** Why it failed, in one line, when it did. */
  reason?: string
  outputs: Record<string, string>
  env: Record<string, string>
  path: string[]
  state: Record<string, string>
  summary: string
  signalsSent: string[]
}

/**
 * Runs a step's process with the runner's files (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH,
 * GITHUB_STATE, GITHUB_STEP_SUMMARY), its workflow commands and its log, and reads back what
 * it wrote. Outcome: success on exit 0; cancelled when the job was cancelled; failure otherwise.
 */
export async function runStepProcess(request: StepProcessRequest): Promise<StepProcessResult> {
  const id = randomUUID()
  const files = {
    GITHUB_OUTPUT: path.join(request.tempDir, `output_${id}`),
    GITHUB_ENV: path.join(request.tempDir, `env_${id}`),
    GITHUB_PATH: path.join(request.tempDir, `path_${id}`),
    GITHUB_STATE: path.join(request.tempDir, `state_${id}`),
    GITHUB_STEP_SUMMARY: path.join(request.tempDir, `summary_${id}`)
  }
  for (const file of Object.values(files)) writeFileSync(file, '')
  const commandOutputs: Record<string, string> = {}
  const commandState: Record<string, string> = {}
  const commandEnv: Record<string, string> = {}
  const commandPath: string[] = []
  const refusals: string[] = []
  const processor = new CommandProcessor({
    addMask: value => request.masker.add(value),
    setOutput: (name, value) => (commandOutputs[name] = value),
    saveState: (name, value) => (commandState[name] = value),
    setEnv: (name, value) => (commandEnv[name] = value),
    addPath: directory => {
      const at = commandPath.indexOf(directory)
      if (at >= 0) commandPath.splice(at, 1)
      commandPath.push(directory)
    },
    allowUnsecureCommands:
      request.env.ACTIONS_ALLOW_UNSECURE_COMMANDS?.trim().toLowerCase() === 'true'
  })
  let depth = 0
  const onLine = (line: string): void => {
    const effect = processor.process(line)
    switch (effect.kind) {
      case 'print':
        request.reporter.line(request.jobId, effect.text, depth)
        break
      case 'group':
        request.reporter.line(request.jobId, `▾ ${effect.title}`, depth)
        depth++
        break
      case 'endgroup':
        depth = Math.max(0, depth - 1)
        break
      case 'debug':
        request.reporter.debug(request.jobId, effect.text)
        break
      case 'annotation':
        request.reporter.annotation(request.jobId, effect.annotation)
        break
      case 'refused':
        for (const message of effect.errors)
          request.reporter.annotation(request.jobId, { level: 'error', message })
        refusals.push(effect.errors[effect.errors.length - 1] ?? '')
        break
      case 'none':
        // A command that prints nothing (add-mask, stop-commands and the token that ends it).
        break
      default: {
        const unknown: never = effect
        throw new Error(`Unknown line effect ${JSON.stringify(unknown)}`)
      }
    }
  }

  const base = { outputs: {}, env: {}, path: [], state: {}, summary: '', signalsSent: [] }
  let result
  try {
    result = await runProcess({
      command: request.command,
      args: request.args,
      cwd: request.cwd,
      env: { ...request.env, ...files },
      onLine,
      cancel: request.cancel,
      timeoutMs: request.timeoutMs,
      timings: request.timings
    })
  } catch (error) {
    return {
      ...base,
      outcome: 'failure',
      reason: `cannot start ${request.command}: ${messageOf(error)}`
    }
  }

  let outcome: StepOutcome = result.exitCode === 0 ? 'success' : 'failure'
  let reason =
    result.exitCode === 0
      ? undefined
      : result.exitCode === null
        ? `ended by ${result.signal ?? 'a signal'}`
        : `exit code ${result.exitCode}`
  if (result.ending === 'cancelled') {
    outcome = 'cancelled'
    reason = `cancelled (${result.signalsSent.join(' → ')})`
  } else if (result.ending === 'timed-out') {
    outcome = 'failure'
    reason = `timed out (timeout-minutes); ${result.signalsSent.join(' → ')} sent`
  }

  // A refused command fails the step once the process has ended, as GitHub's runner does.
  if (refusals.length > 0 && outcome === 'success') {
    outcome = 'failure'
    reason = refusals[0]
  }
  const outputs = { ...commandOutputs }
  const env: Record<string, string> = { ...commandEnv }
  const state = { ...commandState }
  try {
    for (const [name, value] of readKeyValueFile(files.GITHUB_OUTPUT, 'GITHUB_OUTPUT'))
      outputs[name] = value
    for (const [name, value] of readKeyValueFile(files.GITHUB_ENV, 'GITHUB_ENV')) env[name] = value
    for (const [name, value] of readKeyValueFile(files.GITHUB_STATE, 'GITHUB_STATE'))
      state[name] = value
  } catch (error) {
    outcome = 'failure'
    reason = messageOf(error)
  }
  return {
    outcome,
    ...(reason ? { reason } : {}),
    outputs,
    env,
    path: [...commandPath, ...readPathFile(files.GITHUB_PATH)],
    state,
    summary: readText(files.GITHUB_STEP_SUMMARY),
    signalsSent: result.signalsSent
  }
}
