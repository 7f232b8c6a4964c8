import { parseDocument } from 'yaml'
import { parseRuleDuration } from '../core/duration.js'
import { UserError } from '../core/errors.js'
import { printable } from '../core/printable.js'
import { group } from '../core/regex.js'

/**
 * The rules file: one YAML file per dataset, and its one validator. The data-quality Spark
 * job never reads it: it reads the normalised rules JSON the gate's prepare mode writes
 * (rules-json.ts). test/quality/rules.test.ts holds each check's message.
 */

export const FAMILIES = [
  'row_count',
  'missing_count',
  'missing_percent',
  'duplicate_count',
  'allowed_values',
  'range',
  'pattern',
  'freshness',
  'schema',
  'change'
] as const
export type Family = (typeof FAMILIES)[number]
export type Severity = 'error' | 'warn'
export type Compare = 'avg' | 'min' | 'max'

const RULE_KEYS = ['name', 'severity']
const INVALID_BOUNDS = ['max_invalid', 'max_invalid_percent']
const SETTINGS: Record<Family, readonly string[]> = {
  row_count: ['min', 'max'],
  missing_count: ['column', 'max'],
  missing_percent: ['column', 'max'],
  duplicate_count: ['column', 'columns', 'max'],
  allowed_values: ['column', 'values', ...INVALID_BOUNDS],
  range: ['column', 'min', 'max', ...INVALID_BOUNDS],
  pattern: ['column', 'regex', ...INVALID_BOUNDS],
  freshness: ['column', 'max_age'],
  schema: ['columns', 'exact'],
  change: ['metric', 'compare', 'last', 'min_ratio', 'max_ratio', 'min_delta', 'max_delta']
}
const SIMPLE_TYPES = [
  'string',
  'boolean',
  'tinyint',
  'smallint',
  'int',
  'bigint',
  'float',
  'double',
  'date',
  'timestamp',
  'timestamp_ntz',
  'binary'
]
const TYPE_ALIASES: Record<string, string> = {
  bool: 'boolean',
  byte: 'tinyint',
  short: 'smallint',
  integer: 'int',
  long: 'bigint',
  real: 'float'
}
const DATASET_NAME = /^[A-Za-z0-9_.-]+$/
const METRIC_REF = /^(missing_count|missing_percent|duplicate_count)\((.*)\)$/

/** Validity rules bound either the count or the percentage of invalid values. */
export interface InvalidBound {
  maxInvalid?: number
  maxInvalidPercent?: number
}

export type RuleSpec =
  | { family: 'row_count'; min?: number; max?: number }
  | { family: 'missing_count'; column: string; max: number }
  | { family: 'missing_percent'; column: string; max: number }
  | { family: 'duplicate_count'; columns: string[]; max: number }
  | ({ family: 'allowed_values'; column: string; values: (string | number)[] } & InvalidBound)
  | ({ family: 'range'; column: string; min?: number; max?: number } & InvalidBound)
  | ({ family: 'pattern'; column: string; regex: string } & InvalidBound)
  | { family: 'freshness'; column: string; maxAge: string; maxAgeSeconds: number }
  | { family: 'schema'; columns: Record<string, string>; exact: boolean }
  | {
      family: 'change'
      metric: string
      compare: Compare
      last: number
      minRatio?: number
      maxRatio?: number
      minDelta?: number
      maxDelta?: number
    }

export type Rule = RuleSpec & {
  /** 1-based position in the file, as the messages count. */
  index: number
  name?: string
  severity: Severity
  /** `rule 3 'name'` or `rule 3`. */
  label: string
}

export interface RuleSet {
  file: string
  dataset: string
  rules: Rule[]
}

/** A mistake in a rules file: one line naming the file, the rule and what is wrong. */
export class RulesError extends UserError {
  override name = 'RulesError'
  constructor(message: string) {
    super(printable(message))
  }
}

type Mapping = Record<string, unknown>

export function ruleLabel(index: number, name: unknown): string {
  return typeof name === 'string' && name.trim() ? `rule ${index} '${name}'` : `rule ${index}`
}

/** How a wrong value is shown in a message. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'number') return String(value)
  if (typeof value === 'string') return `'${value}'`
  if (Array.isArray(value)) return 'a list'
  if (value instanceof Date) return 'date'
  if (typeof value === 'object') return 'a mapping'
  return typeof value
}

const isMapping = (value: unknown): value is Mapping =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
const isNumber = (value: unknown): value is number =>
  typeof value === 'number' && !Number.isNaN(value)
const isWhole = (value: unknown): value is number => isNumber(value) && Number.isInteger(value)
const absent = (value: unknown): value is null | undefined => value === null || value === undefined

/** The Spark simpleString of a type written in a schema rule, or undefined when unknown. */
export function normaliseType(text: string): string | undefined {
  let lowered = text.trim().toLowerCase().replace(/\s+/g, '')
  lowered = TYPE_ALIASES[lowered] ?? lowered
  if (SIMPLE_TYPES.includes(lowered)) return lowered
  if (/^decimal\(\d+,\d+\)$/.test(lowered)) return lowered
  if (/^(array|map|struct)<.+>$/.test(lowered)) return lowered
  return undefined
}

