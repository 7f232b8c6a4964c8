import { CommandProcessor, type Annotation } from '../../local/src/runner/workflow-commands.js'

export interface LogEffects {
  annotations: Annotation[]
  masks: string[]
  outputs: Record<string, string>
  /** The lines a reader sees. */
  printed: string[]
}

/**
 * What the runner makes of a step's output, line by line, with the local runner's parser of
 * workflow commands (stop-commands, add-mask, annotations, the older set-output), which reads
 * them as GitHub's runner does.
 */
export function workflowEffects(output: string): LogEffects {
  const effects: LogEffects = { annotations: [], masks: [], outputs: {}, printed: [] }
  const processor = new CommandProcessor({
    addMask: value => effects.masks.push(value),
    setOutput: (name, value) => (effects.outputs[name] = value),
    saveState: () => undefined,
    setEnv: () => undefined,
    addPath: () => undefined,
    allowUnsecureCommands: false
  })
  for (const line of output.split(/\r?\n/)) {
    const effect = processor.process(line)
    if (effect.kind === 'annotation') effects.annotations.push(effect.annotation)
    if (effect.kind === 'print') effects.printed.push(effect.text)
  }
  return effects
}
