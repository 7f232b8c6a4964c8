import { PipelineDatesDefault, PipelineDatesInput } from '../constants/pipeline-dates.js'
import { LakeInput } from '../constants/shared.js'
import { awsClientSettings, type AwsClientSettings } from '../core/aws.js'
import { isIsoDate, parseIsoDate, formatIsoDate, type IsoDate } from '../core/calendar.js'
import { InputError } from '../core/errors.js'
import type { Inputs } from '../core/inputs.js'
import { parseLakeRoot, type LakeRoot } from '../records/lake.js'
import { NAME } from '../records/record.js'
import type { LegacyEvidence } from './date-ledger.js'
import type { NeedOutcome } from './date-outcome.js'

export type DatesMode = 'plan' | 'claim' | 'finish' | 'report'
export const DATES_MODES: readonly DatesMode[] = ['plan', 'claim', 'finish', 'report']

/** Where the ledger is: the lake's root and the pipeline's name. */
export interface LedgerTarget {
  root: LakeRoot
  pipeline: string
  aws: AwsClientSettings
}

export function readLedgerTarget(
  inputs: Inputs,
  env: NodeJS.ProcessEnv,
  cwd: string
): LedgerTarget {
  const where = inputs.required(
    LakeInput.RunRecords,
    "the lake's root (s3://bucket[/prefix] or a folder)"
  )
  const root = parseLakeRoot(LakeInput.RunRecords, where, cwd)
  const pipeline = inputs.required(LakeInput.Pipeline, 'the pipeline name')
  if (!NAME.test(pipeline)) {
    throw new InputError(LakeInput.Pipeline, 'letters, digits, _ . - (at most 100)', pipeline)
  }
  // A local folder needs no AWS settings; an s3:// root does.
  const aws =
    root.kind === 's3' ? awsClientSettings(inputs, env) : { region: 'us-east-1', maxAttempts: 1 }
  return { root, pipeline, aws }
}

/**
 * The key of the export's success marker with `{date}` for the date, such as
 * `bronze/customers/date={date}/_SUCCESS`: how a data-arrival trigger's key is read, and how
 * a date blocked for a missing export is looked at again.
 */
export interface DataMarker {
  template: string
  /** The date a key names, or undefined when the key is not a marker of this template. */
  dateOf(key: string): IsoDate | undefined
  keyOf(date: IsoDate): string
}

export function readDataMarker(inputs: Inputs): DataMarker | undefined {
  const template = inputs.string(PipelineDatesInput.DataMarker)
  if (!template) return undefined
  const parts = template.split('{date}')
  if (parts.length !== 2 || template.startsWith('/') || /[\s*?]/.test(template)) {
    throw new InputError(
      PipelineDatesInput.DataMarker,
      'an S3 key with one {date}, such as bronze/customers/date={date}/_SUCCESS',
      template
    )
  }
  const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const pattern = new RegExp(`^${escape(parts[0]!)}(\\d{4}-\\d{2}-\\d{2})${escape(parts[1]!)}$`)
  return {
    template,
    dateOf: key => {
      const date = pattern.exec(key)?.[1]
      return date && isIsoDate(date) ? date : undefined
    },
    keyOf: date => template.replace('{date}', date)
  }
}

/**
 * S3 URL-encodes object keys in the event notifications it sends (`date%3D2026-01-05`);
 * whether its EventBridge events do is not documented, so both forms are read.
 */
function decodedKey(key: string): string {
  if (!key.includes('%')) return key
  try {
    return decodeURIComponent(key)
  } catch {
    return key
  }
}

export interface PlanSettings {
  date: string
  dataKey: string
  force: boolean
  allowGaps: boolean
  maxCatchUp: number
  legacy?: LegacyEvidence
  dataMarker?: DataMarker
  eventName: string
}

