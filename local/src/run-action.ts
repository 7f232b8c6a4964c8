import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { projectRoot } from './moto.js'
import { group } from '../../src/core/regex.js'

export interface ActionRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  /** What the step saved with saveState, as the post step will see it. */
  state: Record<string, string>
  summary: string
}

export interface RunOptions {
  inputs?: Record<string, string>
  env?: Record<string, string>
  /** State from an earlier main step, given to a post step as STATE_<name>. */
  state?: Record<string, string>
  cwd?: string
  /** Called once the process is up, e.g. to send it SIGINT later. */
  onSpawn?: (kill: (signal: NodeJS.Signals) => void) => void
  timeoutMs?: number
}

/**
 * Runs a bundled action exactly as the runner does: `node dist/<name>/index.js` with
 * INPUT_* variables and GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files, then reads
 * those files back.
 */
export function runAction(name: string, options: RunOptions = {}): Promise<ActionRun> {
  const files = mkdtempSync(path.join(tmpdir(), `action-${name}-`))
  const outputFile = path.join(files, 'output')
  const stateFile = path.join(files, 'state')
  const summaryFile = path.join(files, 'summary')
  for (const file of [outputFile, stateFile, summaryFile]) writeFileSync(file, '')

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    RUNNER_TEMP: files,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STATE: stateFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_REPOSITORY: 'example/pipeline',
    GITHUB_WORKFLOW: 'daily-customer-etl',
    GITHUB_RUN_ID: '1000',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: options.cwd ?? projectRoot,
    ...options.env
  }
  for (const [key, value] of Object.entries(options.inputs ?? {})) {
    env[`INPUT_${key.replace(/ /g, '_').toUpperCase()}`] = value
  }
  for (const [key, value] of Object.entries(options.state ?? {})) env[`STATE_${key}`] = value

  const entry = path.join(projectRoot, 'dist', name, 'index.js')
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry], {
      cwd: options.cwd ?? projectRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', chunk => (stdout += String(chunk)))
    child.stderr.on('data', chunk => (stderr += String(chunk)))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000)
    options.onSpawn?.(signal => child.kill(signal))
    child.on('error', error => {
      rmSync(files, { recursive: true, force: true })
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      try {
        resolve({
          code,
          signal,
          stdout,
          stderr,
          outputs: parseCommandFile(readFileSync(outputFile, 'utf8')),
          state: parseCommandFile(readFileSync(stateFile, 'utf8')),
          summary: readFileSync(summaryFile, 'utf8')
        })
      } finally {
        // Read back: the runner's files (and RUNNER_TEMP) end with the step, as on a runner.
        rmSync(files, { recursive: true, force: true })
      }
    })
  })
}

/** Parses the runner's `name<<delimiter` … `delimiter` blocks (and plain `name=value`). */
export function parseCommandFile(text: string): Record<string, string> {
  const values: Record<string, string> = {}
  const lines = text.split('\n')
  for (let index = 0; index < lines.length; index++) {
    // Both loops stay below lines.length.
    const line = lines[index]!
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [name, delimiter] = [group(heredoc, 1), group(heredoc, 2)]
      const body: string[] = []
      for (index++; index < lines.length && lines[index] !== delimiter; index++) {
        body.push(lines[index]!)
      }
      values[name] = body.join('\n')
    } else if (line.includes('=')) {
      const equals = line.indexOf('=')
      values[line.slice(0, equals)] = line.slice(equals + 1)
    }
  }
  return values
}
