import {
  GetApplicationCommand,
  ListApplicationsCommand,
  StartApplicationCommand,
  type Application,
  type ApplicationSummary,
  type EMRServerlessClient
} from '@aws-sdk/client-emr-serverless'
import { abortable } from '../core/aws-request.js'
import { errorName, UserError } from '../core/errors.js'
import type { Logger } from '../core/log.js'
import type { Clock } from '../core/sleep.js'
import { pollDelay } from './waiter.js'

const ID = /^[0-9a-z]{1,64}$/

/**
 * The application the `application` input names: an ID as is, or a name matched exactly
 * (one clear error when none or several applications carry it).
 */
export async function resolveApplication(
  emr: EMRServerlessClient,
  reference: string
): Promise<Application | ApplicationSummary> {
  if (ID.test(reference)) {
    try {
      const { application } = await emr.send(
        new GetApplicationCommand({ applicationId: reference })
      )
      if (application) return application
    } catch (error) {
      // Not an ID after all (or not one that exists): try it as a name.
      if (!['ResourceNotFoundException', 'ValidationException'].includes(errorName(error)))
        throw error
    }
  }
  const matches: ApplicationSummary[] = []
  let nextToken: string | undefined
  do {
    const page = await emr.send(new ListApplicationsCommand({ nextToken }))
    for (const application of page.applications ?? []) {
      if (application.name === reference && application.state !== 'TERMINATED')
        matches.push(application)
    }
    nextToken = page.nextToken
  } while (nextToken)
  const [only, ...others] = matches
  if (!only) {
    throw new UserError(
      `Application '${reference}': no EMR Serverless application has this ID or name in this account and region`
    )
  }
  if (others.length > 0) {
    throw new UserError(
      `Application '${reference}': ${matches.length} applications have this name (${matches.map(app => app.id).join(', ')}); give the application ID instead`
    )
  }
  return only
}

export interface StartApplicationOptions {
  clock: Clock
  logger: Logger
  timeoutMs: number
  pollMinMs: number
  pollMaxMs: number
  random?: () => number
  signal?: AbortSignal | undefined
}

/**
 * Makes sure the application is STARTED: starts it when CREATED or STOPPED and waits while
 * it is CREATING, STARTING or STOPPING. A TERMINATED application cannot run jobs.
 */
export async function ensureApplicationStarted(
  emr: EMRServerlessClient,
  applicationId: string,
  {
    clock,
    logger,
    timeoutMs,
    pollMinMs,
    pollMaxMs,
    random = Math.random,
    signal
  }: StartApplicationOptions
): Promise<void> {
  const started = clock.now()
  let startRequested = false
  /** Set once the application left CREATED/STOPPED after our StartApplication. */
  let startSeen = false
  let lastState: string | undefined
  for (let poll = 0; ; poll++) {
    const { application } = await emr.send(
      new GetApplicationCommand({ applicationId }),
      abortable(signal)
    )
    const state = application?.state ?? 'UNKNOWN'
    if (state !== lastState && lastState !== undefined)
      logger.info(`Application ${applicationId}: ${state}`)
    lastState = state
    if (state === 'STARTED') return
    if (state === 'TERMINATED') {
      throw new UserError(
        `Application ${applicationId} is TERMINATED and cannot run jobs: use another application`
      )
    }
    const idle = state === 'CREATED' || state === 'STOPPED'
    if (startRequested && !idle) startSeen = true
    if (idle && startSeen) {
      // The start failed (no capacity, no free IP in the subnets, ...): it will not start by
      // itself, so waiting out the wait timeout would only delay the same failure by hours.
      const details = application?.stateDetails ? `: ${application.stateDetails}` : ''
      throw new UserError(
        `Application ${applicationId} went back to ${state} while starting${details}`
      )
    }
    if (idle && !startRequested) {
      logger.info(`Application ${applicationId} is ${state}: starting it`)
      await emr.send(new StartApplicationCommand({ applicationId }), abortable(signal))
      startRequested = true
    }
    if (clock.now() - started > timeoutMs) {
      throw new UserError(
        `Application ${applicationId} did not reach STARTED (still ${state}) within the wait timeout`
      )
    }
    await clock.sleep(pollDelay(poll, pollMinMs, pollMaxMs, random), signal)
  }
}
