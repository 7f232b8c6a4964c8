import path from 'node:path'
import { runWorkflowFile, type RunRequest, type RunResult } from '../../../local/src/runner/run.js'

export const projectRoot = path.resolve(import.meta.dirname, '..', '..', '..')

export interface Captured extends RunResult {
  output: string
}

/** Runs a fixture workflow through the runner and keeps everything it printed. */
export async function runFixture(
  workflow: string,
  overrides: Partial<RunRequest> = {}
): Promise<Captured> {
  const printed: string[] = []
  const result = await runWorkflowFile({
    workspace: projectRoot,
    workflowFile: path.join(projectRoot, workflow),
    event: 'workflow_dispatch',
    inputs: {},
    vars: {},
    secrets: {},
    strict: false,
    verbose: false,
    dryRun: false,
    maxParallel: 2,
    hostEnv: process.env,
    write: text => {
      printed.push(text)
      if (process.env.RUNNER_TEST_ECHO) process.stderr.write(text)
    },
    ...overrides
  })
  return { ...result, output: printed.join('') }
}

/** The lines a job's steps printed, without the job prefix. */
export function jobLines(output: string, jobId: string): string[] {
  const prefix = `  ${jobId} │ `
  return output
    .split('\n')
    .filter(line => line.startsWith(prefix))
    .map(line => line.slice(prefix.length))
}
