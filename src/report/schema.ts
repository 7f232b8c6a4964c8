/**
 * Checks of the documents the report reads (run records, the gate's results): anyone who may
 * write the lake can put anything there, so each document is checked field by field before
 * any of it is used, and one that does not fit is listed and skipped, never a crash.
 */

/** Undefined when the value fits, else what is wrong with it, naming the field. */
export type Check = (value: unknown, field: string) => string | undefined

const shown = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 40 ? `${text.slice(0, 39)}…` : text
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

export const text =
  (max = 2000): Check =>
  (value, field) =>
    typeof value === 'string' && value.length <= max
      ? undefined
      : `${field} is not text of at most ${max} characters (got ${shown(value)})`

export const number =
  ({ min, whole = false }: { min?: number; whole?: boolean } = {}): Check =>
  (value, field) =>
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!whole || Number.isInteger(value)) &&
    (min === undefined || value >= min)
      ? undefined
      : `${field} is not a ${whole ? 'whole number' : 'number'}${min === undefined ? '' : ` of ${min} or more`} (got ${shown(value)})`

export const flag: Check = (value, field) =>
  typeof value === 'boolean' ? undefined : `${field} is not true or false (got ${shown(value)})`

export const oneOf =
  (values: readonly string[]): Check =>
  (value, field) =>
    typeof value === 'string' && values.includes(value)
      ? undefined
      : `${field} is not one of ${values.join(', ')} (got ${shown(value)})`

export const time: Check = (value, field) =>
  typeof value === 'string' && value.length <= 40 && Number.isFinite(Date.parse(value))
    ? undefined
    : `${field} is not a time (got ${shown(value)})`

export const optional =
  (check: Check): Check =>
  (value, field) =>
    value === undefined ? undefined : check(value, field)

export const nullable =
  (check: Check): Check =>
  (value, field) =>
    value === null ? undefined : check(value, field)

/** The first check that fits wins; else the last one's problem. */
export const either =
  (...checks: Check[]): Check =>
  (value, field) => {
    let problem: string | undefined
    for (const check of checks) {
      problem = check(value, field)
      if (problem === undefined) return undefined
    }
    return problem
  }

export const listOf =
  (check: Check, max = 10_000): Check =>
  (value, field) => {
    if (!Array.isArray(value) || value.length > max) {
      return `${field} is not a list of at most ${max} (got ${shown(value)})`
    }
    for (const [index, item] of value.entries()) {
      const problem = check(item, `${field}[${index}]`)
      if (problem) return problem
    }
    return undefined
  }

/** An object with these fields (others are let through: a later version may add some). */
export const fields =
  (shape: Record<string, Check>): Check =>
  (value, field) => {
    if (!isObject(value)) return `${field || 'the document'} is not a JSON object`
    for (const [name, check] of Object.entries(shape)) {
      const problem = check(value[name], field ? `${field}.${name}` : name)
      if (problem) return problem
    }
    return undefined
  }
