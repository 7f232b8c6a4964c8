import type { IsoDate } from '../core/calendar.js'
import { blockedLine, gapRefusal } from './catch-up.js'
import { describeRun } from '../core/run-reference.js'
import type { DateBook } from './date-ledger.js'

export interface ClaimRequest {
  book: DateBook
  date: IsoDate
  /** Asked for by date (a dispatch, a backfill), not found owed by a catch-up. */
  explicit: boolean
  force: boolean
  allowGaps: boolean
  /** A blocked date's missing export has landed since it was blocked. */
  landed: boolean
}

export type ClaimStatus = 'run' | 'completed' | 'blocked' | 'refused'

export interface Claim {
  status: ClaimStatus
  /** Run the ingest (false when silver holds the date already: a replayed date). */
  ingest: boolean
  /** The ingest job's flags. */
  allowRewrite: boolean
  allowGaps: boolean
  /** Later completed dates a rewrite of this one replays: marked `replayed` before it. */
  replay: IsoDate[]
  /** One line for the log and the job summary. */
  message: string
}

/**
 * The check a date's first job makes once it holds the date's concurrency group: the ledger
 * may have changed since the run planned its dates (another trigger completed the date, or
 * it became blocked), and a queued or re-run trigger keeps the plan it made before waiting.
 */
export function claimDate(request: ClaimRequest): Claim {
  const { book, date, force, allowGaps } = request
  const entry = book.entry(date)
  const stop = (status: ClaimStatus, message: string): Claim => ({
    status,
    ingest: false,
    allowRewrite: false,
    allowGaps: false,
    replay: [],
    message
  })
  if (force) {
    const replay = book.completedAfter(date)
    const later = replay.length
      ? `; the later dates it replays lose their completion: ${replay.join(', ')}`
      : ''
    return {
      status: 'run',
      ingest: true,
      allowRewrite: true,
      allowGaps,
      replay,
      message: `${date}: processed again on purpose (force)${later}`
    }
  }
  if (book.isCompleted(date)) {
    const by =
      entry?.state === 'completed'
        ? `${date} was completed by ${describeRun(entry.run)} at ${entry.at}`
        : `${date} was completed before this pipeline kept its ledger`
    return stop('completed', `${by}; nothing to do`)
  }
  if (entry?.state === 'blocked' && !request.landed && !request.explicit) {
    return stop('blocked', blockedLine({ date, entry }))
  }
  if (!allowGaps && !book.predecessorReady(date)) return stop('refused', gapRefusal(book, date))
  const run = (ingest: boolean, message: string): Claim => ({
    status: 'run',
    ingest,
    allowRewrite: false,
    allowGaps,
    replay: [],
    message
  })
  if (entry?.state === 'replayed') {
    return run(
      false,
      `${date}: silver was replayed by the rewrite of ${entry.replayed_by ?? 'an earlier date'}; ` +
        'its quality checks and gold are owed (no ingest)'
    )
  }
  if (entry?.state === 'blocked') {
    const why = request.landed ? 'its export has landed since' : 'it was asked for by date'
    return run(true, `${date}: was blocked (${entry.kind ?? 'failure'}); processing it: ${why}`)
  }
  const gaps = allowGaps ? ' (allow-gaps: the dates before it may be skipped)' : ''
  return run(true, `${date}: processing${gaps}`)
}
