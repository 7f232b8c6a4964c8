/**
 * A job's `strategy`, evaluated: its matrix legs (cartesian product of the keys, minus
 * `exclude`, plus `include` as GitHub documents it), `fail-fast` (default true) and
 * `max-parallel`.
 */
export interface Strategy {
  legs: Record<string, unknown>[]
  failFast: boolean
  maxParallel?: number
}

type Combination = Record<string, unknown>

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const matches = (combination: Combination, pattern: Combination): boolean =>
  Object.entries(pattern).every(
    ([key, value]) => JSON.stringify(combination[key]) === JSON.stringify(value)
  )

export function expandStrategy(value: unknown, where: string): Strategy {
  if (value === undefined || value === null) return { legs: [{}], failFast: true }
  if (!isObject(value)) throw new Error(`${where}: strategy must be a mapping`)
  const failFast = value['fail-fast'] === undefined ? true : Boolean(value['fail-fast'])
  const maxParallelValue = value['max-parallel']
  let maxParallel: number | undefined
  if (maxParallelValue !== undefined && maxParallelValue !== null && maxParallelValue !== '') {
    maxParallel = Number(maxParallelValue)
    if (!Number.isInteger(maxParallel) || maxParallel < 1) {
      throw new Error(
        `${where}: strategy.max-parallel must be a positive integer, got '${String(maxParallelValue)}'`
      )
    }
  }
  const matrix = value.matrix
  if (matrix === undefined || matrix === null)
    return { legs: [{}], failFast, ...(maxParallel ? { maxParallel } : {}) }
  if (!isObject(matrix)) throw new Error(`${where}: strategy.matrix must be a mapping`)

  let combinations: Combination[] = [{}]
  for (const [key, values] of Object.entries(matrix)) {
    if (key === 'include' || key === 'exclude') continue
    if (!Array.isArray(values)) throw new Error(`${where}: matrix.${key} must be a list`)
    combinations = combinations.flatMap(combination =>
      values.map(item => ({ ...combination, [key]: item }))
    )
  }
  const original = Object.keys(matrix).filter(key => key !== 'include' && key !== 'exclude')
  if (original.length === 0) combinations = []
  const exclude = Array.isArray(matrix.exclude) ? matrix.exclude.filter(isObject) : []
  combinations = combinations.filter(
    combination => !exclude.some(pattern => matches(combination, pattern))
  )

  const include = Array.isArray(matrix.include) ? matrix.include.filter(isObject) : []
  const extended = combinations.map(combination => ({ ...combination }))
  for (const entry of include) {
    let added = false
    const originalPart = Object.fromEntries(
      Object.entries(entry).filter(([key]) => original.includes(key))
    )
    for (const [index, combination] of extended.entries()) {
      if (matches(combinations[index] ?? {}, originalPart)) {
        Object.assign(combination, entry)
        added = true
      }
    }
    if (!added) extended.push({ ...entry })
  }
  if (extended.length === 0) throw new Error(`${where}: the matrix has no combinations`)
  return { legs: extended, failFast, ...(maxParallel ? { maxParallel } : {}) }
}
