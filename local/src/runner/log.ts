import { formatDuration } from '../../../src/core/duration.js'
import type { Masker } from './masker.js'
import { markdownAsText } from './summary-text.js'
import type { Annotation } from './workflow-commands.js'

export type JobState =
  'queued' | 'waiting' | 'running' | 'success' | 'failure' | 'cancelled' | 'skipped'
export type StepOutcome = 'success' | 'failure' | 'cancelled' | 'skipped'

const stateWords: Record<JobState, string> = {
  queued: 'queued',
  waiting: 'waiting',
  running: 'running',
  success: 'passed',
  failure: 'failed',
  cancelled: 'cancelled',
  skipped: 'skipped'
}

export interface JobRow {
  id: string
  name: string
  state: JobState
  durationMs?: number
}

/** What the runner tells the person at the terminal. Every text goes through the masker. */
export interface Reporter {
  job(row: JobRow, detail?: string): void
  stepStarted(jobId: string, step: string): void
  stepEnded(
    jobId: string,
    step: string,
    outcome: StepOutcome,
    durationMs: number,
    note?: string
  ): void
  line(jobId: string, text: string, depth: number): void
  debug(jobId: string, text: string): void
  annotation(jobId: string, annotation: Annotation): void
  summary(jobId: string, step: string, markdown: string): void
  note(text: string): void
  /** The job summaries, the annotations and the table of every job reported. */
  finish(): void
}

/** Log4j lines from Spark (INFO/WARN chatter) are only shown with --verbose. */
const sparkChatter = /^\d{2}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} (INFO|WARN|DEBUG) /

export class TextReporter implements Reporter {
  private readonly summaries: { jobId: string; step: string; markdown: string }[] = []
  private readonly annotations: { jobId: string; annotation: Annotation }[] = []
  private readonly rows = new Map<string, JobRow>()

  constructor(
    private readonly write: (text: string) => void,
    private readonly masker: Masker,
    private readonly verbose = false
  ) {}

  private out(text: string): void {
    this.write(`${this.masker.mask(text)}\n`)
  }

  job(row: JobRow, detail?: string): void {
    // A job line is printed when the job changes, not each time someone reports it.
    const last = this.rows.get(row.id)
    if (last && last.state === row.state) return
    this.rows.set(row.id, { ...row })
    const duration = row.durationMs === undefined ? '' : ` in ${formatDuration(row.durationMs)}`
    const label = row.name === row.id ? row.id : `${row.id} (${row.name})`
    this.out(`● ${label}: ${stateWords[row.state]}${duration}${detail ? ` — ${detail}` : ''}`)
  }

  stepStarted(jobId: string, step: string): void {
    this.out(`  ${jobId} ▸ ${step}`)
  }

  stepEnded(
    jobId: string,
    step: string,
    outcome: StepOutcome,
    durationMs: number,
    note?: string
  ): void {
    if (outcome === 'success' && !note) return
    const word = outcome === 'success' ? 'passed' : outcome === 'failure' ? 'failed' : outcome
    this.out(
      `  ${jobId} ▸ ${step}: ${word} (${formatDuration(durationMs)})${note ? ` — ${note}` : ''}`
    )
  }

  line(jobId: string, text: string, depth: number): void {
    if (!this.verbose && sparkChatter.test(text)) return
    this.out(`  ${jobId} │ ${'  '.repeat(depth)}${text}`)
  }

  debug(jobId: string, text: string): void {
    if (this.verbose) this.out(`  ${jobId} │ debug: ${text}`)
  }

  annotation(jobId: string, annotation: Annotation): void {
    this.annotations.push({ jobId, annotation })
    const where = annotation.file
      ? ` (${annotation.file}${annotation.line ? `:${annotation.line}` : ''})`
      : ''
    const title = annotation.title ? `${annotation.title}: ` : ''
    this.out(`  ${jobId} │ ${annotation.level}${where}: ${title}${annotation.message}`)
  }

  summary(jobId: string, step: string, markdown: string): void {
    this.summaries.push({ jobId, step, markdown })
  }

  note(text: string): void {
    this.out(text)
  }

  finish(): void {
    const rows = [...this.rows.values()]
    for (const { jobId, step, markdown } of this.summaries) {
      this.out(`\n── Job summary: ${jobId} › ${step} ──`)
      this.out(markdownAsText(markdown))
    }
    const errors = this.annotations.filter(({ annotation }) => annotation.level !== 'notice')
    if (errors.length > 0) {
      this.out('\n── Annotations ──')
      for (const { jobId, annotation } of errors) {
        this.out(`${annotation.level} in ${jobId}: ${annotation.message}`)
      }
    }
    this.out('\n── Jobs ──')
    const width = Math.max(3, ...rows.map(row => row.id.length))
    for (const row of rows) {
      const duration = row.durationMs === undefined ? '' : formatDuration(row.durationMs)
      this.out(`${row.id.padEnd(width)}  ${stateWords[row.state].padEnd(9)}  ${duration}`)
    }
  }
}
