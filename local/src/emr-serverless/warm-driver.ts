import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import type { Readable, Writable } from 'node:stream'

/** The Python side: local/src/emr-serverless/warm_driver.py. */
export const WARM_DRIVER_SCRIPT = path.join(import.meta.dirname, 'warm_driver.py')

export interface WarmDriverOptions {
  python: string
  /** Default: WARM_DRIVER_SCRIPT (the tests' fast lane gives a stand-in of the protocol). */
  script?: string
  /** spark-submit's options for the driver's JVM (master, jars, properties file). */
  sparkSubmitArgs: readonly string[]
  /** The static properties the driver was started with (the same file as in the args). */
  propertiesFile: string
  /** The driver's own folder: its working directory and its logs between runs. */
  folder: string
  env: NodeJS.ProcessEnv
  /**
   * After the driver said a run ended, how long its output may take to pass the end markers
   * (a run that closed its stdout never writes them); default 5 s.
   */
  flushTimeoutMs?: number
}

export interface WarmRunRequest {
  runId: string
  entryPoint: string
  argv: readonly string[]
  pyFiles: readonly string[]
  runDir: string
  conf: Record<string, string>
}

export interface ProcessExit {
  code: number | null
  signal: NodeJS.Signals | null
}

/** How a run given to the warm driver went. */
export type WarmRunOutcome =
  /** Not run: its static conf needs a Spark context of its own. */
  | { kind: 'cold'; reason: string }
  /** Ran; `replace` when the driver cannot take another run (the run stopped its context). */
  | { kind: 'ended'; exitCode: number; replace: boolean }
  /** The driver process ended during the run (a crash, `os._exit`, or killed). */
  | { kind: 'crashed'; exit: ProcessExit }

interface DriverEvent {
  event: string
  runId?: string
  reason?: string
  exitCode?: number
  replace?: boolean
  message?: string
  sparkUiUrl?: string | null
}

interface CurrentRun {
  runId: string
  outputs: { stdout: Writable; stderr: Writable }
  onStarted: () => void
  settle: (outcome: WarmRunOutcome) => void
  ended?: { exitCode: number; replace: boolean }
  /** Each output stream's end marker, once seen. */
  closed: { stdout: boolean; stderr: boolean }
}

/**
 * One warm Spark driver: a Python process (warm_driver.py) holding a Spark context, which
 * runs job runs one at a time in sessions of their own. Commands go to its file descriptor
 * 3 and events come back on 4, as JSON lines; its stdout and stderr are split per run by
 * marker lines (random per driver) into the run's own log files.
 */
export class WarmDriver {
  readonly ready: Promise<{ sparkUiUrl: string | undefined }>
  private readonly child: ChildProcess
  private readonly marker = randomBytes(12).toString('hex')
  private readonly ownLogs: { stdout: WriteStream; stderr: WriteStream }
  private current: CurrentRun | undefined
  private exit: ProcessExit | undefined
  private readonly exited: Promise<ProcessExit>
  private readonly flushTimeoutMs: number

  constructor(options: WarmDriverOptions) {
    this.flushTimeoutMs = options.flushTimeoutMs ?? 5_000
    mkdirSync(options.folder, { recursive: true })
    this.ownLogs = {
      stdout: createWriteStream(path.join(options.folder, 'stdout')),
      stderr: createWriteStream(path.join(options.folder, 'stderr'))
    }
    const script = options.script ?? WARM_DRIVER_SCRIPT
    this.child = spawn(options.python, [script, options.propertiesFile], {
      cwd: options.folder,
      env: {
        ...options.env,
        PYSPARK_SUBMIT_ARGS: [...options.sparkSubmitArgs, 'pyspark-shell'].join(' '),
        WARM_DRIVER_MARKER: this.marker
      },
      // The driver is a group leader: its JVM is in its group, and a kill reaches both.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe']
    })
    this.exited = new Promise(resolve => {
      this.child.once('error', error => {
        this.ownLogs.stderr.write(`warm driver: ${error.message}\n`)
      })
      this.child.once('close', (code, signal) => {
        this.exit = { code, signal }
        resolve(this.exit)
        this.current?.settle({ kind: 'crashed', exit: this.exit })
        this.current = undefined
        this.ownLogs.stdout.end()
        this.ownLogs.stderr.end()
      })
    })
    // A driver that dies resets its channels; its exit is handled on 'close' above.
    for (const channel of [this.child.stdio[3], this.child.stdio[4]]) {
      channel?.on('error', () => undefined)
    }
    this.split('stdout', this.child.stdout!)
    this.split('stderr', this.child.stderr!)
    let onReady: (value: { sparkUiUrl: string | undefined }) => void = () => undefined
    let onFailed: (error: Error) => void = () => undefined
    this.ready = new Promise((resolve, reject) => {
      onReady = resolve
      onFailed = reject
    })
    // Nobody may be waiting yet: a failed start is reported to the run that asks for it.
    this.ready.catch(() => undefined)
    void this.exited.then(exit =>
      onFailed(
        new Error(
          `the warm Spark driver ended before it was ready (exit code ${exit.code ?? exit.signal}); see ${options.folder}/stderr`
        )
      )
    )
    const events = this.child.stdio[4] as Readable
    createInterface({ input: events }).on('line', line => {
      let event: DriverEvent
      try {
        event = JSON.parse(line) as DriverEvent
      } catch {
        return
      }
      if (event.event === 'ready') {
        this.started = true
        onReady({ sparkUiUrl: event.sparkUiUrl ?? undefined })
      } else if (event.event === 'failed')
        onFailed(new Error(`the warm Spark driver did not start: ${event.message ?? ''}`))
      else this.onRunEvent(event)
    })
  }

