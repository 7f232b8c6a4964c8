import { LogicalDateInput } from '../constants/logical-date.js'
import { InputError } from '../core/errors.js'
import { formatIsoDate, parseIsoDate, previousUtcDay, type IsoDate } from '../core/calendar.js'

export interface LogicalDateRequest {
  /** The `date` input of a manual or called run; '' when none was given. */
  date: string
  /** `github.event_name` of the run: schedule, workflow_dispatch, … */
  eventName: string
  /**
   * When the run was created (its event time). A scheduled run processes the day before
   * this, however late the runner picked the job up.
   */
  runCreatedAt?: Date
}

export interface LogicalDate {
  date: IsoDate
  /** `input` when given by hand (dispatch or workflow_call), `run-created` otherwise. */
  source: 'input' | 'run-created'
  /** One sentence for the log and the job summary. */
  explanation: string
}

/**
 * Airflow's data interval, GitHub style: the run of day D processes D-1. A given date is
 * used as is once it is shown to be a real calendar day that is not after the run's day.
 */
export function resolveLogicalDate(request: LogicalDateRequest): LogicalDate {
  const given = request.date.trim()
  if (given) {
    const day = parseIsoDate(given, LogicalDateInput.Date)
    if (request.runCreatedAt && day.getTime() > request.runCreatedAt.getTime()) {
      const today = formatIsoDate(request.runCreatedAt)
      throw new InputError(
        LogicalDateInput.Date,
        `a date that is not after the run's day (${today})`,
        given
      )
    }
    return {
      date: formatIsoDate(day),
      source: 'input',
      explanation: `${formatIsoDate(day)}: the date given to this ${describeEvent(request.eventName)}`
    }
  }
  if (!request.runCreatedAt) {
    throw new InputError(
      LogicalDateInput.RunCreatedAt,
      'the run creation time when no date is given'
    )
  }
  const date = previousUtcDay(request.runCreatedAt)
  return {
    date,
    source: 'run-created',
    explanation:
      `${date}: the UTC day before this ${describeEvent(request.eventName)} was created ` +
      `(${request.runCreatedAt.toISOString()})`
  }
}

function describeEvent(eventName: string): string {
  switch (eventName) {
    case 'schedule':
      return 'scheduled run'
    case 'workflow_dispatch':
      return 'manual run'
    case 'workflow_call':
      return 'called run'
    default:
      return eventName ? `${eventName} run` : 'run'
  }
}
