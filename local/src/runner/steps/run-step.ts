import { writeFileSync } from 'node:fs'
import path from 'node:path'
import type { RunStep as RunStepModel } from '@actions/workflow-parser/model/workflow-template'
import { location } from '../errors.js'
import { asText } from '../expressions.js'
import type { PostStep } from '../job-context.js'
import { evaluateToken, property } from '../template.js'
import { shellCommand } from './shell.js'
import type { JobStep, StepCall } from './step.js'
import { runStepProcess, type StepProcessResult } from './step-process.js'

/** A `run:` script, written to a file and run by its shell. */
export class RunStep implements JobStep {
  constructor(private readonly step: RunStepModel) {}

  async main({
    job,
    index,
    rawStep,
    stepEnv,
    contexts,
    timeoutMs
  }: StepCall): Promise<StepProcessResult> {
    const { file, defaults } = job
    const script = asText(evaluateToken(this.step.run, contexts, file))
    const shellToken = property(rawStep, 'shell')
    const shell = shellToken ? asText(evaluateToken(shellToken, contexts, file)) : defaults.shell
    const dirToken = property(rawStep, 'working-directory')
    const workingDirectory = dirToken
      ? asText(evaluateToken(dirToken, contexts, file))
      : defaults.workingDirectory
    const command = shellCommand(shell, path.join(job.tempDir, `script_${index}`))
    if (typeof command === 'string') throw new Error(`${location(file, shellToken)}: ${command}`)
    writeFileSync(command.scriptFile, script)
    return await runStepProcess({
      ...job.processBase(mainStepCancel(job), timeoutMs),
      command: command.command,
      args: command.args,
      cwd: path.resolve(job.run.options.workspace, workingDirectory ?? '.'),
      env: job.processEnv(stepEnv, {})
    })
  }

  post(): PostStep | undefined {
    return undefined
  }
}

/**
 * A step that runs after the cancel (if: always() / cancelled()) is not cancelled at once;
 * like the post steps, only a second Ctrl-C stops it.
 */
export function mainStepCancel(job: StepCall['job']): StepCall['job']['cancel'] {
  return job.cancel.cancelled ? job.run.force : job.cancel
}
