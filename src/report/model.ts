import { formatDuration } from '../core/duration.js'
import { addDays, daysBetween } from '../core/calendar.js'
import { redactCredentials } from '../core/redact.js'
import { runName } from '../core/run-reference.js'
import type { Status } from '../quality/evaluate.js'
import type { RunRecord } from '../records/record.js'
import type { GitHubHistory, WorkflowRunInfo } from './github-history.js'
import type { LakeContents } from './load.js'
import type { RecordProblem } from './parse-record.js'

/** What one grid cell shows; every state has its own colour and its own mark. */
export type CellState =
  'passed' | 'failed' | 'retried' | 'skipped' | 'running' | 'missing' | 'invalid'

export const CELL_STATES: Record<CellState, { mark: string; emoji: string; label: string }> = {
  passed: { mark: '✓', emoji: '✅', label: 'passed' },
  retried: { mark: '↻', emoji: '🔁', label: 'retried, then passed' },
  failed: { mark: '✗', emoji: '❌', label: 'failed' },
  skipped: { mark: '–', emoji: '⏭️', label: 'skipped' },
  running: { mark: '…', emoji: '⏳', label: 'running' },
  missing: { mark: '?', emoji: '⬜', label: 'missing (no record)' },
  invalid: { mark: '!', emoji: '⚠️', label: 'unreadable record' }
}

export interface Cell {
  state: CellState
  /** One line for the tooltip: state, duration, attempts, why. */
  title: string
  link?: string
}

export interface Series {
  name: string
  values: (number | null)[]
}

export interface QualityRule {
  dataset: string
  rule: string
  severity: string
  statuses: (Status | null)[]
  values: (number | null)[]
  bound: string
  /** Numeric bounds, when the rule's bound is a plain `>= n` / `<= n`. */
  min?: number
  max?: number
}

export interface DashboardModel {
  pipeline: string
  start: string
  end: string
  generatedAt: string
  dates: string[]
  tasks: string[]
  /** grid[task][date]. */
  grid: Cell[][]
  /** The workflow run of each date, when the GitHub history was read. */
  runRow?: Cell[]
  durationsMinutes: Series[]
  costUsd: Series[]
  costByTask: { task: string; usd: number }[]
  landing: {
    /** For the chart: within a day either side of the run day, else null. */
    hoursAfterMidnight: (number | null)[]
    /** Dates whose data landed days after the run day (a backfill, sample data): not drawn. */
    farLate: string[]
    scheduleHour: number
    slaHour: number
  }
  quality: QualityRule[]
  rows: Series[]
  header: {
    latestDate?: string
    latestState?: CellState
    latestRun?: WorkflowRunInfo
    openIssue?: GitHubHistory['openIssue']
  }
  totals: {
    cells: Record<CellState, number>
    costUsd: number
    vcpuHours: number
    memoryGbHours: number
    storageGbHours: number
    slaMisses: number
    landed: number
  }
  problems: RecordProblem[]
}

export interface ModelOptions {
  pipeline: string
  start: string
  end: string
  now: Date
  /** Task order; empty means by when they usually start. */
  tasks: string[]
  /** Hours after midnight UTC of the day after the logical date. */
  scheduleHour: number
  slaHour: number
  github?: GitHubHistory
}

const DAY_MS = 86_400_000
/**
 * The landing chart shows a day either side of the run day; data that landed later than that
 * (a backfill of old dates, the local run's sample data) would flatten every other point.
 */
const DRAWN_HOURS = 48

/** Turns what the lake (and GitHub) hold into what the page and the summary show. */
export function buildModel(contents: LakeContents, options: ModelOptions): DashboardModel {
  const frame = frameOf(contents, options)
  const grid = buildGrid(frame)
  const series = buildSeries(frame)
  const landingHours = landingHoursOf(frame)
  return {
    pipeline: options.pipeline,
    start: options.start,
    end: options.end,
    generatedAt: options.now.toISOString(),
    dates: frame.dates,
    tasks: frame.tasks,
    grid,
    ...(options.github
      ? { runRow: frame.dates.map(date => runCell(frame.runsByDate.get(date))) }
      : {}),
    durationsMinutes: series.durationsMinutes,
    costUsd: series.costUsd,
    costByTask: series.costByTask,
    landing: landingOf(frame.dates, landingHours, options),
    quality: qualityRules(contents, frame.column, frame.dates.length),
    rows: series.rows,
    header: headerOf(frame, grid, options.github),
    totals: buildTotals(frame, grid, landingHours, options.slaHour),
    problems: contents.problems
  }
}

