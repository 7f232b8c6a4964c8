/**
 * What domain code may say to the user. The action runner maps it onto the workflow log
 * (annotations, groups); tests and the CLI pass their own.
 */
export interface Logger {
  info(message: string): void
  warning(message: string): void
  error(message: string): void
  debug(message: string): void
  /** Lines folded into a collapsible group in the workflow log. */
  group(title: string, lines: readonly string[]): void
}

/** Collects everything said, for tests. */
export class MemoryLogger implements Logger {
  readonly lines: string[] = []
  info(message: string): void {
    this.lines.push(`info: ${message}`)
  }
  warning(message: string): void {
    this.lines.push(`warning: ${message}`)
  }
  error(message: string): void {
    this.lines.push(`error: ${message}`)
  }
  debug(message: string): void {
    this.lines.push(`debug: ${message}`)
  }
  group(title: string, lines: readonly string[]): void {
    this.lines.push(`group: ${title}`, ...lines.map(line => `  ${line}`))
  }
}

export const silentLogger: Logger = {
  info: () => undefined,
  warning: () => undefined,
  error: () => undefined,
  debug: () => undefined,
  group: () => undefined
}

/**
 * Could the runner take this line as a workflow command? `::name…` after leading spaces, or
 * the older `##[name]` form anywhere in the line (the runner still reads both).
 */
export function mayBeWorkflowCommand(line: string): boolean {
  return /^\s*::/.test(line) || line.includes('##[')
}

/**
 * Text from data (an input, an S3 key, a service's answer, a job's output) as the lines to
 * print so that the runner takes none of them as a workflow command: as they are when none
 * could be one, else between `::stop-commands::<token>` and `::<token>::`, with a token the
 * text does not hold. Every line a Logger prints to the workflow log goes through here.
 */
export function inertLines(text: string, newToken: () => string): string[] {
  const lines = text.split(/\r\n|\n|\r/)
  if (!lines.some(mayBeWorkflowCommand)) return lines
  let token = newToken()
  while (text.includes(token)) token = newToken()
  return [`::stop-commands::${token}`, ...lines, `::${token}::`]
}
