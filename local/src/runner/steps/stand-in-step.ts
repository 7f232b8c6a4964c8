import type { ActionStep } from '@actions/workflow-parser/model/workflow-template'
import type { PostStep } from '../job-context.js'
import { evaluateTextMap, property } from '../template.js'
import { actionName, remoteLabel, standInFor } from './remote-actions.js'
import { nothingWritten, type JobStep, type StepCall } from './step.js'
import type { StepProcessResult } from './step-process.js'

/**
 * A remote action (`uses: owner/repo@ref`): its local stand-in when there is one, which
 * exports to the later steps as the real action would; else skipped with one line.
 */
export class StandInStep implements JobStep {
  constructor(private readonly step: ActionStep) {}

  main({ job, rawStep, contexts }: StepCall): Promise<StepProcessResult> {
    const uses = this.step.uses.value
    const standIn = standInFor(uses)
    const inputs = evaluateTextMap(property(rawStep, 'with'), contexts, job.file)
    if (standIn) {
      const done = standIn({ inputs, hostEnv: job.run.options.hostEnv })
      for (const secret of done.secrets) job.run.masker.add(secret)
      Object.assign(job.addedEnv, done.env)
      job.log(`local stand-in for ${actionName(uses)}: ${done.note}`)
    } else {
      job.log(`skipped: no local stand-in for ${remoteLabel(uses)} (--strict makes this an error)`)
    }
    return Promise.resolve(nothingWritten())
  }

  post(): PostStep | undefined {
    return undefined
  }
}
