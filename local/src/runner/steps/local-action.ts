import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { isBoolean, NoOperationTraceWriter } from '@actions/workflow-parser'
import {
  convertActionTemplate,
  parseAction,
  type ActionTemplate
} from '@actions/workflow-parser/actions/index'
import { ErrorPolicy } from '@actions/workflow-parser/model/convert'
import { asText, type Contexts } from '../expressions.js'
import { evaluateToken } from '../template.js'
import { refusal } from '../workflow-file.js'
import {
  availableNodes,
  nodeRuntimeFor,
  type NodeInstall,
  type NodeRuntime
} from './node-runtime.js'

/** A `uses: ./<dir>` action that the runner can run: a Node action. */
export interface LocalAction {
  dir: string
  template: ActionTemplate
  /** The Node its `runs.using` names, as a GitHub runner chooses it. */
  node: NodeRuntime
  main: string
  post?: string
  postIf: string
}

/** The action.yml (or action.yaml) of a `uses: ./<dir>` step, if there is one yet. */
export function localActionFile(workspace: string, uses: string): string | undefined {
  const dir = path.resolve(workspace, uses)
  return ['action.yml', 'action.yaml'].map(name => path.join(dir, name)).find(existsSync)
}

// @actions/workflow-parser's action schema requires `name` and `description`; the GitHub
// runner's own (src/Runner.Worker/action_yaml.json) does not, and runs actions without them.
const notRequiredOnGitHub = /: Required property is missing: (name|description)$/

/**
 * Reads `<dir>/action.yml` with GitHub's parser: the action, or what is wrong with it, one
 * line per problem.
 */
export function loadLocalAction(
  workspace: string,
  uses: string,
  nodes: NodeInstall[] = availableNodes()
): LocalAction | string[] {
  const dir = path.resolve(workspace, uses)
  const file = localActionFile(workspace, uses)
  if (!file) return [`${uses}: no action.yml in ${path.relative(workspace, dir) || '.'}`]
  const relative = path.relative(workspace, file)
  const parsed = parseAction(
    { name: relative, content: readFileSync(file, 'utf8') },
    new NoOperationTraceWriter()
  )
  const errors = parsed.context.errors
    .getErrors()
    .map(error => refusal(error.message))
    .filter(message => !notRequiredOnGitHub.test(message))
  if (errors.length > 0) return errors
  if (!parsed.value) return [`${relative}: not an action`]
  // Past the errors GitHub would not raise: converted all the same.
  const template = convertActionTemplate(parsed.context, parsed.value, {
    errorPolicy: ErrorPolicy.TryConversion
  })
  const runs = template.runs
  const runtime = nodeRuntimeFor(runs.using, nodes)
  if (typeof runtime === 'string') return [`${relative}: ${runtime}`]
  const node = runs as Extract<ActionTemplate['runs'], { main: string }>
  if (node.pre) return [`${relative}: runs.pre is not supported by the local runner`]
  return {
    dir,
    template,
    node: runtime,
    main: path.resolve(dir, node.main),
    ...(node.post ? { post: path.resolve(dir, node.post) } : {}),
    postIf: node.postIf ?? 'always()'
  }
}

function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/**
 * INPUT_* for a Node action: the step's `with:` over the action.yml defaults (whose
 * `${{ }}` are evaluated in the step's contexts), as the runner sets them.
 */
export function actionInputs(
  action: LocalAction,
  given: Record<string, string>,
  contexts: Contexts,
  file: string,
  warn: (message: string) => void
): Record<string, string> {
  const env: Record<string, string> = {}
  const declared = new Map(
    (action.template.inputs ?? []).map(input => [input.id.toLowerCase(), input])
  )
  for (const input of declared.values()) {
    if (input.default !== undefined) {
      const value = isBoolean(input.default)
        ? String(input.default.value)
        : evaluateToken(input.default, contexts, file)
      env[inputEnvName(input.id)] = asText(value)
    }
  }
  const unexpected: string[] = []
  for (const [name, value] of Object.entries(given)) {
    if (!declared.has(name.toLowerCase())) unexpected.push(name)
    env[inputEnvName(name)] = value
  }
  if (unexpected.length > 0) {
    const valid = [...declared.values()].map(input => input.id).join(', ')
    warn(`Unexpected input(s) '${unexpected.join("', '")}', valid inputs are [${valid}]`)
  }
  return env
}
