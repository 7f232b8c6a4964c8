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
