import type { Step } from '@actions/workflow-parser/model/workflow-template'
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/index'
import { location } from '../errors.js'
import { LocalActionStep } from './local-action-step.js'
import { RunStep } from './run-step.js'
import { StandInStep } from './stand-in-step.js'
import type { JobStep } from './step.js'

/** The kind of a step, from its shape: `run:`, `uses: ./<dir>`, or `uses: owner/repo@ref`. */
export function createStep(step: Step, rawStep: TemplateToken | undefined, file: string): JobStep {
  if ('run' in step) return new RunStep(step)
  if ('uses' in step && step.uses.value.startsWith('./')) return new LocalActionStep(step)
  if ('uses' in step) return new StandInStep(step)
  throw new Error(
    `${location(file, rawStep)}: this kind of step is not supported by the local runner`
  )
}