/** The dates and tasks the page spans, and the lookups every part of the model reads. */
interface Frame {
  dates: string[]
  /** The column of each date. */
  column: Map<string, number>
  tasks: string[]
  /** The records of the dates shown. */
  records: RunRecord[]
  recordAt(date: string, task: string): RunRecord | undefined
  /** `date/task` places whose record could not be read. */
  invalid: Set<string>
  runsById: Map<string, WorkflowRunInfo>
  /** The latest workflow run of each date. */
  runsByDate: Map<string, WorkflowRunInfo>
}

function frameOf(contents: LakeContents, options: ModelOptions): Frame {
  const dates = Array.from({ length: daysBetween(options.start, options.end) + 1 }, (_, index) =>
    addDays(options.start, index)
  )
  const column = new Map(dates.map((date, index) => [date, index]))
  const records = contents.records.filter(record => column.has(record.logical_date))
  const byPlace = new Map(records.map(record => [`${record.logical_date}/${record.task}`, record]))
  const runs = options.github?.runs ?? []
  const runsByDate = new Map<string, WorkflowRunInfo>()
  // Newest first from the API: the first run seen for a date is its latest.
  for (const run of runs) {
    if (run.logicalDate && !runsByDate.has(run.logicalDate)) runsByDate.set(run.logicalDate, run)
  }
  return {
    dates,
    column,
    tasks: taskOrder(records, contents.problems, options.tasks),
    records,
    recordAt: (date, task) => byPlace.get(`${date}/${task}`),
    invalid: new Set(contents.problems.map(problem => `${problem.logicalDate}/${problem.task}`)),
    runsById: new Map(runs.map(run => [run.id, run])),
    runsByDate
  }
}

/** grid[task][date]: built a date at a time, as a task after one that stopped is skipped. */
function buildGrid(frame: Frame): Cell[][] {
  const columns = frame.dates.map(date => dayColumn(frame, date))
  return frame.tasks.map((_, row) => columns.map(cells => cells[row]!))
}

/** The cells of one date, top to bottom. */
function dayColumn(frame: Frame, date: string): Cell[] {
  const run = frame.runsByDate.get(date)
  let upstreamStopped = false
  return frame.tasks.map(task => {
    const cell = taskCell(frame, date, task, upstreamStopped)
    if (!cell.link && run?.url && cell.state !== 'missing') cell.link = run.url
    if (cell.state === 'failed' || cell.state === 'skipped') upstreamStopped = true
    return cell
  })
}

function taskCell(frame: Frame, date: string, task: string, upstreamStopped: boolean): Cell {
  const record = frame.recordAt(date, task)
  if (record) return recordCell(record, frame.runsById)
  if (frame.invalid.has(`${date}/${task}`)) {
    return { state: 'invalid', title: 'unreadable record (see "Records not used")' }
  }
  if (upstreamStopped) return { state: 'skipped', title: 'skipped: an earlier task did not pass' }
  const status = frame.runsByDate.get(date)?.status
  if (status === 'in_progress' || status === 'queued') {
    return { state: 'running', title: 'not started yet' }
  }
  return { state: 'missing', title: 'no record' }
}

type ModelSeries = Pick<DashboardModel, 'durationsMinutes' | 'costUsd' | 'costByTask' | 'rows'>

/** The charts' lines: a line per task that has any value, a point per date. */
function buildSeries(frame: Frame): ModelSeries {
  const durationsMinutes = taskSeries(frame, durationMinutes)
  const costUsd = taskSeries(frame, record => record.spark?.estimated_cost_usd)
  const costByTask = costUsd.map(entry => ({
    task: entry.name,
    usd: roundCents(entry.values.reduce<number>((sum, value) => sum + (value ?? 0), 0))
  }))
  const rows = (['in', 'out'] as const).flatMap(direction =>
    taskSeries(frame, record => record.rows?.[direction]).map(entry => ({
      name: `${entry.name} rows ${direction}`,
      values: entry.values
    }))
  )
  return { durationsMinutes, costUsd, costByTask, rows }
}

function taskSeries(frame: Frame, pick: (record: RunRecord) => number | undefined): Series[] {
  return frame.tasks
    .map(task => ({
      name: task,
      values: frame.dates.map(date => {
        const record = frame.recordAt(date, task)
        const value = record ? pick(record) : undefined
        return value === undefined || !Number.isFinite(value) ? null : value
      })
    }))
    .filter(entry => entry.values.some(value => value !== null))
}

