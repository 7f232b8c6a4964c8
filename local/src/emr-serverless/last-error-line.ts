import { createReadStream, existsSync } from 'node:fs'
import { createInterface } from 'node:readline'

const LOG_LINE = /^\d{2}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} (INFO|WARN|DEBUG|TRACE) /

/**
 * The line that says why a driver failed, for `stateDetails`: the exception line of the last
 * Python traceback (the first unindented line after it), else the last line naming an error
 * or exception that is not an INFO/WARN log line; '' when there is none. PySpark's driver
 * merges Python's stderr into the JVM's stdout, so a traceback is looked for in every file.
 */
export async function lastErrorLine(...files: string[]): Promise<string> {
  let traceback = ''
  let other = ''
  for (const file of files) {
    if (!existsSync(file)) continue
    const found = await errorLines(file)
    traceback ||= found.traceback
    other ||= found.other
  }
  return truncate(traceback || other, 500)
}

async function errorLines(file: string): Promise<{ traceback: string; other: string }> {
  let inTraceback = false
  let traceback = ''
  let other = ''
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity })
  for await (const line of lines) {
    if (line.startsWith('Traceback (most recent call last):')) {
      inTraceback = true
      continue
    }
    if (inTraceback) {
      if (/^\s/.test(line) || !line.trim()) continue
      traceback = line.trim()
      inTraceback = false
      continue
    }
    if (/(Error|Exception)\b/.test(line) && !LOG_LINE.test(line) && !/^\s+at /.test(line))
      other = line.trim()
  }
  return { traceback, other }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}
