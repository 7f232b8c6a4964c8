import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

/** GitHub's cancel: SIGINT, SIGTERM 7.5 s later, then SIGKILL 2.5 s after that. */
export interface CancelTimings {
  sigtermAfterMs: number
  sigkillAfterMs: number
}
export const githubCancelTimings: CancelTimings = { sigtermAfterMs: 7500, sigkillAfterMs: 2500 }

/** A cancel request that many processes can follow; fired once by Ctrl-C or a timeout. */
export class CancelSignal {
  private listeners: (() => void)[] = []
  private fired = false

  get cancelled(): boolean {
    return this.fired
  }

  cancel(): void {
    if (this.fired) return
    this.fired = true
    for (const listener of this.listeners.splice(0)) listener()
  }

  onCancel(listener: () => void): () => void {
    if (this.fired) {
      listener()
      return () => {}
    }
    this.listeners.push(listener)
    return () => {
      this.listeners = this.listeners.filter(item => item !== listener)
    }
  }
}

/**
 * Ctrl-C as GitHub's cancel button: the first SIGINT cancels the run, a second one stops the
 * post steps too. Returns the two signals and a function that unhooks the handler.
 */
export function cancelOnInterrupt(write: (text: string) => void): {
  cancel: CancelSignal
  force: CancelSignal
  release: () => void
} {
  const cancel = new CancelSignal()
  const force = new CancelSignal()
  const onInterrupt = (): void => {
    if (!cancel.cancelled) {
      write('\nCancelling the run (Ctrl-C again to stop the post steps too)\n')
      cancel.cancel()
    } else force.cancel()
  }
  process.on('SIGINT', onInterrupt)
  return { cancel, force, release: () => process.off('SIGINT', onInterrupt) }
}

export interface ProcessRequest {
  command: string
  args: string[]
  cwd: string
  env: Record<string, string>
  onLine: (line: string) => void
  cancel: CancelSignal
  timeoutMs?: number | undefined
  timings?: CancelTimings | undefined
}

export interface ProcessResult {
  exitCode: number | null
  signal: NodeJS.Signals | null
  /** Why it ended: by itself, cancelled (Ctrl-C, the job's timeout) or the step's timeout. */
  ending: 'exited' | 'cancelled' | 'timed-out'
  /** The signals sent, in order (shown in the log; the Ctrl-C tests read them). */
  signalsSent: NodeJS.Signals[]
}

/**
 * Runs one step's process in its own process group, so that a cancel reaches what it started
 * too (spark-submit under a shell), with each line of stdout and stderr handed on as it comes.
 */
export function runProcess(request: ProcessRequest): Promise<ProcessResult> {
  const timings = request.timings ?? githubCancelTimings
  return new Promise((resolve, reject) => {
    const child = spawn(request.command, request.args, {
      cwd: request.cwd,
      env: request.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true
    })
    const signalsSent: NodeJS.Signals[] = []
    const timers: NodeJS.Timeout[] = []
    let ending: ProcessResult['ending'] = 'exited'
    let exited = false

    const send = (signal: NodeJS.Signals): void => {
      if (exited || child.pid === undefined) return
      signalsSent.push(signal)
      try {
        process.kill(-child.pid, signal)
      } catch {
        // The group is gone already.
      }
    }
    const stop = (why: ProcessResult['ending']): void => {
      if (ending !== 'exited' || exited) return
      ending = why
      send('SIGINT')
      timers.push(
        setTimeout(() => {
          send('SIGTERM')
          timers.push(setTimeout(() => send('SIGKILL'), timings.sigkillAfterMs))
        }, timings.sigtermAfterMs)
      )
    }
    const forget = request.cancel.onCancel(() => stop('cancelled'))
    if (request.timeoutMs !== undefined) {
      timers.push(setTimeout(() => stop('timed-out'), request.timeoutMs))
    }

    let openStreams = 2
    let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined
    let done = false
    const finish = (): void => {
      if (done || openStreams > 0 || !exitInfo) return
      done = true
      for (const timer of timers) clearTimeout(timer)
      forget()
      resolve({ exitCode: exitInfo.code, signal: exitInfo.signal, ending, signalsSent })
    }
    for (const stream of [child.stdout, child.stderr]) {
      const lines = createInterface({ input: stream, crlfDelay: Infinity })
      lines.on('line', request.onLine)
      lines.on('close', () => {
        openStreams--
        finish()
      })
    }
    child.on('error', error => {
      for (const timer of timers) clearTimeout(timer)
      forget()
      reject(error)
    })
    child.on('exit', (code, signal) => {
      exited = true
      exitInfo = { code, signal }
      // A background process the step left behind may hold the pipes open: do not wait on it.
      timers.push(
        setTimeout(() => {
          openStreams = 0
          child.stdout.destroy()
          child.stderr.destroy()
          finish()
        }, 2000)
      )
      finish()
    })
  })
}