/** A finished run's duration; none while it runs. */
function durationMinutes(record: RunRecord): number | undefined {
  if (record.state === 'running' || record.duration_seconds === undefined) return undefined
  return Math.round((record.duration_seconds / 60) * 100) / 100
}

/** Per date, hours after midnight UTC of the run day when its data landed (the sensor's). */
function landingHoursOf(frame: Frame): (number | null)[] {
  return frame.dates.map(date => {
    const landed = frame.tasks
      .map(task => frame.recordAt(date, task)?.sensor?.landed_at)
      .find(value => value !== undefined)
    if (!landed) return null
    const hours = (Date.parse(landed) - (Date.parse(`${date}T00:00:00Z`) + DAY_MS)) / 3_600_000
    return Number.isFinite(hours) ? Math.round(hours * 100) / 100 : null
  })
}

function landingOf(
  dates: string[],
  landingHours: (number | null)[],
  options: ModelOptions
): DashboardModel['landing'] {
  return {
    hoursAfterMidnight: landingHours.map(hours =>
      hours !== null && hours >= -DRAWN_HOURS && hours <= DRAWN_HOURS ? hours : null
    ),
    farLate: dates.filter((_, index) => (landingHours[index] ?? 0) > DRAWN_HOURS),
    scheduleHour: options.scheduleHour,
    slaHour: options.slaHour
  }
}

/** The latest date with any record, how it went, and what GitHub says of the pipeline. */
function headerOf(
  frame: Frame,
  grid: Cell[][],
  github: GitHubHistory | undefined
): DashboardModel['header'] {
  // Every row of the grid has one cell per date.
  const statesAt = (index: number): CellState[] => grid.map(row => row[index]!.state)
  const latestDate = [...frame.dates]
    .reverse()
    .find(date => statesAt(frame.column.get(date)!).some(state => state !== 'missing'))
  const latestRun = github?.runs[0]
  return {
    ...(latestDate
      ? { latestDate, latestState: worstOf(statesAt(frame.column.get(latestDate)!)) }
      : {}),
    ...(latestRun ? { latestRun } : {}),
    ...(github?.openIssue ? { openIssue: github.openIssue } : {})
  }
}

function buildTotals(
  frame: Frame,
  grid: Cell[][],
  landingHours: (number | null)[],
  slaHour: number
): DashboardModel['totals'] {
  const cells = Object.fromEntries(Object.keys(CELL_STATES).map(state => [state, 0])) as Record<
    CellState,
    number
  >
  for (const row of grid) for (const cell of row) cells[cell.state]++
  const sum = (pick: (record: RunRecord) => number | undefined): number =>
    frame.records.reduce((total, record) => total + (pick(record) ?? 0), 0)
  const landed = landingHours.filter(hours => hours !== null)
  return {
    cells,
    costUsd: roundCents(sum(record => record.spark?.estimated_cost_usd)),
    vcpuHours: round2(sum(record => record.spark?.vcpu_hours)),
    memoryGbHours: round2(sum(record => record.spark?.memory_gb_hours)),
    storageGbHours: round2(sum(record => record.spark?.storage_gb_hours)),
    landed: landed.length,
    slaMisses: landed.filter(hours => hours > slaHour).length
  }
}

function recordCell(record: RunRecord, runs: Map<string, WorkflowRunInfo>): Cell {
  const attempts = Math.max(record.run?.attempt ?? 1, record.spark?.attempts ?? 1)
  const state = recordState(record.state, attempts)
  const parts: string[] = [record.state]
  if (record.duration_seconds !== undefined)
    parts.push(formatDuration(record.duration_seconds * 1000))
  if (attempts > 1) parts.push(`${attempts} attempts`)
  if (record.spark) parts.push(`$${record.spark.estimated_cost_usd.toFixed(4)}`)
  if (record.run?.local) parts.push(runName(record.run))
  // Written by an older version, or by hand: stripped again, the page is public.
  if (record.message) parts.push(redactCredentials(record.message))
  const link = webLink(record.run?.url) ?? (record.run ? runs.get(record.run.id)?.url : undefined)
  return { state, title: parts.join(' · '), ...(link ? { link } : {}) }
}

function recordState(state: RunRecord['state'], attempts: number): CellState {
  if (state === 'success') return attempts > 1 ? 'retried' : 'passed'
  if (state === 'failure' || state === 'cancelled') return 'failed'
  return state
}