/** The canonical metric id a change rule refers to, or undefined when it is not one. */
export function parseMetricRef(text: string): string | undefined {
  const stripped = text.trim()
  if (stripped === 'row_count') return stripped
  const match = METRIC_REF.exec(stripped)
  if (!match) return undefined
  const metric = group(match, 1)
  const columns = group(match, 2)
    .split(',')
    .map(column => column.trim())
  if (!columns.every(Boolean)) return undefined
  if (metric !== 'duplicate_count' && columns.length !== 1) return undefined
  return `${metric}(${columns.join(',')})`
}

/** Parses and validates a rules file; throws RulesError with one line on any mistake. */
export function parseRules(text: string, file: string): RuleSet {
  // YAML 1.1, as PyYAML and most YAML users read it (`yes` is true, `010` is octal).
  const document = parseDocument(text, { version: '1.1', uniqueKeys: true })
  const [error] = document.errors
  if (error) {
    const position = error.linePos?.[0]
    const where = position ? ` at line ${position.line}, column ${position.col}` : ''
    const reason = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')
    throw new RulesError(`${file}: YAML syntax error${where}: ${reason}`)
  }
  let data: unknown
  try {
    data = document.toJS()
  } catch (error) {
    // The yaml library's guard against an alias bomb (a few lines that expand to billions
    // of nodes), or an alias to an anchor that is not there.
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error)
    throw new RulesError(`${file}: YAML aliases refused (${reason}); write the rules out`)
  }
  return validateRules(data, file)
}

export function validateRules(document: unknown, file: string): RuleSet {
  if (!isMapping(document)) {
    throw new RulesError(`${file}: expected a mapping with 'dataset' and 'rules' at the top level`)
  }
  for (const key of Object.keys(document)) {
    if (key !== 'dataset' && key !== 'rules') {
      throw new RulesError(`${file}: unknown top-level key '${key}' (expected dataset, rules)`)
    }
  }
  const dataset = document.dataset
  if (typeof dataset !== 'string' || !DATASET_NAME.test(dataset)) {
    throw new RulesError(
      `${file}: 'dataset' must be a name of letters, digits, '_', '-' or '.', ` +
        `got ${describe(dataset)}`
    )
  }
  const rules = document.rules
  if (!Array.isArray(rules) || rules.length === 0) {
    throw new RulesError(`${file}: 'rules' must be a non-empty list, got ${describe(rules)}`)
  }
  const parsed: Rule[] = []
  const names = new Map<string, number>()
  rules.forEach((raw, position) => {
    const rule = validateRule(raw, position + 1, file)
    if (rule.name !== undefined) {
      const earlier = names.get(rule.name)
      if (earlier !== undefined) {
        throw new RulesError(`${file}: ${rule.label}: the name is used by rule ${earlier} too`)
      }
      names.set(rule.name, rule.index)
    }
    parsed.push(rule)
  })
  return { file, dataset, rules: parsed }
}

function validateRule(raw: unknown, index: number, file: string): Rule {
  const families = FAMILIES.join(', ')
  if (!isMapping(raw)) {
    throw new RulesError(
      `${file}: rule ${index}: expected a mapping with one rule family (${families})`
    )
  }
  const label = ruleLabel(index, raw.name)
  for (const key of Object.keys(raw)) {
    if (!(FAMILIES as readonly string[]).includes(key) && !RULE_KEYS.includes(key)) {
      throw new RulesError(
        `${file}: ${label}: unknown rule '${key}' (expected one of ${families}; or name, severity)`
      )
    }
  }
  const found = Object.keys(raw).filter(key => (FAMILIES as readonly string[]).includes(key))
  if (found.length === 0) {
    throw new RulesError(`${file}: ${label}: no rule family (expected one of ${families})`)
  }
  if (found.length > 1) {
    throw new RulesError(
      `${file}: ${label}: more than one rule family (${found.join(', ')}); ` +
        'write one rule per list item'
    )
  }
  const name = raw.name
  if ('name' in raw && (typeof name !== 'string' || !name.trim())) {
    throw new RulesError(
      `${file}: ${label}: 'name' must be a non-empty string, got ${describe(name)}`
    )
  }
  const severity = 'severity' in raw ? raw.severity : 'error'
  if (severity !== 'error' && severity !== 'warn') {
    throw new RulesError(
      `${file}: ${label}: 'severity' must be error or warn, got ${describe(severity)}`
    )
  }
  const family = found[0] as Family
  const settings = raw[family]
  const where = `${file}: ${label} (${family})`
  if (!isMapping(settings)) {
    throw new RulesError(
      `${where}: expected a mapping of settings (${SETTINGS[family].join(', ')}), ` +
        `got ${describe(settings)}`
    )
  }
  for (const key of Object.keys(settings)) {
    if (!SETTINGS[family].includes(key)) {
      throw new RulesError(
        `${where}: unknown setting '${key}' (expected ${SETTINGS[family].join(', ')})`
      )
    }
  }
  const spec = validateSettings(family, settings, where)
  return {
    ...spec,
    index,
    severity,
    label,
    ...(typeof name === 'string' ? { name } : {})
  }
}

