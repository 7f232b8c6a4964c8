import type { IsoDate } from '../core/calendar.js'
import { errorMessage } from '../core/errors.js'
import type { GitHubRequest, Repository } from '../core/github-rest.js'
import type { Logger } from '../core/log.js'
import type { RunLink } from '../core/run-reference.js'
import { notify, type NotifyResult } from '../notify/notify.js'
import type { WebhookOptions } from '../notify/webhook.js'
import { blockedLine, describeDates } from './catch-up.js'
import type { DateBook } from './date-ledger.js'
import { deadlineOf, formatTimeOfDay, watchDates, type TimeOfDay, type Watch } from './watchdog.js'
import {
  dispatchWorkflow,
  enableWorkflow,
  isPublicRepository,
  workflowState
} from './workflows-api.js'

export interface WatchdogOptions {
  request: GitHubRequest
  repository: Repository
  book: DateBook
  now: Date
  sla: TimeOfDay
  days: number
  pipeline: string
  /** The daily workflow's file, dispatched to catch up. */
  workflow: string
  /** Scheduled workflows kept enabled in a public repository (the daily one is always). */
  keepEnabled: readonly string[]
  /** The branch a dispatch runs on. */
  ref: string
  dispatch: boolean
  label: string
  webhookUrl: string
  run: RunLink
  logger: Logger
  webhook?: WebhookOptions
}

export interface WatchdogResult {
  watch: Watch
  /** The daily workflow's state as the run found it. */
  state: string
  /** Workflows this run called enable on. */
  enabled: string[]
  dispatched: boolean
  alert?: NotifyResult
  /** What a person should read: one line each. */
  lines: string[]
  /** Whether something is wrong (overdue dates, a disabled workflow). */
  failing: boolean
}

/**
 * The watchdog's round: checks that every recent date completed by its SLA, alerts on the
 * pipeline's failure issue (a blocked date once per streak) and the webhook, dispatches a
 * catch-up, and keeps the scheduled workflows from being disabled. Each part is tried even
 * when another failed; what failed is in `lines`.
 */
export async function runWatchdog(options: WatchdogOptions): Promise<WatchdogResult> {
  const { request, repository, logger } = options
  const lines: string[] = []
  const watch = watchDates(options)
  const deadline = (date: IsoDate): string =>
    `${formatTimeOfDay(options.sla)} UTC on ${deadlineOf(date, options.sla).toISOString().slice(0, 10)}`

  let state = 'unknown'
  try {
    state = await workflowState(request, repository, options.workflow)
  } catch (error) {
    lines.push(`Could not read the state of ${options.workflow}: ${errorMessage(error)}`)
  }
  const enabled: string[] = []
  let isPublic = false
  try {
    isPublic = await isPublicRepository(request, repository)
  } catch (error) {
    lines.push(`Could not read whether the repository is public: ${errorMessage(error)}`)
  }
  let disabled = state !== 'active' && state !== 'unknown'
  if (disabled) {
    lines.push(
      `${options.workflow} is ${state}: its schedules do not run, and nothing processes the dates until it is enabled`
    )
  }
  if (isPublic) {
    // GitHub disables a public repository's schedules after 60 days without activity. Calling
    // enable before that keeps them on: what keepalive tools do; GitHub does not document it.
    const keep = [...new Set([options.workflow, ...options.keepEnabled])]
    for (const workflow of keep) {
      const own = workflow === options.workflow
      if (own && disabled && state !== 'disabled_inactivity') continue
      try {
        await enableWorkflow(request, repository, workflow)
        enabled.push(workflow)
        if (own && disabled) {
          lines.push(`Enabled ${workflow} again (it was ${state})`)
          disabled = false
        }
      } catch (error) {
        lines.push(`Could not keep ${workflow} enabled: ${errorMessage(error)}`)
      }
    }
  }

  const missing = watch.overdue.map(date =>
    date === watch.blocked?.date
      ? `${date}: ${blockedLine(watch.blocked)}`
      : `${date}: not completed by its SLA (${deadline(date)})`
  )
  if (watch.overdue.length === 0) {
    const upTo = watch.checked.at(-1)
    lines.push(
      upTo
        ? `Every date up to ${upTo} has completed (${watch.checked.length} checked)`
        : 'No date is past its SLA yet'
    )
  } else {
    lines.push(`Overdue: ${describeDates(watch.overdue)}`)
  }
  if (watch.notYetDue) {
    lines.push(`${watch.notYetDue} is not due yet (its SLA is ${deadline(watch.notYetDue)})`)
  }

  let dispatched = false
  if (watch.overdue.length && !watch.blocked && options.dispatch && !disabled) {
    try {
      await dispatchWorkflow(request, repository, options.workflow, options.ref, {})
      dispatched = true
      lines.push(`Dispatched ${options.workflow} on ${options.ref} to catch up`)
    } catch (error) {
      lines.push(`Could not dispatch ${options.workflow}: ${errorMessage(error)}`)
    }
  } else if (watch.blocked) {
    lines.push(`Not dispatched: a catch-up would stop at the blocked ${watch.blocked.date}`)
  }

  const failing = watch.overdue.length > 0 || disabled
  let alert: NotifyResult | undefined
  if (failing) {
    const details = [...missing, ...(disabled ? [lines[0]!] : [])]
    const first = watch.overdue[0]
    const label =
      watch.overdue.length > 1
        ? `${watch.overdue[0]} … ${watch.overdue.at(-1)}`
        : (first ?? `the ${options.workflow} workflow`)
    alert = await notify(request, {
      repository,
      outcome: {
        status: 'failure',
        pipeline: options.pipeline,
        logicalDate: label,
        failedJobs: [],
        errorExcerpt: '',
        run: options.run,
        details,
        // A blocked date or a disabled workflow is told once per streak; an overdue date
        // that a dispatch may still catch up is told every round.
        ...(watch.blocked
          ? { oncePerStreak: `blocked ${watch.blocked.date}` }
          : disabled
            ? { oncePerStreak: `${options.workflow} ${state}` }
            : {})
      },
      label: options.label,
      webhookUrl: options.webhookUrl,
      logger,
      ...(options.webhook ? { webhook: options.webhook } : {})
    })
  }
  return { watch, state, enabled, dispatched, ...(alert ? { alert } : {}), lines, failing }
}
