import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { NoOperationTraceWriter } from '@actions/workflow-parser'
import {
  convertActionTemplate,
  parseAction,
  type ActionTemplate
} from '@actions/workflow-parser/actions/index'

/** A `uses: ./<dir>` action that the runner can run: a Node action. */
export interface LocalAction {
  dir: string
  template: ActionTemplate
  main: string
  post?: string
  postIf: string
}

/** Reads `<dir>/action.yml` with GitHub's parser; a message says what is wrong, else the action. */
export function loadLocalAction(workspace: string, uses: string): LocalAction | string {
  const dir = path.resolve(workspace, uses)
  const file = ['action.yml', 'action.yaml'].map(name => path.join(dir, name)).find(existsSync)
  if (!file) return `${uses}: no action.yml in ${path.relative(workspace, dir) || '.'}`
  const relative = path.relative(workspace, file)
  const parsed = parseAction(
    { name: relative, content: readFileSync(file, 'utf8') },
    new NoOperationTraceWriter()
  )
  const errors = parsed.context.errors.getErrors().map(error => error.message)
  if (errors.length > 0 || !parsed.value) return errors.join('; ') || `${relative}: not an action`
  const template = convertActionTemplate(parsed.context, parsed.value)
  const runs = template.runs
  if (!runs.using.startsWith('node')) {
    return `${relative}: runs.using '${runs.using}' actions are not supported by the local runner (only Node actions)`
  }
  const node = runs as Extract<ActionTemplate['runs'], { main: string }>
  if (node.pre) return `${relative}: runs.pre is not supported by the local runner`
  return {
    dir,
    template,
    main: path.resolve(dir, node.main),
    ...(node.post ? { post: path.resolve(dir, node.post) } : {}),
    postIf: node.postIf ?? 'always()'
  }
}
