import { existsSync, readFileSync } from 'node:fs'
import { UsageError } from './errors.js'
import { group } from '../../../src/core/regex.js'

/**
 * Repository variables for a local run: `NAME=VALUE` per line, `#` comments and blank lines
 * ignored, optional quotes around the value. The default file is `.github/local-vars.env`;
 * a missing default file is no error, a missing given file is.
 */
export function readVarsFile(file: string, required: boolean): Record<string, string> {
  if (!existsSync(file)) {
    if (required) throw new UsageError(`--vars-file: no such file ${file}`)
    return {}
  }
  const vars: Record<string, string> = {}
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((line, index) => {
      const text = line.trim()
      if (!text || text.startsWith('#')) return
      const pair = parseAssignment(text)
      if (!pair) throw new UsageError(`${file}:${index + 1}: expected NAME=VALUE, got '${text}'`)
      vars[pair[0]] = pair[1]
    })
  return vars
}

/** `NAME=VALUE` (also for --var and --input); the value may be quoted. */
export function parseAssignment(text: string): [string, string] | undefined {
  const match = /^([A-Za-z_][\w-]*)=(.*)$/s.exec(text)
  if (!match) return undefined
  const value = group(match, 2)
  const quoted = /^(["'])(.*)\1$/s.exec(value.trim())
  return [group(match, 1), quoted ? group(quoted, 2) : value]
}
