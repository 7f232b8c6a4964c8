import { randomBytes } from 'node:crypto'
import { isDeepStrictEqual } from 'node:util'
import { conflict, notFound, validation } from './api-error.js'

export type ApplicationState = 'CREATED' | 'STARTING' | 'STARTED' | 'STOPPED' | 'TERMINATED'
export type JobRunState =
  'SUBMITTED' | 'RUNNING' | 'SUCCESS' | 'FAILED' | 'CANCELLING' | 'CANCELLED'

export const TERMINAL: ReadonlySet<JobRunState> = new Set(['SUCCESS', 'FAILED', 'CANCELLED'])

/** Where a state may go: the process decides every step after SUBMITTED. */
const NEXT: Record<JobRunState, readonly JobRunState[]> = {
  SUBMITTED: ['RUNNING', 'FAILED', 'CANCELLING', 'CANCELLED'],
  RUNNING: ['SUCCESS', 'FAILED', 'CANCELLING'],
  CANCELLING: ['CANCELLED'],
  SUCCESS: [],
  FAILED: [],
  CANCELLED: []
}

export interface ApplicationSpec {
  id: string
  name: string
  state?: 'CREATED' | 'STARTED'
  releaseLabel?: string
  /** A warm Spark driver for its runs (pre-initialised capacity); default: the service's setting. */
  warm?: boolean
}

export interface LocalApplication {
  id: string
  name: string
  state: ApplicationState
  releaseLabel: string
  createdAt: number
  updatedAt: number
}

export interface SparkSubmitDriver {
  entryPoint: string
  entryPointArguments?: string[]
  sparkSubmitParameters?: string
}

export interface ConfigurationOverridesRequest {
  applicationConfiguration?: Array<{
    classification: string
    properties?: Record<string, string>
    configurations?: unknown[]
  }>
  monitoringConfiguration?: { s3MonitoringConfiguration?: { logUri?: string } } & Record<
    string,
    unknown
  >
}

/** The StartJobRun body, as checked by the HTTP layer. */
export interface StartJobRunRequest {
  clientToken: string
  executionRoleArn: string
  name?: string
  jobDriver: { sparkSubmit: SparkSubmitDriver }
  configurationOverrides?: ConfigurationOverridesRequest
  tags?: Record<string, string>
  executionTimeoutMinutes?: number
}

/** What the local driver holds while it runs: the basis of the utilisation estimate. */
export interface LocalResources {
  vCpus: number
  memoryGb: number
}

export interface LocalJobRun {
  applicationId: string
  jobRunId: string
  request: StartJobRunRequest
  /** The application's, when the run was started. */
  releaseLabel: string
  state: JobRunState
  stateDetails: string
  createdAt: number
  updatedAt: number
  startedAt?: number
  endedAt?: number
  resources?: LocalResources
  /** Live Spark UI of the local driver, while it runs. */
  sparkUiUrl?: string | undefined
}

export type Clock = () => number

/**
 * The service's memory: applications, job runs and the moves between their states. The
 * launcher drives each run through it; the HTTP layer reads and answers from it.
 */
export class JobRunRegistry {
  private readonly applications = new Map<string, LocalApplication>()
  private readonly runs = new Map<string, LocalJobRun>()
  private readonly byClientToken = new Map<string, LocalJobRun>()
  private readonly listeners: Array<(run: LocalJobRun) => void> = []
  private readonly startListeners: Array<(applicationId: string) => void> = []

  constructor(
    specs: readonly ApplicationSpec[],
    private readonly now: Clock = Date.now
  ) {
    for (const spec of specs) {
      if (!/^[0-9a-z]{1,64}$/.test(spec.id)) {
        throw new Error(`application id '${spec.id}': expected 1-64 lowercase letters and digits`)
      }
      if (this.applications.has(spec.id))
        throw new Error(`application id '${spec.id}' is given twice`)
      const at = this.now()
      this.applications.set(spec.id, {
        id: spec.id,
        name: spec.name,
        state: spec.state ?? 'CREATED',
        releaseLabel: spec.releaseLabel ?? 'emr-7.5.0',
        createdAt: at,
        updatedAt: at
      })
    }
  }

