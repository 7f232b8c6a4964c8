import {
  isBasicExpression,
  isBoolean,
  isMapping,
  isNumber,
  isSequence,
  isString
} from '@actions/workflow-parser'
import type { MappingToken, TemplateToken } from '@actions/workflow-parser/templates/tokens/index'
import { TokenType } from '@actions/workflow-parser/templates/tokens/types'
import { location, messageOf, WorkflowFileError } from './errors.js'
import { asText, evaluateExpression, type Contexts, type Status } from './expressions.js'

/**
 * Evaluates a piece of the parser's template (a mapping, a sequence, a scalar, with `${{ }}`
 * tokens anywhere) into plain values, the way the runner expands a job or step before use.
 * A failing expression says where it is in the workflow file.
 */
export function evaluateToken(
  token: TemplateToken | undefined,
  contexts: Contexts,
  file: string,
  status?: Status
): unknown {
  if (!token) return undefined
  if (isBasicExpression(token)) {
    try {
      return evaluateExpression(token.expression, contexts, status)
    } catch (error) {
      throw new WorkflowFileError(
        `${location(file, token)}: cannot evaluate \${{ ${token.expression} }}: ${messageOf(error)}`
      )
    }
  }
  if (isString(token)) return token.value
  if (isBoolean(token)) return token.value
  if (isNumber(token)) return token.value
  if (isSequence(token)) {
    // As GitHub's template evaluator does, an item that is an expression evaluating to an
    // array is inserted item by item (a matrix's `- ${{ fromJSON(needs.x.outputs.more) }}`).
    return [...token].flatMap(item => {
      const value = evaluateToken(item, contexts, file, status)
      return isBasicExpression(item) && Array.isArray(value) ? value : [value]
    })
  }
  if (isMapping(token)) {
    const result: Record<string, unknown> = {}
    for (const pair of token) {
      const key = asText(evaluateToken(pair.key, contexts, file, status))
      result[key] = evaluateToken(pair.value, contexts, file, status)
    }
    return result
  }
  if (token.templateTokenType === TokenType.Null) return null
  throw new WorkflowFileError(`${location(file, token)}: \${{ insert }} is not supported`)
}

/** A mapping of names to text (env:, with:, outputs:), each value evaluated on its own. */
export function evaluateTextMap(
  token: TemplateToken | undefined,
  contexts: Contexts,
  file: string
): Record<string, string> {
  const value = evaluateToken(token, contexts, file)
  if (value === undefined || value === null) return {}
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new WorkflowFileError(`${location(file, token)}: expected a mapping of names to values`)
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, asText(item)]))
}

/** A property of a mapping token by its key, as written in the file. */
export function property(
  mapping: TemplateToken | undefined,
  key: string
): TemplateToken | undefined {
  if (!mapping || !isMapping(mapping)) return undefined
  for (const pair of mapping as MappingToken) {
    if (isString(pair.key) && pair.key.value === key) return pair.value
  }
  return undefined
}
