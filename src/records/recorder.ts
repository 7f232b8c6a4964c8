import { errorMessage } from '../core/errors.js'
import { redactCredentials } from '../core/redact.js'
import type { Logger } from '../core/log.js'
import type { Lake } from './lake.js'
import { recordKey, RUN_RECORD_SCHEMA_VERSION, type RunRecord, type TaskState } from './record.js'
import type { RecordTarget } from './target.js'

/** What the task adds to its record when it ends. */
export type RecordDetails = Pick<RunRecord, 'message' | 'spark' | 'sensor' | 'quality' | 'rows'>

/**
 * Writes one task's run record: `running` when it starts, its end state when it ends. A
 * re-run of the date overwrites the record (the latest attempt is the one that counts), and
 * only that date's. Writing never fails the task: a failed write is one warning and the
 * task goes on.
 */
export class RunRecorder {
  private readonly startedAt: Date
  private warned = false

  constructor(
    private readonly target: RecordTarget | undefined,
    private readonly lake: Lake | undefined,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date()
  ) {
    this.startedAt = now()
  }

  get enabled(): boolean {
    return Boolean(this.target && this.lake)
  }

  async start(): Promise<void> {
    await this.write('running', {})
  }

  async finish(state: Exclude<TaskState, 'running'>, details: RecordDetails = {}): Promise<void> {
    await this.write(state, details)
  }

  /** The record as it would be written now (exposed for tests and the summary). */
  build(state: TaskState, details: RecordDetails): RunRecord | undefined {
    const { target } = this
    if (!target) return undefined
    const ended = state === 'running' ? undefined : this.now()
    return {
      schema_version: RUN_RECORD_SCHEMA_VERSION,
      pipeline: target.pipeline,
      task: target.task,
      logical_date: target.logicalDate,
      ...(target.run ? { run: target.run } : {}),
      state,
      started_at: this.startedAt.toISOString(),
      ...(ended
        ? {
            ended_at: ended.toISOString(),
            duration_seconds: Math.max(
              0,
              Math.round((ended.getTime() - this.startedAt.getTime()) / 1000)
            )
          }
        : {}),
      ...details,
      // The lake is read by people and the dashboard, where the runner's masking never ran.
      ...(details.message !== undefined ? { message: redactCredentials(details.message) } : {})
    }
  }

  private async write(state: TaskState, details: RecordDetails): Promise<void> {
    const record = this.build(state, details)
    if (!record || !this.lake) return
    const key = recordKey(record.pipeline, record.logical_date, record.task)
    try {
      await this.lake.write(key, `${JSON.stringify(record, null, 2)}\n`)
    } catch (error) {
      // One warning per task: a lake that refused the first write likely refuses the next.
      if (this.warned) return
      this.warned = true
      this.logger.warning(
        `Run record not written to ${this.lake.locate(key)}: ${errorMessage(error).split('\n')[0]}`
      )
    }
  }
}
