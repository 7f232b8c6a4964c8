import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'

const LOG_LINE = /^\d{2}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} (INFO|WARN|DEBUG|TRACE) /

/**
 * The line that says why a driver failed, for `stateDetails`: the exception line of the last
 * Python traceback (the first unindented line after it), else the last line naming an error
 * or exception that is not an INFO/WARN log line; '' when there is none.
 */
export async function lastErrorLine(stderrFile: string): Promise<string> {
  let inTraceback = false
  let tracebackError = ''
  let otherError = ''
  const lines = createInterface({ input: createReadStream(stderrFile), crlfDelay: Infinity })
  for await (const line of lines) {
    if (line.startsWith('Traceback (most recent call last):')) {
      inTraceback = true
      continue
    }
    if (inTraceback) {
      if (/^\s/.test(line) || !line.trim()) continue
      tracebackError = line.trim()
      inTraceback = false
      continue
    }
    if (/(Error|Exception)\b/.test(line) && !LOG_LINE.test(line) && !/^\s+at /.test(line))
      otherError = line.trim()
  }
  return truncate(tracebackError || otherError, 500)
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}
