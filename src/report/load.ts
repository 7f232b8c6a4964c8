import { errorMessage } from '../core/errors.js'
import type { Lake } from '../records/lake.js'
import { RUNS_FOLDER, type RunRecord } from '../records/record.js'
import { parseRunRecord, type RecordProblem } from './parse-record.js'
import { parseResults, type QualityDay } from './parse-results.js'
import { mapBounded } from '../s3/map-bounded.js'
import { group } from '../core/regex.js'

export type { QualityDay }

export interface LakeContents {
  records: RunRecord[]
  quality: QualityDay[]
  problems: RecordProblem[]
}

export interface LoadOptions {
  lake: Lake
  pipeline: string
  /** Folder of the quality results, relative to the lake (`_pipeline/quality`). */
  qualityPrefix: string
  start: string
  end: string
  /** The last date a record may be for. */
  today: string
}

const RECORD_KEY = /^date=(\d{4}-\d{2}-\d{2})\/([^/]+)\.json$/
const RESULTS_KEY = /^([^/]+)\/date=(\d{4}-\d{2}-\d{2})\/results\.json$/
/** Reads in flight at once: S3 answers small GETs in parallel well; a folder does not care. */
const READS_AT_ONCE = 16

/**
 * Reads every run record of the pipeline and every quality results document in the date
 * range. An unreadable, malformed or out-of-place file becomes a problem, never an error:
 * the dashboard shows what it could not use.
 */
export async function loadLake(options: LoadOptions): Promise<LakeContents> {
  const { lake, pipeline, start, end, today } = options
  const runsPrefix = `${RUNS_FOLDER}/${pipeline}/`
  const qualityPrefix = options.qualityPrefix ? `${options.qualityPrefix.replace(/\/+$/, '')}/` : ''
  const [recordKeys, qualityKeys] = await Promise.all([
    lake.list(runsPrefix),
    lake.list(qualityPrefix)
  ])
  const inRange = (date: string): boolean => date >= start && date <= end
  const problems: RecordProblem[] = []
  const records: RunRecord[] = []
  const quality: QualityDay[] = []

  const recordJobs = recordKeys.flatMap(key => {
    const match = RECORD_KEY.exec(key.slice(runsPrefix.length))
    // A date past the range's end is still read: a record "from the future" is reported.
    if (!match) return []
    const logicalDate = group(match, 1)
    if (logicalDate < start || (logicalDate > end && logicalDate <= today)) return []
    return [{ key, logicalDate, task: group(match, 2) }]
  })
  const qualityJobs = qualityKeys.flatMap(key => {
    const match = RESULTS_KEY.exec(key.slice(qualityPrefix.length))
    if (!match) return []
    const logicalDate = group(match, 2)
    return inRange(logicalDate) ? [{ key, dataset: group(match, 1), logicalDate }] : []
  })

  await mapBounded(recordJobs, READS_AT_ONCE, async ({ key, logicalDate, task }) => {
    const location = lake.locate(key)
    const text = await readOrProblem(lake, key)
    if (typeof text !== 'string') {
      problems.push({ location, logicalDate, task, reason: text.reason })
      return
    }
    const parsed = parseRunRecord(text, location, { logicalDate, task }, today)
    if ('problem' in parsed) problems.push(parsed.problem)
    else records.push(parsed.record)
  })
  await mapBounded(qualityJobs, READS_AT_ONCE, async ({ key, dataset, logicalDate }) => {
    const location = lake.locate(key)
    const text = await readOrProblem(lake, key)
    if (typeof text !== 'string') {
      problems.push({ location, logicalDate, task: `quality ${dataset}`, reason: text.reason })
      return
    }
    const day = parseResults(text, dataset, logicalDate)
    if (typeof day === 'string')
      problems.push({ location, logicalDate, task: `quality ${dataset}`, reason: day })
    else quality.push(day)
  })
  const byPlace = (a: { logicalDate?: string; location: string }, b: typeof a): number =>
    (a.logicalDate ?? '').localeCompare(b.logicalDate ?? '') || a.location.localeCompare(b.location)
  problems.sort(byPlace)
  records.sort(
    (a, b) => a.logical_date.localeCompare(b.logical_date) || a.task.localeCompare(b.task)
  )
  quality.sort(
    (a, b) => a.logicalDate.localeCompare(b.logicalDate) || a.dataset.localeCompare(b.dataset)
  )
  return { records, quality, problems }
}

async function readOrProblem(lake: Lake, key: string): Promise<string | { reason: string }> {
  try {
    return (await lake.read(key)) ?? { reason: 'gone while reading' }
  } catch (error) {
    return { reason: `unreadable: ${errorMessage(error).split('\n')[0]}` }
  }
}
