import { addDays, isIsoDate, type IsoDate } from '../core/calendar.js'
import { runReference, type RunReference } from '../core/run-reference.js'
import type { Lake } from '../records/lake.js'
import { recordKey, RUNS_FOLDER, type RunRecord } from '../records/record.js'

/**
 * The ledger of a pipeline's logical dates: one small JSON document per date that says it
 * is completed (its last task succeeded), blocked (it fails the same way every time) or
 * replayed (a rewrite of an earlier date rebuilt its silver: its quality and gold are owed
 * again). Every trigger reads it before any work; only the date's own run writes it, and
 * only after its outcome is known. Layout and schema: docs/operations.md, "When GitHub's
 * schedule is late or dropped".
 *
 *   <lake>/_pipeline/dates/<pipeline>/<ds>.json
 */
export const LEDGER_SCHEMA_VERSION = 1 as const
export const DATES_FOLDER = '_pipeline/dates'

export type DateState = 'completed' | 'blocked' | 'replayed'
const DATE_STATES: readonly DateState[] = ['completed', 'blocked', 'replayed']

/** Why a date is blocked: the failures that a re-run repeats. */
export type BlockKind = 'refusal' | 'quality' | 'data-missing'
const BLOCK_KINDS: readonly BlockKind[] = ['refusal', 'quality', 'data-missing']

/** The workflow run that wrote a ledger entry. */
export interface LedgerRun extends RunReference {
  event?: string
}

export interface DateEntry {
  schema_version: typeof LEDGER_SCHEMA_VERSION
  pipeline: string
  logical_date: IsoDate
  state: DateState
  /** When the state was written (ISO 8601 UTC). */
  at: string
  run?: LedgerRun
  /** blocked: which failure, in which task, and why in one line. */
  kind?: BlockKind
  task?: string
  reason?: string
  /** replayed: the earlier date whose rewrite replayed this one. */
  replayed_by?: IsoDate
}

export const ledgerKey = (pipeline: string, date: IsoDate): string =>
  `${DATES_FOLDER}/${pipeline}/${date}.json`

/** A ledger entry as read from the lake: untrusted until every field has been checked. */
export function parseDateEntry(text: string, pipeline: string, date: IsoDate): DateEntry {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    throw new Error('not valid JSON')
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error('not an object')
  const entry = data as Record<string, unknown>
  if (entry.schema_version !== LEDGER_SCHEMA_VERSION) {
    throw new Error(`schema_version ${JSON.stringify(entry.schema_version)}, not 1`)
  }
  if (entry.pipeline !== pipeline || entry.logical_date !== date) {
    throw new Error(`names ${String(entry.pipeline)} ${String(entry.logical_date)}, not its key`)
  }
  if (!DATE_STATES.includes(entry.state as DateState)) {
    throw new Error(`state ${JSON.stringify(entry.state)} is none of ${DATE_STATES.join(', ')}`)
  }
  if (typeof entry.at !== 'string' || Number.isNaN(Date.parse(entry.at))) {
    throw new Error('no valid time in "at"')
  }
  if (entry.kind !== undefined && !BLOCK_KINDS.includes(entry.kind as BlockKind)) {
    throw new Error(`kind ${JSON.stringify(entry.kind)} is none of ${BLOCK_KINDS.join(', ')}`)
  }
  const text_ = (value: unknown): string | undefined =>
    typeof value === 'string' ? value.slice(0, 2000) : undefined
  const run = entry.run as Record<string, unknown> | undefined
  const task = text_(entry.task)
  const reason = text_(entry.reason)
  return {
    schema_version: LEDGER_SCHEMA_VERSION,
    pipeline,
    logical_date: date,
    state: entry.state as DateState,
    at: entry.at,
    ...(run && typeof run === 'object' && typeof run.id === 'string'
      ? {
          run: {
            id: run.id,
            attempt: Number.isSafeInteger(run.attempt) ? Number(run.attempt) : 1,
            ...(typeof run.url === 'string' && /^https?:\/\//.test(run.url)
              ? { url: run.url }
              : {}),
            ...(run.local === true ? { local: true } : {}),
            ...(typeof run.event === 'string' ? { event: run.event } : {})
          }
        }
      : {}),
    ...(entry.kind ? { kind: entry.kind as BlockKind } : {}),
    ...(task ? { task } : {}),
    ...(reason ? { reason } : {}),
    ...(typeof entry.replayed_by === 'string' && isIsoDate(entry.replayed_by)
      ? { replayed_by: entry.replayed_by }
      : {})
  }
}

/**
 * Every date the ledger knows, read from the lake. An entry that cannot be read as one is
 * left out with a warning: the date then counts as owed, and processing a date again is
 * safe (every job is idempotent), while trusting a broken "completed" is not.
 */
export async function readLedger(
  lake: Lake,
  pipeline: string,
  warn: (message: string) => void
): Promise<Map<IsoDate, DateEntry>> {
  const folder = `${DATES_FOLDER}/${pipeline}/`
  const ledger = new Map<IsoDate, DateEntry>()
  for (const key of await lake.list(folder)) {
    const date = key.slice(folder.length).replace(/\.json$/, '')
    if (!key.endsWith('.json') || !isIsoDate(date)) continue
    const text = await lake.read(key)
    if (text === undefined) continue
    try {
      ledger.set(date, parseDateEntry(text, pipeline, date))
    } catch (error) {
      warn(`${lake.locate(key)} is not a ledger entry (${(error as Error).message}); ignored`)
    }
  }
  return ledger
}

