import type { InputConfig } from '@actions/workflow-parser/model/workflow-template'
import { UsageError } from './errors.js'

/**
 * The `inputs` context of a dispatched or called run: every declared input, given or from its
 * default, typed as GitHub types it (boolean → true/false, number → a number, choice → one of
 * its options). A given input that is not declared, or of the wrong type, is a usage error.
 */
export function resolveInputs(
  declared: Record<string, InputConfig> | undefined,
  given: Record<string, unknown>,
  where: string
): Record<string, unknown> {
  const inputs: Record<string, unknown> = {}
  const byName = new Map(
    Object.entries(declared ?? {}).map(([name, config]) => [name.toLowerCase(), { name, config }])
  )
  for (const name of Object.keys(given)) {
    if (!byName.has(name.toLowerCase())) {
      const known = [...byName.values()].map(entry => entry.name).join(', ') || 'none'
      throw new UsageError(`input '${name}': not declared by ${where} (declared: ${known})`)
    }
  }
  for (const { name, config } of byName.values()) {
    const key = Object.keys(given).find(candidate => candidate.toLowerCase() === name.toLowerCase())
    const value = key === undefined ? config.default : given[key]
    if (value === undefined || value === null) {
      if (config.required)
        throw new UsageError(`input '${name}': required by ${where}, give --input ${name}=…`)
      inputs[name] = config.type === 'boolean' ? false : ''
      continue
    }
    inputs[name] = typed(name, config, value, where)
  }
  return inputs
}

function typed(name: string, config: InputConfig, value: unknown, where: string): unknown {
  const type = String(config.type ?? 'string')
  const text = typeof value === 'string' ? value : String(value)
  switch (type) {
    case 'boolean':
      if (typeof value === 'boolean') return value
      if (text === 'true' || text === 'false') return text === 'true'
      throw new UsageError(`input '${name}': expected true or false, got '${text}'`)
    case 'number': {
      const number = typeof value === 'number' ? value : Number(text)
      if (text.trim() === '' || !Number.isFinite(number)) {
        throw new UsageError(`input '${name}': expected a number, got '${text}'`)
      }
      return number
    }
    case 'choice':
      if (config.options && !config.options.includes(text)) {
        throw new UsageError(
          `input '${name}': expected one of ${config.options.join(', ')} (${where}), got '${text}'`
        )
      }
      return text
    default:
      return text
  }
}
