/** A wrong command line: one line and the usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/**
 * A workflow the runner cannot run as written (a parse error, an unsupported feature): said
 * once, as `file:line:col: message`, before any job starts. Exit code 2.
 */
export class WorkflowFileError extends Error {
  override name = 'WorkflowFileError'
}

/** Where a template token came from, as an editor jumps to it. */
export function location(
  file: string,
  token?: { line?: number | undefined; col?: number | undefined }
): string {
  if (!token?.line) return file
  return token.col ? `${file}:${token.line}:${token.col}` : `${file}:${token.line}`
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