export async function writeDateEntry(lake: Lake, entry: DateEntry): Promise<void> {
  await lake.write(
    ledgerKey(entry.pipeline, entry.logical_date),
    `${JSON.stringify(entry, null, 2)}\n`
  )
}

/** What marks a date completed in a lake written before the ledger existed. */
export interface LegacyEvidence {
  /** The task whose `success` run record marks the date (the pipeline's last task). */
  task: string
  /** Keys that must exist too, `{date}` standing for the date (the task's output marker). */
  markers: string[]
}

/**
 * The newest date a lake from before the ledger completed: the newest date whose last task
 * left a `success` run record and whose output markers exist. Earlier dates of such a lake
 * count as completed: its ingest refused to skip a date, so they ran in order.
 */
export async function legacyLastCompleted(
  lake: Lake,
  pipeline: string,
  evidence: LegacyEvidence
): Promise<IsoDate | undefined> {
  const folder = `${RUNS_FOLDER}/${pipeline}/`
  const dates = (await lake.list(folder))
    .filter(key => key.endsWith(`/${evidence.task}.json`))
    .map(key => /^date=(\d{4}-\d{2}-\d{2})\//.exec(key.slice(folder.length))?.[1])
    .filter((date): date is IsoDate => date !== undefined && isIsoDate(date))
    .sort()
    .reverse()
  // The newest few are enough: a lake whose latest runs all failed is caught up from there.
  for (const date of dates.slice(0, 14)) {
    const text = await lake.read(recordKey(pipeline, date, evidence.task))
    let record: Partial<RunRecord> | undefined
    try {
      record = text ? (JSON.parse(text) as Partial<RunRecord>) : undefined
    } catch {
      record = undefined
    }
    if (record?.state !== 'success') continue
    const markers = await Promise.all(
      evidence.markers.map(marker => exists(lake, marker.replaceAll('{date}', date)))
    )
    if (markers.every(Boolean)) return date
  }
  return undefined
}

/** By listing its folder: a marker's presence needs no read access to the data beside it. */
async function exists(lake: Lake, key: string): Promise<boolean> {
  const folder = key.slice(0, key.lastIndexOf('/') + 1)
  return (await lake.list(folder)).includes(key)
}

/**
 * What the pipeline's dates look like to a trigger: the ledger, with a lake from before the
 * ledger read through its legacy evidence.
 */
export class DateBook {
  constructor(
    readonly pipeline: string,
    readonly entries: ReadonlyMap<IsoDate, DateEntry>,
    /** The newest date a pre-ledger lake completed (undefined when none or not looked for). */
    readonly legacyLast?: IsoDate
  ) {}

  entry(date: IsoDate): DateEntry | undefined {
    return this.entries.get(date)
  }

  isCompleted(date: IsoDate): boolean {
    const entry = this.entries.get(date)
    if (entry) return entry.state === 'completed'
    return this.legacyLast !== undefined && date <= this.legacyLast
  }

  /** The newest completed date; the legacy evidence only counts when no entry is newer. */
  lastCompleted(): IsoDate | undefined {
    const completed = [...this.entries.values()]
      .filter(entry => entry.state === 'completed')
      .map(entry => entry.logical_date)
      .sort()
    const newest = completed.at(-1)
    if (this.legacyLast && (!newest || this.legacyLast > newest)) return this.legacyLast
    return newest
  }

  /** Whether any date before `date` was ever processed (its first date has none). */
  hasEarlierDates(date: IsoDate): boolean {
    if (this.legacyLast !== undefined && this.legacyLast < date) return true
    return [...this.entries.keys()].some(known => known < date)
  }

  /** May `date` be processed: the day before it has completed, or it is the lake's first. */
  predecessorReady(date: IsoDate): boolean {
    const previous = addDays(date, -1)
    return this.isCompleted(previous) || !this.hasEarlierDates(date)
  }

  /** Dates after `date` that count as completed (a rewrite of `date` replays them). */
  completedAfter(date: IsoDate): IsoDate[] {
    const dates = new Set<IsoDate>()
    for (const entry of this.entries.values()) {
      if (entry.logical_date > date && entry.state === 'completed') dates.add(entry.logical_date)
    }
    if (this.legacyLast && this.legacyLast > date) {
      for (let day = addDays(date, 1); day <= this.legacyLast; day = addDays(day, 1)) {
        if (!this.entries.has(day)) dates.add(day)
      }
    }
    return [...dates].sort()
  }
}

/** Reads the ledger (and, when given, the legacy evidence) of one pipeline. */
export async function openDateBook(
  lake: Lake,
  pipeline: string,
  legacy: LegacyEvidence | undefined,
  warn: (message: string) => void
): Promise<DateBook> {
  const entries = await readLedger(lake, pipeline, warn)
  const legacyLast = legacy ? await legacyLastCompleted(lake, pipeline, legacy) : undefined
  return new DateBook(pipeline, entries, legacyLast)
}

/** The run writing an entry, from the runner's environment. */
export function ledgerRunOf(env: NodeJS.ProcessEnv): LedgerRun | undefined {
  const run = runReference(env)
  if (!run) return undefined
  return { ...run, ...(env.GITHUB_EVENT_NAME ? { event: env.GITHUB_EVENT_NAME } : {}) }
}
