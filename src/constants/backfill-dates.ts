/** The inputs of backfill-dates/action.yml, by the names the code reads them under. */
export const BackfillDatesInput = {
  Start: 'start',
  End: 'end',
  MaxDays: 'max-days',
  MaxParallel: 'max-parallel'
} as const

/** The outputs backfill-dates/action.yml declares. */
export const BackfillDatesOutput = {
  Dates: 'dates',
  Count: 'count',
  MaxParallel: 'max-parallel'
} as const

export type BackfillDatesOutputName = (typeof BackfillDatesOutput)[keyof typeof BackfillDatesOutput]

/**
 * The defaults the code applies to an empty input: each equals action.yml's (a test compares them).
 */
export const BackfillDatesDefault = {
  MaxDays: 31,
  MaxParallel: 1
} as const
