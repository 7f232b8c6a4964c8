import type { JobRow, Reporter, StepOutcome } from './log.js'
import type { Annotation } from './workflow-commands.js'

/** A job of the run as GitHub's REST API describes it (`GET …/runs/{id}/jobs`). */
export interface JournalJob {
  id: number
  name: string
  status: 'queued' | 'in_progress' | 'completed'
  conclusion: 'success' | 'failure' | 'cancelled' | 'skipped' | null
  started_at: string | null
  completed_at: string | null
  steps: JournalStep[]
  /** What `GET …/check-runs/{id}/annotations` answers for the job. */
  annotations: {
    annotation_level: 'failure' | 'warning' | 'notice'
    message: string
    title?: string
  }[]
}

interface JournalStep {
  number: number
  name: string
  status: 'in_progress' | 'completed'
  conclusion: StepOutcome | null
}

const levels = { error: 'failure', warning: 'warning', notice: 'notice' } as const

/**
 * The run as it goes, kept the way GitHub keeps it for its API: jobs with their steps,
 * conclusions and error annotations. The local GitHub API stand-in answers from it, so an
 * action that reads its own run (notify collects the failed jobs' errors) sees this run.
 */
export class RunJournal {
  private readonly byDisplayId = new Map<string, JournalJob>()

  /** `mask` hides secrets as the runner's log does: annotations reach issue bodies. */
  constructor(
    private readonly firstJobId: number,
    private readonly mask: (text: string) => string = text => text
  ) {}

  get jobs(): JournalJob[] {
    return [...this.byDisplayId.values()]
  }

  job(row: JobRow): void {
    const job = this.jobOf(row.id, row.name)
    job.name = row.name
    const now = new Date().toISOString()
    if (row.state === 'running') {
      job.status = 'in_progress'
      job.started_at ??= now
    } else if (row.state === 'queued' || row.state === 'waiting') {
      job.status = 'queued'
    } else {
      job.status = 'completed'
      job.conclusion = row.state
      job.completed_at ??= now
    }
  }

  stepStarted(jobId: string, step: string): void {
    const job = this.jobOf(jobId)
    job.steps.push({
      number: job.steps.length + 1,
      name: step,
      status: 'in_progress',
      conclusion: null
    })
  }

  stepEnded(jobId: string, step: string, outcome: StepOutcome): void {
    const job = this.jobOf(jobId)
    // A skipped step is reported without a start.
    let entry = job.steps.findLast(
      candidate => candidate.name === step && candidate.status !== 'completed'
    )
    if (!entry) {
      entry = { number: job.steps.length + 1, name: step, status: 'completed', conclusion: null }
      job.steps.push(entry)
    }
    entry.status = 'completed'
    entry.conclusion = outcome
  }

  annotation(jobId: string, annotation: Annotation): void {
    this.jobOf(jobId).annotations.push({
      annotation_level: levels[annotation.level],
      message: this.mask(annotation.message),
      ...(annotation.title ? { title: this.mask(annotation.title) } : {})
    })
  }

  private jobOf(displayId: string, name = displayId): JournalJob {
    let job = this.byDisplayId.get(displayId)
    if (!job) {
      job = {
        id: this.firstJobId + this.byDisplayId.size,
        name,
        status: 'queued',
        conclusion: null,
        started_at: null,
        completed_at: null,
        steps: [],
        annotations: []
      }
      this.byDisplayId.set(displayId, job)
    }
    return job
  }
}

/** The terminal's reporter, with every job, step and annotation also kept in the journal. */
export function journaled(reporter: Reporter, journal: RunJournal): Reporter {
  return {
    job: (row, detail) => {
      journal.job(row)
      reporter.job(row, detail)
    },
    stepStarted: (jobId, step) => {
      journal.stepStarted(jobId, step)
      reporter.stepStarted(jobId, step)
    },
    stepEnded: (jobId, step, outcome, durationMs, note) => {
      journal.stepEnded(jobId, step, outcome)
      reporter.stepEnded(jobId, step, outcome, durationMs, note)
    },
    annotation: (jobId, annotation) => {
      journal.annotation(jobId, annotation)
      reporter.annotation(jobId, annotation)
    },
    line: (jobId, text, depth) => reporter.line(jobId, text, depth),
    debug: (jobId, text) => reporter.debug(jobId, text),
    summary: (jobId, step, markdown) => reporter.summary(jobId, step, markdown),
    note: text => reporter.note(text),
    finish: () => reporter.finish()
  }
}
