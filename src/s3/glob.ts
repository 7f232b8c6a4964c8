import picomatch from 'picomatch'

/** Characters that make a key a glob; a key without any of them (unescaped) is literal. */
const WILDCARDS = new Set(['*', '?', '[', '{'])

/** Characters picomatch reads as regex or extglob syntax, which S3 keys use literally. */
const LITERAL_OUTSIDE_BRACKETS = new Set(['(', ')', '|', '+', '@', '!', '$', '^'])

/** True when the text has an unescaped `*`, `?`, `[` or `{`. */
export function isGlob(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const char = text.charAt(index)
    if (char === '\\') index++
    else if (WILDCARDS.has(char)) return true
  }
  return false
}

/** What a `\` may escape in a key that is not a glob: a wildcard, a closing bracket or `\`. */
const ESCAPABLE = new Set([...WILDCARDS, ']', '}', '\\'])

/**
 * The key a text without unescaped wildcards stands for: `exports/file\*.csv` is the key
 * `exports/file*.csv`. A `\` before any other character is part of the key, as S3 allows.
 */
export function unescapeKey(text: string): string {
  let key = ''
  for (let index = 0; index < text.length; index++) {
    const char = text.charAt(index)
    if (char === '\\' && ESCAPABLE.has(text.charAt(index + 1))) key += text.charAt(++index)
    else key += char
  }
  return key
}

/**
 * The part of a glob before its first wildcard, unescaped: the only prefix that has to be
 * listed. `bronze/customers/date=2024-01-01/*.json` → `bronze/customers/date=2024-01-01/`.
 */
export function literalPrefix(glob: string): string {
  let prefix = ''
  for (let index = 0; index < glob.length; index++) {
    const char = glob.charAt(index)
    if (char === '\\' && index + 1 < glob.length) prefix += glob.charAt(++index)
    else if (WILDCARDS.has(char)) break
    else prefix += char
  }
  return prefix
}

/**
 * Where the first unclosed `[` or `{` is, or undefined when every one is closed. Checked
 * before picomatch, which would otherwise read a lone `[` as a literal and wait for a key
 * nobody meant.
 */
export function unclosedBracket(glob: string): { char: '[' | '{'; position: number } | undefined {
  const braces: number[] = []
  for (let index = 0; index < glob.length; index++) {
    const char = glob.charAt(index)
    if (char === '\\') {
      index++
    } else if (char === '[') {
      const close = bracketEnd(glob, index)
      if (close === undefined) return { char: '[', position: index + 1 }
      index = close
    } else if (char === '{') {
      braces.push(index)
    } else if (char === '}') {
      braces.pop()
    }
  }
  const [firstOpen] = braces
  return firstOpen === undefined ? undefined : { char: '{', position: firstOpen + 1 }
}

/** Index of the `]` closing the bracket expression opened at `open`. */
function bracketEnd(glob: string, open: number): number | undefined {
  let index = open + 1
  if (glob[index] === '!' || glob[index] === '^') index++
  // A `]` right after the opening (or its negation) is a member, not the end.
  if (glob[index] === ']') index++
  for (; index < glob.length; index++) {
    const char = glob.charAt(index)
    if (char === '\\') index++
    else if (char === '[' && glob[index + 1] === ':') {
      const end = glob.indexOf(':]', index + 2)
      if (end > 0) index = end + 1
    } else if (char === ']') return index
  }
  return undefined
}

/** Escapes the characters picomatch would read as regex groups, outside bracket expressions. */
function escapeLiterals(glob: string): string {
  let out = ''
  for (let index = 0; index < glob.length; index++) {
    const char = glob.charAt(index)
    if (char === '\\') {
      out += glob.slice(index, index + 2)
      index++
    } else if (char === '[') {
      const close = bracketEnd(glob, index) ?? glob.length - 1
      out += glob.slice(index, close + 1)
      index = close
    } else {
      out += LITERAL_OUTSIDE_BRACKETS.has(char) ? `\\${char}` : char
    }
  }
  return out
}

export type KeyMatcher = (key: string) => boolean

/**
 * Compiles a glob over whole S3 keys: `*` and `?` stay within one `/`-separated segment,
 * `**` crosses segments, `[...]` (with `[!...]` and POSIX classes) and `{a,b}` as in a shell.
 * Throws (with picomatch's reason) for a glob it cannot read; check unclosedBracket first.
 */
export function compileGlob(glob: string): KeyMatcher {
  const matcher = picomatch(escapeLiterals(glob), {
    dot: true,
    posix: true,
    windows: false,
    noextglob: true,
    nonegate: true,
    strictBrackets: true
  })
  return key => matcher(key)
}

/** One `/`-separated part of a glob, as the folder walk sees it. */
export interface GlobSegment {
  /** The glob text of the segment, escapes kept. */
  text: string
  /** Holds an unescaped wildcard. */
  wild: boolean
  /**
   * May match across a `/`: `**`, a `{...}` holding a `/`, or a bracket expression that
   * matches `/` (`[[:punct:]]`, `[+-0]`). The walk cannot go past such a segment.
   */
  crosses: boolean
}

/**
 * Splits a glob at each `/` that separates segments. A `/` inside braces or brackets stays
 * in its segment, which is then marked as crossing.
 */
export function globSegments(glob: string): GlobSegment[] {
  const segments: GlobSegment[] = []
  let current: GlobSegment = { text: '', wild: false, crosses: false }
  let braces = 0
  for (let index = 0; index < glob.length; index++) {
    const char = glob.charAt(index)
    if (char === '\\') {
      current.text += glob.slice(index, index + 2)
      index++
    } else if (char === '[') {
      const close = bracketEnd(glob, index) ?? glob.length - 1
      const bracket = glob.slice(index, close + 1)
      current.text += bracket
      current.wild = true
      if (bracket.includes('/') || compileGlob(bracket)('/')) current.crosses = true
      index = close
    } else if (char === '/' && braces === 0) {
      segments.push(current)
      current = { text: '', wild: false, crosses: false }
    } else {
      current.text += char
      if (char === '/') current.crosses = true
      if (char === '{') braces++
      if (char === '}' && braces > 0) braces--
      if (char === '*' && glob[index + 1] === '*') current.crosses = true
      if (WILDCARDS.has(char)) current.wild = true
    }
  }
  segments.push(current)
  return segments
}

/**
 * True when the glob's first wildcard sits in a middle segment that a folder walk can go
 * through (`date=2026-01-*\/part-0001.json`); false when listing its literal prefix is all
 * there is to do (the wildcard is in the last segment, or in a `**`-like segment).
 */
export function walksFolders(glob: string): boolean {
  const segments = globSegments(glob)
  const first = segments.findIndex(segment => segment.wild)
  return first >= 0 && first < segments.length - 1 && !segments[first]?.crosses
}
