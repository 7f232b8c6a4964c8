import { group } from '../../../src/core/regex.js'
/**
 * Workflow commands an action or script prints (`::name key=value,…::message`), parsed as the
 * runner parses them, with its escapes (%25 %0D %0A, and %3A %2C in properties).
 */
export interface WorkflowCommand {
  command: string
  properties: Record<string, string>
  message: string
}

const commandLine = /^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$/

function unescapeData(text: string): string {
  return text.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%')
}

function unescapeProperty(text: string): string {
  return text
    .replace(/%0D/gi, '\r')
    .replace(/%0A/gi, '\n')
    .replace(/%3A/gi, ':')
    .replace(/%2C/gi, ',')
    .replace(/%25/g, '%')
}

export function parseWorkflowCommand(line: string): WorkflowCommand | undefined {
  const match = commandLine.exec(line.trimStart())
  if (!match) return undefined
  const properties: Record<string, string> = {}
  for (const part of (match[2] ?? '').split(',')) {
    const equals = part.indexOf('=')
    if (equals > 0)
      properties[part.slice(0, equals).trim()] = unescapeProperty(part.slice(equals + 1))
  }
  return {
    command: group(match, 1).toLowerCase(),
    properties,
    message: unescapeData(group(match, 3))
  }
}

export type Annotation = {
  level: 'error' | 'warning' | 'notice'
  message: string
  file?: string
  line?: string
  title?: string
}

/** What one line of a step's output turned into. */
export type LineEffect =
  | { kind: 'print'; text: string }
  | { kind: 'group'; title: string }
  | { kind: 'endgroup' }
  | { kind: 'debug'; text: string }
  | { kind: 'annotation'; annotation: Annotation }
  /** A command the runner refuses: the step fails, as GitHub fails it, with these lines. */
  | { kind: 'refused'; errors: string[] }
  | { kind: 'none' }

export interface CommandSink {
  addMask(value: string): void
  setOutput(name: string, value: string): void
  saveState(name: string, value: string): void
  setEnv(name: string, value: string): void
  addPath(directory: string): void
  /** ACTIONS_ALLOW_UNSECURE_COMMANDS is `true` in the step's environment. */
  allowUnsecureCommands: boolean
}

/** The GitHub runner's words for `::set-env` and `::add-path` when they are not allowed. */
export function unsecureCommandDisabled(command: string): string {
  return (
    `The \`${command}\` command is disabled. Please upgrade to using Environment Files or opt ` +
    'into unsecure command execution by setting the `ACTIONS_ALLOW_UNSECURE_COMMANDS` ' +
    'environment variable to `true`. For more information see: ' +
    'https://github.blog/changelog/2020-10-01-github-actions-deprecating-set-env-and-add-path-commands/'
  )
}

/**
 * Per step: follows `::stop-commands::<token>` (nothing is a command until `::<token>::`),
 * applies add-mask and the deprecated set-output / save-state, and says how to print the rest.
 */
export class CommandProcessor {
  private stopToken: string | undefined

  constructor(private readonly sink: CommandSink) {}

  process(line: string): LineEffect {
    const command = parseWorkflowCommand(line)
    if (this.stopToken !== undefined) {
      if (command && command.command === this.stopToken.toLowerCase()) {
        this.stopToken = undefined
        return { kind: 'none' }
      }
      if (line.trimStart().startsWith(`::${this.stopToken}::`)) {
        this.stopToken = undefined
        return { kind: 'none' }
      }
      return { kind: 'print', text: line }
    }
    if (!command) return { kind: 'print', text: line }
    switch (command.command) {
      case 'add-mask':
        this.sink.addMask(command.message)
        return { kind: 'none' }
      case 'stop-commands':
        this.stopToken = command.message
        return { kind: 'none' }
      case 'group':
        return { kind: 'group', title: command.message }
      case 'endgroup':
        return { kind: 'endgroup' }
      case 'debug':
        return { kind: 'debug', text: command.message }
      case 'error':
      case 'warning':
      case 'notice':
        return {
          kind: 'annotation',
          annotation: {
            level: command.command,
            message: command.message,
            ...(command.properties.file ? { file: command.properties.file } : {}),
            ...(command.properties.line ? { line: command.properties.line } : {}),
            ...(command.properties.title ? { title: command.properties.title } : {})
          }
        }
      case 'set-output':
        this.sink.setOutput(command.properties.name ?? '', command.message)
        return { kind: 'none' }
      case 'save-state':
        this.sink.saveState(command.properties.name ?? '', command.message)
        return { kind: 'none' }
      case 'echo':
        return { kind: 'none' }
      case 'set-env':
      case 'add-path':
        return this.unsecure(command, line.trimStart())
      default:
        return { kind: 'print', text: line }
    }
  }

  // The deprecated commands that change later steps' environment: applied only when the step
  // opted in, as GitHub's runner does (ActionCommandManager: SetEnv and AddPath extensions);
  // otherwise the step fails with GitHub's message.
  private unsecure(command: WorkflowCommand, line: string): LineEffect {
    const unable = `Unable to process command '${line}' successfully.`
    if (!this.sink.allowUnsecureCommands)
      return { kind: 'refused', errors: [unable, unsecureCommandDisabled(command.command)] }
    if (command.command === 'add-path') {
      this.sink.addPath(command.message)
      return { kind: 'none' }
    }
    const name = command.properties.name
    if (!name)
      return {
        kind: 'refused',
        errors: [unable, "Required field 'name' is missing in ##[set-env] command."]
      }
    this.sink.setEnv(name, command.message)
    return { kind: 'none' }
  }
}