  /** Said it is ready: warmed up, reading commands. */
  private started = false

  get alive(): boolean {
    return this.exit === undefined
  }

  get busy(): boolean {
    return this.current !== undefined
  }

  /**
   * Runs one job run in the driver; `onStarted` when its entry point starts. Settles once
   * the run ended and its output is in `outputs`, or the process is gone.
   */
  run(
    request: WarmRunRequest,
    outputs: { stdout: Writable; stderr: Writable },
    onStarted: () => void
  ): Promise<WarmRunOutcome> {
    if (!this.alive) return Promise.resolve({ kind: 'crashed', exit: this.exit! })
    if (this.current) throw new Error('the warm driver is running another job run')
    return new Promise(resolve => {
      this.current = {
        runId: request.runId,
        outputs,
        onStarted,
        settle: outcome => {
          this.current = undefined
          resolve(outcome)
        },
        closed: { stdout: false, stderr: false }
      }
      this.send({ command: 'run', ...request })
    })
  }

  /** Asks the driver to cancel the run's Spark jobs (job group and tag). */
  cancel(runId: string): void {
    if (this.current?.runId === runId) this.send({ command: 'cancel', runId })
  }

  /** Kills the driver's process group (its Python and JVM) and waits until it is gone. */
  async kill(): Promise<ProcessExit> {
    if (this.child.pid && this.alive) {
      try {
        process.kill(-this.child.pid, 'SIGKILL')
      } catch {
        // Already gone.
      }
    }
    return this.exited
  }

  /**
   * Ends the driver: its commands channel closes, it returns, its JVM follows. One still
   * warming up holds no run and reads no commands yet: it is killed at once.
   */
  async stop(graceMs: number): Promise<void> {
    if (!this.started) {
      await this.kill()
      return
    }
    const commands = this.child.stdio[3] as Writable | null
    commands?.end()
    const timer = setTimeout(() => void this.kill(), graceMs)
    await this.exited
    clearTimeout(timer)
  }

  private send(command: Record<string, unknown>): void {
    const commands = this.child.stdio[3] as Writable | null
    commands?.write(`${JSON.stringify(command)}\n`)
  }

  private onRunEvent(event: DriverEvent): void {
    const current = this.current
    if (!current || event.runId !== current.runId) return
    if (event.event === 'cold') {
      current.settle({ kind: 'cold', reason: event.reason ?? '' })
    } else if (event.event === 'started') {
      current.onStarted()
    } else if (event.event === 'ended') {
      const ended = { exitCode: event.exitCode ?? 1, replace: event.replace ?? false }
      current.ended = ended
      this.settleWhenFlushed(current)
      setTimeout(() => {
        if (this.current === current) current.settle({ kind: 'ended', ...ended })
      }, this.flushTimeoutMs).unref()
    }
  }

  /** A run is over when the driver said so and both streams passed its end marker. */
  private settleWhenFlushed(current: CurrentRun): void {
    if (current.ended && current.closed.stdout && current.closed.stderr) {
      current.settle({ kind: 'ended', ...current.ended })
    }
  }

  private split(stream: 'stdout' | 'stderr', input: Readable): void {
    let sink: Writable = this.ownLogs[stream]
    createInterface({ input, crlfDelay: Infinity }).on('line', line => {
      if (line.startsWith(this.marker)) {
        const [, what, runId] = line.split(' ')
        const current = this.current
        if (current === undefined || current.runId !== runId) {
          sink = this.ownLogs[stream]
        } else if (what === 'begin') {
          sink = current.outputs[stream]
        } else if (what === 'end') {
          sink = this.ownLogs[stream]
          current.closed[stream] = true
          this.settleWhenFlushed(current)
        }
        return
      }
      sink.write(`${line}\n`)
    })
  }
}
