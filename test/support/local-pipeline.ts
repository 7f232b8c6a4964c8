import { spawn } from 'node:child_process'
import { projectRoot } from '../../local/src/moto.js'

/**
 * `npm run pipeline -- <argv>` as a terminal runs it, once set up (scripts/local-pipeline.ts):
 * the real daily workflow file through the local runner, the real action bundles, moto as S3
 * and the local EMR Serverless. `onOutput` sees the output so far after each chunk, with a
 * Ctrl-C at hand.
 */
export function runLocalPipeline(
  argv: string[],
  onOutput?: (output: string, interrupt: () => void) => void
): Promise<{ code: number; output: string }> {
  return new Promise(resolve => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/local-pipeline.ts', ...argv],
      {
        cwd: projectRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
        // A process group of its own, as a terminal's foreground job is.
        detached: true
      }
    )
    // Ctrl-C at a terminal: SIGINT to every process of the foreground group.
    const interrupt = (): void => {
      if (child.pid) process.kill(-child.pid, 'SIGINT')
    }
    let output = ''
    const take = (chunk: unknown): void => {
      output += String(chunk)
      onOutput?.(output, interrupt)
    }
    child.stdout.on('data', take)
    child.stderr.on('data', take)
    child.on('close', code => resolve({ code: code ?? 1, output }))
  })
}
