import { formatDuration } from '../core/duration.js'
import { addDays, daysBetween } from '../core/calendar.js'
import { redactCredentials } from '../core/redact.js'
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
  const { start, end } = options
  const dates = Array.from({ length: daysBetween(start, end) + 1 }, (_, index) =>
    addDays(start, index)
  )
  const column = new Map(dates.map((date, index) => [date, index]))
  const inRange = contents.records.filter(record => column.has(record.logical_date))
  const tasks = taskOrder(inRange, contents.problems, options.tasks)
  const byPlace = new Map(inRange.map(record => [`${record.logical_date}/${record.task}`, record]))
  const invalid = new Set(
    contents.problems.map(problem => `${problem.logicalDate}/${problem.task}`)
  )
  const runsById = new Map((options.github?.runs ?? []).map(run => [run.id, run]))
  const runsByDate = new Map<string, WorkflowRunInfo>()
  // Newest first from the API: the first run seen for a date is its latest.
  for (const run of options.github?.runs ?? []) {
    if (run.logicalDate && !runsByDate.has(run.logicalDate)) runsByDate.set(run.logicalDate, run)
  }

  const taskRows = tasks.map(task => ({ task, cells: [] as Cell[] }))
  dates.forEach(date => {
    let upstreamStopped = false
    taskRows.forEach(({ task, cells }) => {
      const record = byPlace.get(`${date}/${task}`)
      const cell = record
        ? recordCell(record, runsById)
        : invalid.has(`${date}/${task}`)
          ? {
              state: 'invalid' as const,
              title: 'unreadable record (see "Records not used")'
            }
          : upstreamStopped
            ? {
                state: 'skipped' as const,
                title: 'skipped: an earlier task did not pass'
              }
            : runsByDate.get(date)?.status === 'in_progress' ||
                runsByDate.get(date)?.status === 'queued'
              ? { state: 'running' as const, title: 'not started yet' }
              : { state: 'missing' as const, title: 'no record' }
      const run = runsByDate.get(date)
      if (!cell.link && run?.url && cell.state !== 'missing') cell.link = run.url
      if (cell.state === 'failed' || cell.state === 'skipped') upstreamStopped = true
      cells.push(cell)
    })
  })
  const grid = taskRows.map(({ cells }) => cells)

  const series = (pick: (record: RunRecord) => number | undefined): Series[] =>
    tasks
      .map(task => ({
        name: task,
        values: dates.map(date => {
          const record = byPlace.get(`${date}/${task}`)
          const value = record ? pick(record) : undefined
          return value === undefined || !Number.isFinite(value) ? null : value
        })
      }))
      .filter(entry => entry.values.some(value => value !== null))

  const durationsMinutes = series(record =>
    record.state === 'running' || record.duration_seconds === undefined
      ? undefined
      : Math.round((record.duration_seconds / 60) * 100) / 100
  )
  const costUsd = series(record => record.spark?.estimated_cost_usd)
  const costByTask = costUsd.map(entry => ({
    task: entry.name,
    usd: roundCents(entry.values.reduce<number>((sum, value) => sum + (value ?? 0), 0))
  }))

  const landingHours = dates.map(date => {
    const landed = tasks
      .map(task => byPlace.get(`${date}/${task}`)?.sensor?.landed_at)
      .find(value => value !== undefined)
    if (!landed) return null
    const hours = (Date.parse(landed) - (Date.parse(`${date}T00:00:00Z`) + DAY_MS)) / 3_600_000
    return Number.isFinite(hours) ? Math.round(hours * 100) / 100 : null
  })

  const rows: Series[] = []
  for (const direction of ['in', 'out'] as const) {
    for (const entry of series(record => record.rows?.[direction])) {
      rows.push({ name: `${entry.name} rows ${direction}`, values: entry.values })
    }
  }

  const cells = Object.fromEntries(Object.keys(CELL_STATES).map(state => [state, 0])) as Record<
    CellState,
    number
  >
  for (const row of grid) for (const cell of row) cells[cell.state]++
  const sum = (pick: (record: RunRecord) => number | undefined): number =>
    inRange.reduce((total, record) => total + (pick(record) ?? 0), 0)

  // Every row of the grid has one cell per date (built above).
  const stateAt = (row: Cell[], index: number): CellState => row[index]!.state
  const latestDate = [...dates]
    .reverse()
    .find((_, index) => grid.some(row => stateAt(row, dates.length - 1 - index) !== 'missing'))
  const latestRun = options.github?.runs[0]

  return {
    pipeline: options.pipeline,
    start,
    end,
    generatedAt: options.now.toISOString(),
    dates,
    tasks,
    grid,
    ...(options.github ? { runRow: dates.map(date => runCell(runsByDate.get(date))) } : {}),
    durationsMinutes,
    costUsd,
    costByTask,
    landing: {
      hoursAfterMidnight: landingHours.map(hours =>
        hours !== null && hours >= -DRAWN_HOURS && hours <= DRAWN_HOURS ? hours : null
      ),
      farLate: dates.filter((_, index) => (landingHours[index] ?? 0) > DRAWN_HOURS),
      scheduleHour: options.scheduleHour,
      slaHour: options.slaHour
    },
    quality: qualityRules(contents, column, dates.length),
    rows,
    header: {
      ...(latestDate
        ? {
            latestDate,
            latestState: worstOf(grid.map(row => stateAt(row, column.get(latestDate)!)))
          }
        : {}),
      ...(latestRun ? { latestRun } : {}),
      ...(options.github?.openIssue ? { openIssue: options.github.openIssue } : {})
    },
    totals: {
      cells,
      costUsd: roundCents(sum(record => record.spark?.estimated_cost_usd)),
      vcpuHours: round2(sum(record => record.spark?.vcpu_hours)),
      memoryGbHours: round2(sum(record => record.spark?.memory_gb_hours)),
      storageGbHours: round2(sum(record => record.spark?.storage_gb_hours)),
      landed: landingHours.filter(hours => hours !== null).length,
      slaMisses: landingHours.filter(hours => hours !== null && hours > options.slaHour).length
    },
    problems: contents.problems
  }
}

function recordCell(record: RunRecord, runs: Map<string, WorkflowRunInfo>): Cell {
  const attempts = Math.max(record.run?.attempt ?? 1, record.spark?.attempts ?? 1)
  const state: CellState =
    record.state === 'success'
      ? attempts > 1
        ? 'retried'
        : 'passed'
      : record.state === 'failure' || record.state === 'cancelled'
        ? 'failed'
        : record.state
  const parts: string[] = [record.state]
  if (record.duration_seconds !== undefined)
    parts.push(formatDuration(record.duration_seconds * 1000))
  if (attempts > 1) parts.push(`${attempts} attempts`)
  if (record.spark) parts.push(`$${record.spark.estimated_cost_usd.toFixed(4)}`)
  // Written by an older version, or by hand: stripped again, the page is public.
  if (record.message) parts.push(redactCredentials(record.message))
  const link = webLink(record.run?.url) ?? (record.run ? runs.get(record.run.id)?.url : undefined)
  return { state, title: parts.join(' · '), ...(link ? { link } : {}) }
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
  const state: CellState =
    run.status !== 'completed'
      ? 'running'
      : run.conclusion === 'success'
        ? run.attempt > 1
          ? 'retried'
          : 'passed'
        : run.conclusion === 'skipped'
          ? 'skipped'
          : 'failed'
  return {
    state,
    title: `workflow run ${run.id} ${run.conclusion ?? run.status}, attempt ${run.attempt}`,
    ...(run.url ? { link: run.url } : {})
  }
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