/** The date slots a workflow has bound max-catch-up; 31 is the most a backfill runs. */
export function readPlanSettings(inputs: Inputs, env: NodeJS.ProcessEnv): PlanSettings {
  const date = inputs.string(PipelineDatesInput.Date)
  const dataKey = decodedKey(inputs.string(PipelineDatesInput.DataKey))
  if (date && dataKey) {
    throw new InputError(
      PipelineDatesInput.DataKey,
      'no data-key when a date is given (one or the other)',
      dataKey
    )
  }
  if (date) parseIsoDate(date, PipelineDatesInput.Date)
  const dataMarker = readDataMarker(inputs)
  if (dataKey) {
    if (!dataMarker)
      inputs.required(PipelineDatesInput.DataMarker, 'the marker key template, to read data-key')
    if (/[\r\n]/.test(dataKey) || !dataMarker!.dateOf(dataKey)) {
      throw new InputError(
        PipelineDatesInput.DataKey,
        `the key of an export's marker, ${dataMarker!.template} with a real date`,
        dataKey
      )
    }
  }
  const force = inputs.boolean(PipelineDatesInput.Force, PipelineDatesDefault.Force)
  const allowGaps = inputs.boolean(PipelineDatesInput.AllowGaps, PipelineDatesDefault.AllowGaps)
  if (!date) {
    // A catch-up never re-processes a completed date nor skips one: only a person, by date.
    if (force)
      throw new InputError(
        PipelineDatesInput.Force,
        'a date to go with it (force re-processes one date)',
        'true'
      )
    if (allowGaps) {
      throw new InputError(
        PipelineDatesInput.AllowGaps,
        'a date to go with it (the date after the gap)',
        'true'
      )
    }
  }
  const slots = inputs.integer(PipelineDatesInput.DateSlots, PipelineDatesDefault.DateSlots, {
    min: 1,
    max: 31
  })
  const maxCatchUp = inputs.integer(
    PipelineDatesInput.MaxCatchUp,
    PipelineDatesDefault.MaxCatchUp,
    { min: 1, max: slots }
  )
  const legacyTask = inputs.string(PipelineDatesInput.LegacyTask)
  const legacy = legacyTask
    ? {
        task: legacyTask,
        markers: inputs.list(PipelineDatesInput.LegacyMarkers, { commas: false })
      }
    : undefined
  if (legacyTask && !NAME.test(legacyTask)) {
    throw new InputError(
      PipelineDatesInput.LegacyTask,
      'a task name: letters, digits, _ . -',
      legacyTask
    )
  }
  for (const marker of legacy?.markers ?? []) {
    if (!marker.includes('{date}') || marker.startsWith('/')) {
      throw new InputError(
        PipelineDatesInput.LegacyMarkers,
        'keys holding {date}, one per line',
        marker
      )
    }
  }
  return {
    date,
    dataKey,
    force,
    allowGaps,
    maxCatchUp,
    ...(legacy ? { legacy } : {}),
    ...(dataMarker ? { dataMarker } : {}),
    eventName: inputs.string(PipelineDatesInput.EventName, env.GITHUB_EVENT_NAME ?? '')
  }
}

export interface ClaimSettings {
  date: IsoDate
  explicit: boolean
  force: boolean
  allowGaps: boolean
  dataMarker?: DataMarker
  legacy?: LegacyEvidence
}

export function readClaimSettings(inputs: Inputs): ClaimSettings {
  const date = formatIsoDate(
    parseIsoDate(
      inputs.required(PipelineDatesInput.Date, 'the logical date, YYYY-MM-DD'),
      PipelineDatesInput.Date
    )
  )
  const dataMarker = readDataMarker(inputs)
  const legacyTask = inputs.string(PipelineDatesInput.LegacyTask)
  return {
    date,
    explicit: inputs.boolean(PipelineDatesInput.Explicit, PipelineDatesDefault.Explicit),
    force: inputs.boolean(PipelineDatesInput.Force, PipelineDatesDefault.Force),
    allowGaps: inputs.boolean(PipelineDatesInput.AllowGaps, PipelineDatesDefault.AllowGaps),
    ...(dataMarker ? { dataMarker } : {}),
    ...(legacyTask
      ? {
          legacy: {
            task: legacyTask,
            markers: inputs.list(PipelineDatesInput.LegacyMarkers, { commas: false })
          }
        }
      : {})
  }
}

/** `toJSON(needs)`: each job's result and outputs, as strings. */
export function readNeeds(
  inputs: Inputs,
  name = PipelineDatesInput.Needs
): Record<string, NeedOutcome> {
  const text = inputs.required(name, 'the needs context as JSON (toJSON(needs))')
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new InputError(name, 'the needs context as JSON (toJSON(needs))', text)
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InputError(name, 'the needs context as a JSON object', text)
  }
  const needs: Record<string, NeedOutcome> = {}
  for (const [job, value] of Object.entries(parsed as Record<string, unknown>)) {
    const need = (value ?? {}) as { result?: unknown; outputs?: unknown }
    const outputs: Record<string, string> = {}
    if (need.outputs && typeof need.outputs === 'object') {
      for (const [key, output] of Object.entries(need.outputs as Record<string, unknown>)) {
        outputs[key] = typeof output === 'string' ? output : JSON.stringify(output)
      }
    }
    needs[job] = { result: typeof need.result === 'string' ? need.result : '', outputs }
  }
  return needs
}