const fail = (where: string, message: string): RulesError => new RulesError(`${where}: ${message}`)

function column(settings: Mapping, where: string, key = 'column'): string {
  const value = settings[key]
  if (absent(value)) throw fail(where, `'${key}' is required`)
  if (typeof value !== 'string' || !value.trim()) {
    throw fail(where, `'${key}' must be a column name, got ${describe(value)}`)
  }
  return value
}

function whole(settings: Mapping, key: string, where: string, minimum: number): number | undefined {
  const value = settings[key]
  if (absent(value)) return undefined
  if (!isWhole(value) || value < minimum) {
    throw fail(
      where,
      `'${key}' must be a whole number of ${minimum} or more, got ${describe(value)}`
    )
  }
  return value
}

function number(
  settings: Mapping,
  key: string,
  where: string,
  minimum?: number,
  maximum?: number
): number | undefined {
  const value = settings[key]
  if (absent(value)) return undefined
  let expected = 'a number'
  if (minimum !== undefined && maximum !== undefined) {
    expected = `a number from ${minimum} to ${maximum}`
  } else if (minimum !== undefined) {
    expected = `a number of ${minimum} or more`
  }
  if (!isNumber(value) || !Number.isFinite(value)) {
    throw fail(where, `'${key}' must be ${expected}, got ${describe(value)}`)
  }
  if ((minimum !== undefined && value < minimum) || (maximum !== undefined && value > maximum)) {
    throw fail(where, `'${key}' must be ${expected}, got ${describe(value)}`)
  }
  return value
}

function ordered(
  low: number | undefined,
  high: number | undefined,
  names: [string, string],
  where: string
): void {
  if (low !== undefined && high !== undefined && low > high) {
    throw fail(where, `'${names[0]}' must not be greater than '${names[1]}'`)
  }
}

function invalidBound(settings: Mapping, where: string): InvalidBound {
  if (!absent(settings.max_invalid) && !absent(settings.max_invalid_percent)) {
    throw fail(where, "give 'max_invalid' or 'max_invalid_percent', not both")
  }
  const maxInvalid = whole(settings, 'max_invalid', where, 0)
  const maxInvalidPercent = number(settings, 'max_invalid_percent', where, 0, 100)
  if (maxInvalidPercent !== undefined) return { maxInvalidPercent }
  return { maxInvalid: maxInvalid ?? 0 }
}

