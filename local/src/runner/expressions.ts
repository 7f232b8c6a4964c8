import { data, Evaluator, Lexer, Parser } from '@actions/expressions'
import type { FunctionDefinition } from '@actions/expressions/funcs/info'
import { TokenType } from '@actions/expressions/lexer'
import { truthy } from '@actions/expressions/result'

/** The contexts an expression can read, as plain JSON values (GitHub's names, lower case). */
export type Contexts = Record<string, unknown>

/** What the status functions answer for the job or step whose condition is evaluated. */
export interface Status {
  success: boolean
  failure: boolean
  cancelled: boolean
}

const contextNames = [
  'github',
  'inputs',
  'vars',
  'secrets',
  'env',
  'needs',
  'steps',
  'job',
  'jobs',
  'runner',
  'strategy',
  'matrix'
]

const statusFunctionNames = ['success', 'failure', 'cancelled', 'always'] as const

function statusFunctions(status: Status | undefined): Map<string, FunctionDefinition> {
  const answer = (name: (typeof statusFunctionNames)[number]): boolean => {
    if (name === 'always') return true
    if (!status) throw new Error(`${name}() is only allowed in an if: condition`)
    return status[name]
  }
  return new Map(
    statusFunctionNames.map(name => [
      name,
      { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(answer(name)) }
    ])
  )
}

export function toExpressionData(value: unknown): data.ExpressionData {
  return JSON.parse(JSON.stringify(value ?? null), data.reviver) as data.ExpressionData
}

/** Back to plain JSON: what a step's env, inputs and outputs are made of. */
export function fromExpressionData(value: data.ExpressionData): unknown {
  switch (value.kind) {
    case data.Kind.Null:
      return null
    case data.Kind.Boolean:
    case data.Kind.Number:
    case data.Kind.String:
      return (value as data.BooleanData | data.NumberData | data.StringData).value
    case data.Kind.Array:
      return (value as data.Array).values().map(fromExpressionData)
    default:
      return Object.fromEntries(
        (value as data.Dictionary).pairs().map(pair => [pair.key, fromExpressionData(pair.value)])
      )
  }
}

function contextDictionary(contexts: Contexts): data.Dictionary {
  const dictionary = new data.Dictionary()
  for (const [name, value] of Object.entries(contexts)) {
    dictionary.add(name, toExpressionData(value))
  }
  return dictionary
}

function evaluateData(
  expression: string,
  contexts: Contexts,
  status?: Status
): data.ExpressionData {
  const lexed = new Lexer(expression).lex()
  // @actions/expressions 0.3.61 turns only the first '' of a string literal back into ', so a
  // run: script with an expression and a few single quotes reached bash broken. Every '' is one
  // quote, as in GitHub's own runner.
  for (const token of lexed.tokens) {
    if (token.type === TokenType.STRING)
      token.value = token.lexeme.slice(1, -1).replaceAll("''", "'")
  }
  const functions = statusFunctions(status)
  const ast = new Parser(
    lexed.tokens,
    contextNames,
    [...functions.values()].map(({ name, minArgs, maxArgs }) => ({ name, minArgs, maxArgs }))
  ).parse()
  return new Evaluator(ast, contextDictionary(contexts), functions).evaluate()
}

/** One `${{ }}` body, evaluated by GitHub's own expression engine. */
export function evaluateExpression(
  expression: string,
  contexts: Contexts,
  status?: Status
): unknown {
  return fromExpressionData(evaluateData(expression, contexts, status))
}

/** An `if:` condition (already wrapped in `success() && (…)` by the parser when needed). */
export function evaluateCondition(expression: string, contexts: Contexts, status: Status): boolean {
  return truthy(evaluateData(expression, contexts, status))
}

/** How GitHub turns an expression's value into the text of an env var or input. */
export function asText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'object') return JSON.stringify(value, null, 2)
  return String(value)
}