  /** Called after every change of a run's state (the launcher listens for new runs). */
  onChange(listener: (run: LocalJobRun) => void): void {
    this.listeners.push(listener)
  }

  /** Called when an application moves to STARTED (StartApplication, or its first run). */
  onApplicationStarted(listener: (applicationId: string) => void): void {
    this.startListeners.push(listener)
  }

  listApplications(): LocalApplication[] {
    return [...this.applications.values()]
  }

  application(applicationId: string): LocalApplication {
    const application = this.applications.get(applicationId)
    if (!application) throw notFound(`Application ${applicationId} does not exist.`)
    return application
  }

  /** Local applications start at once: there is no capacity to provision. */
  startApplication(applicationId: string): void {
    const application = this.application(applicationId)
    if (application.state === 'TERMINATED')
      throw validation(`Application ${applicationId} is TERMINATED and cannot be started.`)
    const starting = application.state !== 'STARTED'
    application.state = 'STARTED'
    application.updatedAt = this.now()
    if (starting) for (const listener of this.startListeners) listener(applicationId)
  }

  /**
   * A new run, or the run an earlier request with the same client token started (as the
   * service does). The same token with a different request is a conflict.
   */
  startJobRun(
    applicationId: string,
    request: StartJobRunRequest
  ): { run: LocalJobRun; created: boolean } {
    const application = this.application(applicationId)
    const tokenKey = `${applicationId}/${request.clientToken}`
    const earlier = this.byClientToken.get(tokenKey)
    if (earlier) {
      if (!isDeepStrictEqual(earlier.request, request)) {
        throw conflict(
          `Client token ${request.clientToken} was already used for a different job run request.`
        )
      }
      return { run: earlier, created: false }
    }
    if (application.state !== 'STARTED' && application.state !== 'CREATED') {
      throw validation(`Application ${applicationId} is ${application.state}: it cannot run jobs.`)
    }
    // A CREATED application starts by itself on its first run, as autoStart does.
    if (application.state === 'CREATED') this.startApplication(applicationId)
    const at = this.now()
    const run: LocalJobRun = {
      applicationId,
      jobRunId: newJobRunId(),
      request,
      releaseLabel: application.releaseLabel,
      state: 'SUBMITTED',
      stateDetails: '',
      createdAt: at,
      updatedAt: at
    }
    this.runs.set(run.jobRunId, run)
    this.byClientToken.set(tokenKey, run)
    this.notify(run)
    return { run, created: true }
  }

  jobRun(applicationId: string, jobRunId: string): LocalJobRun {
    this.application(applicationId)
    const run = this.runs.get(jobRunId)
    if (!run || run.applicationId !== applicationId)
      throw notFound(`Job run ${jobRunId} does not exist on application ${applicationId}.`)
    return run
  }

  /** Newest first, as the service lists them. */
  listJobRuns(
    applicationId: string,
    filter: {
      states?: readonly string[]
      createdAtAfter?: number | undefined
      createdAtBefore?: number | undefined
    } = {}
  ): LocalJobRun[] {
    this.application(applicationId)
    return [...this.runs.values()]
      .filter(run => run.applicationId === applicationId)
      .filter(run => !filter.states?.length || filter.states.includes(run.state))
      .filter(run => filter.createdAtAfter === undefined || run.createdAt >= filter.createdAtAfter)
      .filter(
        run => filter.createdAtBefore === undefined || run.createdAt <= filter.createdAtBefore
      )
      .sort((a, b) => b.createdAt - a.createdAt)
  }

  /** Moves a run on; a move the state machine does not allow is a bug, so it throws. */
  transition(run: LocalJobRun, state: JobRunState, stateDetails = run.stateDetails): void {
    if (!NEXT[run.state].includes(state))
      throw new Error(`job run ${run.jobRunId}: cannot go from ${run.state} to ${state}`)
    const at = this.now()
    run.state = state
    run.stateDetails = stateDetails
    run.updatedAt = at
    if (state === 'RUNNING') run.startedAt = at
    if (TERMINAL.has(state)) run.endedAt = at
    this.notify(run)
  }

  private notify(run: LocalJobRun): void {
    for (const listener of this.listeners) listener(run)
  }
}

/** 16 lowercase hex characters, like the service's IDs. */
function newJobRunId(): string {
  return randomBytes(8).toString('hex')
}