function validateSettings(family: Family, settings: Mapping, where: string): RuleSpec {
  switch (family) {
    case 'row_count': {
      const min = whole(settings, 'min', where, 0)
      const max = whole(settings, 'max', where, 0)
      if (min === undefined && max === undefined) throw fail(where, "give 'min', 'max' or both")
      ordered(min, max, ['min', 'max'], where)
      return { family, ...defined({ min, max }) }
    }
    case 'missing_count': {
      const name = column(settings, where)
      return { family, column: name, max: whole(settings, 'max', where, 0) ?? 0 }
    }
    case 'missing_percent': {
      const name = column(settings, where)
      if (absent(settings.max)) throw fail(where, "'max' is required")
      return { family, column: name, max: number(settings, 'max', where, 0, 100)! }
    }
    case 'duplicate_count': {
      const hasColumn = 'column' in settings
      if (hasColumn === 'columns' in settings) {
        throw fail(where, "give 'column' (one key column) or 'columns' (a composite key)")
      }
      let columns: string[]
      if (hasColumn) {
        columns = [column(settings, where)]
      } else {
        const listed = settings.columns
        if (
          !Array.isArray(listed) ||
          listed.length === 0 ||
          !listed.every(item => typeof item === 'string' && item.trim())
        ) {
          throw fail(
            where,
            `'columns' must be a non-empty list of column names, got ${describe(listed)}`
          )
        }
        if (new Set(listed).size !== listed.length)
          throw fail(where, "'columns' names a column twice")
        columns = listed as string[]
      }
      return { family, columns, max: whole(settings, 'max', where, 0) ?? 0 }
    }
    case 'allowed_values': {
      const name = column(settings, where)
      const values = settings.values
      if (absent(values)) throw fail(where, "'values' is required")
      if (
        !Array.isArray(values) ||
        values.length === 0 ||
        !values.every(value => typeof value === 'string' || isNumber(value))
      ) {
        throw fail(
          where,
          `'values' must be a non-empty list of strings or numbers, got ${describe(values)}`
        )
      }
      return {
        family,
        column: name,
        values: values as (string | number)[],
        ...invalidBound(settings, where)
      }
    }
    case 'range': {
      const name = column(settings, where)
      const min = number(settings, 'min', where)
      const max = number(settings, 'max', where)
      if (min === undefined && max === undefined) throw fail(where, "give 'min', 'max' or both")
      ordered(min, max, ['min', 'max'], where)
      return { family, column: name, ...defined({ min, max }), ...invalidBound(settings, where) }
    }
    case 'pattern': {
      const name = column(settings, where)
      const regex = settings.regex
      if (absent(regex)) throw fail(where, "'regex' is required")
      if (typeof regex !== 'string' || !regex) {
        throw fail(where, `'regex' must be a non-empty string, got ${describe(regex)}`)
      }
      return { family, column: name, regex, ...invalidBound(settings, where) }
    }
    case 'freshness': {
      const name = column(settings, where)
      const maxAge = settings.max_age
      if (absent(maxAge)) throw fail(where, "'max_age' is required")
      const seconds = typeof maxAge === 'string' ? parseRuleDuration(maxAge) : undefined
      if (typeof maxAge !== 'string' || seconds === undefined) {
        throw fail(
          where,
          `'max_age' must be a duration such as 36h, 2d or 1d12h, got ${describe(maxAge)}`
        )
      }
      return { family, column: name, maxAge, maxAgeSeconds: seconds }
    }
    case 'schema': {
      const columns = settings.columns
      if (!isMapping(columns) || Object.keys(columns).length === 0) {
        throw fail(
          where,
          `'columns' must be a mapping of column name to type, got ${describe(columns)}`
        )
      }
      const normalised: Record<string, string> = {}
      for (const [name, typeName] of Object.entries(columns)) {
        const sparkType = typeof typeName === 'string' ? normaliseType(typeName) : undefined
        if (sparkType === undefined) {
          throw fail(
            where,
            `column '${name}': unknown type ${describe(typeName)} (expected a Spark type such ` +
              'as string, bigint, double, timestamp, date, decimal(10,2))'
          )
        }
        normalised[name] = sparkType
      }
      const exact = 'exact' in settings ? settings.exact : false
      if (typeof exact !== 'boolean') {
        throw fail(where, `'exact' must be true or false, got ${describe(exact)}`)
      }
      return { family, columns: normalised, exact }
    }
    case 'change': {
      const metric = settings.metric
      if (absent(metric)) throw fail(where, "'metric' is required")
      const reference = typeof metric === 'string' ? parseMetricRef(metric) : undefined
      if (reference === undefined) {
        throw fail(
          where,
          "'metric' must be row_count, missing_count(<column>), missing_percent(<column>) " +
            `or duplicate_count(<column>, ...), got ${describe(metric)}`
        )
      }
      const compare = 'compare' in settings ? settings.compare : 'avg'
      if (compare !== 'avg' && compare !== 'min' && compare !== 'max') {
        throw fail(where, `'compare' must be avg, min or max, got ${describe(compare)}`)
      }
      if (absent(settings.last)) {
        throw fail(where, "'last' (how many earlier dates to compare with) is required")
      }
      const last = whole(settings, 'last', where, 1)!
      const minRatio = number(settings, 'min_ratio', where, 0)
      const maxRatio = number(settings, 'max_ratio', where, 0)
      const minDelta = number(settings, 'min_delta', where)
      const maxDelta = number(settings, 'max_delta', where)
      if ([minRatio, maxRatio, minDelta, maxDelta].every(bound => bound === undefined)) {
        throw fail(where, 'give at least one of min_ratio, max_ratio, min_delta, max_delta')
      }
      ordered(minRatio, maxRatio, ['min_ratio', 'max_ratio'], where)
      ordered(minDelta, maxDelta, ['min_delta', 'max_delta'], where)
      return {
        family,
        metric: reference,
        compare,
        last,
        ...defined({ minRatio, maxRatio, minDelta, maxDelta })
      }
    }
  }
}

/** The bounds that were given: an absent one is left out, not set to undefined. */
function defined<T extends Record<string, unknown>>(
  values: T
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>
  }
}
