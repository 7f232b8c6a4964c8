import { readFileSync } from 'node:fs'

/**
 * The environment files a step writes (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_STATE): one
 * `name=value` per line, or a block `name<<DELIMITER` … `DELIMITER` for multi-line values,
 * as GitHub documents them. A block whose delimiter never comes fails the step, as on GitHub.
 */
export function parseKeyValueFile(content: string, fileName: string): [string, string][] {
  const lines = content.split(/\r?\n/)
  const pairs: [string, string][] = []
  for (let index = 0; index < lines.length; index++) {
    // Both loops stay below lines.length.
    const line = lines[index]!
    if (line.trim() === '') continue
    const heredoc = line.indexOf('<<')
    const equals = line.indexOf('=')
    if (heredoc > 0 && (equals < 0 || heredoc < equals)) {
      const name = line.slice(0, heredoc)
      const delimiter = line.slice(heredoc + 2)
      if (!delimiter) throw new Error(`${fileName}: '${name}<<' has no delimiter`)
      const value: string[] = []
      let closed = false
      for (index++; index < lines.length; index++) {
        if (lines[index] === delimiter) {
          closed = true
          break
        }
        value.push(lines[index]!)
      }
      if (!closed) {
        throw new Error(`${fileName}: matching delimiter '${delimiter}' not found for '${name}'`)
      }
      pairs.push([name, value.join('\n')])
    } else if (equals > 0) {
      pairs.push([line.slice(0, equals), line.slice(equals + 1)])
    } else {
      throw new Error(
        `${fileName}: invalid line '${line}' (expected name=value or name<<DELIMITER)`
      )
    }
  }
  return pairs
}

export function readKeyValueFile(file: string, fileName: string): [string, string][] {
  return parseKeyValueFile(readText(file), fileName)
}

/** GITHUB_PATH: one directory per line, prepended to PATH for the later steps. */
export function readPathFile(file: string): string[] {
  return readText(file)
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line.length > 0)
}

export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}