/**
 * Only http(s) links reach the page: a record is data anyone with write access to the lake
 * can write, and a `javascript:` URL in it must not become a link.
 */
function webLink(url: unknown): string | undefined {
  return typeof url === 'string' && /^https?:\/\/[^\s"<>]+$/.test(url) ? url : undefined
}

function runCell(run: WorkflowRunInfo | undefined): Cell {
  if (!run) return { state: 'missing', title: 'no workflow run found' }
  return {
    state: runState(run),
    title: `workflow run ${run.id} ${run.conclusion ?? run.status}, attempt ${run.attempt}`,
    ...(run.url ? { link: run.url } : {})
  }
}

function runState(run: WorkflowRunInfo): CellState {
  if (run.status !== 'completed') return 'running'
  if (run.conclusion === 'success') return run.attempt > 1 ? 'retried' : 'passed'
  if (run.conclusion === 'skipped') return 'skipped'
  return 'failed'
}

const SEVERITY: CellState[] = [
  'failed',
  'invalid',
  'running',
  'skipped',
  'missing',
  'retried',
  'passed'
]
function worstOf(states: CellState[]): CellState {
  return SEVERITY.find(state => states.includes(state)) ?? 'missing'
}

/** The given order first, then the rest by the median time of day they start. */
function taskOrder(records: RunRecord[], problems: RecordProblem[], given: string[]): string[] {
  const offsets = new Map<string, number[]>()
  for (const record of records) {
    const offset = Date.parse(record.started_at) - Date.parse(`${record.logical_date}T00:00:00Z`)
    offsets.set(record.task, [...(offsets.get(record.task) ?? []), offset])
  }
  for (const problem of problems) {
    if (problem.task && !problem.task.startsWith('quality ') && !offsets.has(problem.task)) {
      offsets.set(problem.task, [])
    }
  }
  const median = (values: number[]): number => {
    const sorted = [...values].filter(Number.isFinite).sort((a, b) => a - b)
    return sorted[Math.floor(sorted.length / 2)] ?? Number.MAX_SAFE_INTEGER
  }
  const rest = [...offsets.keys()]
    .filter(task => !given.includes(task))
    .sort((a, b) => median(offsets.get(a)!) - median(offsets.get(b)!) || a.localeCompare(b))
  return [...given, ...rest]
}

function qualityRules(
  contents: LakeContents,
  column: Map<string, number>,
  width: number
): QualityRule[] {
  const rules = new Map<string, QualityRule>()
  for (const day of contents.quality) {
    const at = column.get(day.logicalDate)
    if (at === undefined) continue
    for (const result of day.results) {
      const key = `${day.dataset}/${result.rule}`
      let rule = rules.get(key)
      if (!rule) {
        rule = {
          dataset: day.dataset,
          rule: result.rule,
          severity: result.severity,
          statuses: Array<Status | null>(width).fill(null),
          values: Array<number | null>(width).fill(null),
          bound: ''
        }
        rules.set(key, rule)
      }
      rule.statuses[at] = result.status
      rule.values[at] =
        typeof result.value === 'number' && Number.isFinite(result.value) ? result.value : null
      // The latest date's bound is the rule as it stands.
      rule.bound = String(result.bound ?? '')
      Object.assign(rule, numericBounds(rule.bound))
    }
  }
  return [...rules.values()]
}

const NUMBER = '(-?\\d+(?:\\.\\d+)?)'
/**
 * `>= 1`, `<= 0`, `>= 0 and <= 100`: plain bounds on the value itself, drawn on its chart.
 * A bound of another shape clears both (undefined), as the rule's chart then has none.
 */
export function numericBounds(bound: string): {
  min?: number | undefined
  max?: number | undefined
} {
  const lower = new RegExp(`^(?:>=|>)\\s*${NUMBER}(?:\\s+and\\s+(?:<=|<)\\s*${NUMBER})?$`).exec(
    bound.trim()
  )
  if (lower) return { min: Number(lower[1]), ...(lower[2] ? { max: Number(lower[2]) } : {}) }
  const upper = new RegExp(`^(?:<=|<)\\s*${NUMBER}$`).exec(bound.trim())
  if (upper) return { max: Number(upper[1]) }
  return { min: undefined, max: undefined }
}

const roundCents = (value: number): number => Math.round(value * 10_000) / 10_000
const round2 = (value: number): number => Math.round(value * 100) / 100
