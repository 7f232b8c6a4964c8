import { group } from '../../src/core/regex.js'
/**
 * EventBridge's input transformer, as its user guide documents it ("Amazon EventBridge input
 * transformation": the examples table and "Common issues with transforming input"); no local
 * peer runs one. Implemented here, strictly:
 * - InputPathsMap values are JSON paths in dot notation (letters, digits, `-`, `_`, array
 *   indices); a path the event does not have creates no variable, and a placeholder with no
 *   variable is an error here (EventBridge would leave it out of the output).
 * - A placeholder outside quotes becomes the value as JSON (a string with its quotes and
 *   escapes); inside a JSON string it becomes the value's text unescaped ("EventBridge
 *   doesn't escape values extracted by Input Path").
 * - In a JSON-object template a placeholder cannot be an object key.
 * - The reserved variables aws.events.rule-arn and aws.events.rule-name are the rule's.
 */
export interface InputTransformer {
  InputPathsMap?: Record<string, string>
  InputTemplate: string
}

export function transformInput(
  transformer: InputTransformer,
  event: unknown,
  rule: { arn: string; name: string } = { arn: 'arn:aws:events:::rule/test', name: 'test' }
): string {
  const variables = new Map<string, unknown>([
    ['aws.events.rule-arn', rule.arn],
    ['aws.events.rule-name', rule.name]
  ])
  for (const [name, jsonPath] of Object.entries(transformer.InputPathsMap ?? {})) {
    if (name.startsWith('aws.')) throw new Error(`InputPathsMap: ${name} is reserved`)
    const found = select(event, jsonPath)
    if (found !== undefined) variables.set(name, found)
  }
  const template = transformer.InputTemplate
  const isObject = template.trimStart().startsWith('{')
  let output = ''
  let inString = false
  for (let i = 0; i < template.length; i++) {
    const char = template[i]
    if (char === '<') {
      const placeholder = /^<([A-Za-z0-9_.-]+)>/.exec(template.slice(i))
      if (placeholder) {
        const name = group(placeholder, 1)
        if (!variables.has(name)) throw new Error(`InputTemplate: no variable <${name}>`)
        const rest = template.slice(i + placeholder[0].length)
        if (isObject && !inString && /^\s*:/.test(rest)) {
          throw new Error(`InputTemplate: <${name}> is used as an object key`)
        }
        const value = variables.get(name)
        output += inString
          ? typeof value === 'string'
            ? value
            : JSON.stringify(value)
          : JSON.stringify(value)
        i += placeholder[0].length - 1
        continue
      }
    }
    if (char === '"' && !isEscaped(template, i)) inString = !inString
    output += char
  }
  return output
}

function isEscaped(text: string, index: number): boolean {
  let backslashes = 0
  for (let i = index - 1; i >= 0 && text[i] === '\\'; i--) backslashes++
  return backslashes % 2 === 1
}

/** `$.a.b-c[0]` in the event; undefined when any step is missing. */
function select(event: unknown, jsonPath: string): unknown {
  if (!/^\$(?:\.[A-Za-z0-9_-]+|\[\d+\])*$/.test(jsonPath)) {
    throw new Error(`InputPathsMap: ${jsonPath} is not a path EventBridge evaluates`)
  }
  let node: unknown = event
  for (const [, field, index] of jsonPath.slice(1).matchAll(/\.([A-Za-z0-9_-]+)|\[(\d+)\]/g)) {
    if (node === null || typeof node !== 'object') return undefined
    node =
      index !== undefined
        ? Array.isArray(node)
          ? node[Number(index)]
          : undefined
        : // One side of the alternation matched: no index, so a field.
          (node as Record<string, unknown>)[field ?? '']
    if (node === undefined) return undefined
  }
  return node
}
