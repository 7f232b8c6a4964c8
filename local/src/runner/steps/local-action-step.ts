import type { ActionStep } from '@actions/workflow-parser/model/workflow-template'
import { location } from '../errors.js'
import type { JobContext, PostStep } from '../job-context.js'
import { evaluateTextMap, property } from '../template.js'
import { actionInputs, loadLocalAction, type LocalAction } from './local-action.js'
import { mainStepCancel } from './run-step.js'
import type { JobStep, StepCall } from './step.js'
import { runStepProcess, type StepProcessResult } from './step-process.js'

/** A `uses: ./<dir>` Node action: its main now, its post (when it has one) at the job's end. */
export class LocalActionStep implements JobStep {
  private handOver: PostStep | undefined

  constructor(private readonly step: ActionStep) {}

  async main({
    job,
    rawStep,
    name,
    stepEnv,
    contexts,
    timeoutMs
  }: StepCall): Promise<StepProcessResult> {
    const { file, run } = job
    const uses = this.step.uses.value
    const action = loadLocalAction(run.options.workspace, uses)
    if (Array.isArray(action)) {
      const at = location(file, this.step.uses)
      throw new Error(action.map(problem => `${at}: ${problem}`).join('\n'))
    }
    const inputEnv = actionInputs(
      action,
      evaluateTextMap(property(rawStep, 'with'), contexts, file),
      contexts,
      file,
      message => run.reporter.annotation(job.scope.displayId, { level: 'warning', message })
    )
    const { node } = action
    job.log(`Node ${node.version} (runs.using: ${node.using})`)
    if (node.forced) job.forcedNode.add(uses)
    const result = await runStepProcess({
      ...job.processBase(mainStepCancel(job), timeoutMs),
      command: node.executable,
      args: [action.main],
      cwd: run.options.workspace,
      env: job.processEnv(stepEnv, {
        ...inputEnv,
        GITHUB_ACTION: this.step.id,
        GITHUB_ACTION_PATH: action.dir
      })
    })
    if (action.post) this.handOver = postStep(action, name, stepEnv, inputEnv, result.state)
    return result
  }

  post(): PostStep | undefined {
    return this.handOver
  }
}

/**
 * The action's `runs.post` with what its main saved (`STATE_<name>`); only a second Ctrl-C
 * stops it.
 */
function postStep(
  action: LocalAction,
  name: string,
  stepEnv: Record<string, string>,
  inputEnv: Record<string, string>,
  state: Record<string, string>
): PostStep {
  return {
    name,
    postIf: action.postIf,
    stepEnv,
    run: (job: JobContext) => {
      const stateEnv = Object.fromEntries(
        Object.entries(state).map(([key, value]) => [`STATE_${key}`, value])
      )
      return runStepProcess({
        ...job.processBase(job.run.force),
        command: action.node.executable,
        args: [action.post ?? ''],
        cwd: job.run.options.workspace,
        env: job.processEnv(stepEnv, {
          ...inputEnv,
          ...stateEnv,
          GITHUB_ACTION_PATH: action.dir
        })
      })
    }
  }
}
