import { printable } from './printable.js'

/**
 * GitHub-flavoured Markdown built so that text from data cannot become markup: job summaries
 * and issue bodies quote S3 keys, error messages, service answers and rule names, any of
 * which may hold backticks, pipes, HTML, mentions or bidirectional controls. Only the
 * literal parts of a `safeMd` template and the helpers below make Markdown; every other value
 * is escaped as text on its way in.
 */
export class Markdown {
  readonly #source: string
  /** Only this module holds the key: nothing else can make Markdown out of a string. */
  constructor(key: typeof MODULE_KEY, source: string) {
    if (key !== MODULE_KEY) throw new TypeError('Markdown is made by the markdown helpers only')
    this.#source = source
  }

  toString(): string {
    return this.#source
  }
}

const MODULE_KEY = Symbol('markdown')
const trusted = (source: string): Markdown => new Markdown(MODULE_KEY, source)

export type MarkdownValue =
  string | number | boolean | null | undefined | Markdown | readonly MarkdownValue[]

/**
 * Interpolates values into a Markdown template: strings as text, Markdown as it is. (Not
 * named `md`: Prettier would format such templates as Markdown and change what they make.)
 */
export function safeMd(literals: TemplateStringsArray, ...values: MarkdownValue[]): Markdown {
  // A tagged template has one literal more than values.
  let source = literals[0]!
  values.forEach((value, index) => {
    source += sourceOf(value) + literals[index + 1]!
  })
  return trusted(source)
}

function sourceOf(value: MarkdownValue): string {
  if (value instanceof Markdown) return value.toString()
  if (Array.isArray(value)) return value.map(sourceOf).join('')
  if (value === null || value === undefined || value === false) return ''
  return text(String(value as string | number | boolean)).toString()
}

/** Several pieces one after another, with `separator` (itself literal Markdown) between. */
export function join(values: readonly MarkdownValue[], separator = ''): Markdown {
  return trusted(values.map(sourceOf).join(separator))
}

/** Characters that start inline markup anywhere in a line (`>` only quotes at its start). */
const INLINE_MARKUP = /[\\`*_[\]<&!~]/g
/**
 * Markers that start a block at the start of a line: a heading, a quote, a list item, a
 * rule or a setext underline (`---`, `===`).
 */
const BLOCK_START =
  /^(\s*)(#{1,6}(?=\s|$)|[>+](?=\s|$)|-(?=[\s-]|$)|=(?=[\s=]|$)|\d{1,9}[.)](?=\s|$))/
/**
 * A mention (`@user`, `@org/team`) or an issue reference (`#12`, `GH-12`): GitHub links and
 * notifies them in issues even when escaped, but not inside a code span.
 */
const REFERENCE = /(@[A-Za-z0-9][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_.-]+)?|#\d+|\bGH-\d+)/

/**
 * Plain text as Markdown: hidden characters shown (`\u202e`), markup characters escaped,
 * HTML as entities, a line break as `<br>` (which also works inside a table cell), and a
 * mention as a code span, where GitHub does not notify anyone.
 */
export function text(value: string): Markdown {
  const lines = value.split(/\r\n|\n|\r/).map(line =>
    printable(line)
      // Split keeps the references at the odd places.
      .split(REFERENCE)
      .map((part, index) => (index % 2 ? codeSpan(part) : escapeInline(part)))
      .join('')
      .replace(BLOCK_START, (_match, space: string, marker: string) =>
        /^\d/.test(marker)
          ? `${space}${marker.slice(0, -1)}\\${marker.slice(-1)}`
          : `${space}\\${marker}`
      )
  )
  return trusted(lines.join('<br>'))
}

const ENTITIES: Record<string, string> = { '<': '&lt;', '&': '&amp;' }

function escapeInline(part: string): string {
  return part.replace(INLINE_MARKUP, character => ENTITIES[character] ?? `\\${character}`)
}

/**
 * An inline code span that its content cannot close: the backtick run around it is longer
 * than any inside. Line breaks become spaces, hidden characters are shown.
 */
export function code(value: string | number): Markdown {
  const content = printable(String(value).replace(/\r\n|\n|\r/g, ' '))
  return trusted(content ? codeSpan(content) : '')
}

function codeSpan(content: string): string {
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map(run => run.length))
  const ticks = '`'.repeat(longest + 1)
  // A space on each side keeps a backtick at either end from joining the delimiter; the
  // renderer strips exactly one from each side.
  const padded = /^`|`$|^ .* $/.test(content) ? ` ${content} ` : content
  return `${ticks}${padded}${ticks}`
}

/**
 * A fenced code block that its content cannot close: the fence is one backtick longer than
 * the longest run of backticks or tildes in the text. Hidden characters are shown.
 */
export function fence(value: string, info = ''): Markdown {
  const body = value
    .split(/\r\n|\n|\r/)
    .map(printable)
    .join('\n')
  const longest = Math.max(0, ...(body.match(/`+|~+/g) ?? []).map(run => run.length))
  const marks = '`'.repeat(Math.max(3, longest + 1))
  return trusted(`${marks}${/^[\w+-]*$/.test(info) ? info : ''}\n${body}\n${marks}`)
}

/**
 * A link when the URL is http(s), else the label followed by the URL as code: a
 * `javascript:` or relative link must not become clickable.
 */
export function link(label: string, url: string): Markdown {
  if (!isWebUrl(url)) return safeMd`${label} (${code(url)})`
  const target = url.replace(
    /[()<> ]/g,
    character => `%${character.charCodeAt(0).toString(16).toUpperCase()}`
  )
  return trusted(`[${text(label).toString()}](${target})`)
}

/** An absolute http(s) URL without spaces or quotes: the only links built from data. */
export function isWebUrl(url: unknown): url is string {
  return typeof url === 'string' && /^https?:\/\/[^\s"'<>`\\]+$/i.test(url)
}

/** Text inside a raw HTML block (`<summary>`), where Markdown escapes would show. */
function htmlBlockText(value: string): string {
  return printable(value.replace(/\r\n|\n|\r/g, ' ')).replace(
    /[&<>"']/g,
    character => `&#${character.charCodeAt(0)};`
  )
}

/** A GitHub-flavoured Markdown table; each cell's pipes escaped, its line breaks as spaces. */
export function table(
  header: readonly MarkdownValue[],
  rows: readonly (readonly MarkdownValue[])[]
): Markdown {
  const cell = (value: MarkdownValue): string =>
    sourceOf(value)
      .replace(/\|/g, '\\|')
      .replace(/\r\n|\n|\r/g, ' ')
  const lines = [
    `| ${header.map(cell).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map(row => `| ${row.map(cell).join(' | ')} |`)
  ]
  return trusted(`${lines.join('\n')}\n`)
}

/** A collapsible block of preformatted text. */
export function details(summary: string, body: string): Markdown {
  return trusted(
    `<details><summary>${htmlBlockText(summary)}</summary>\n\n${fence(body).toString()}\n\n</details>\n`
  )
}

/** A collapsible list: each item already Markdown (built with the helpers above). */
export function detailsList(summary: string, items: readonly Markdown[]): Markdown {
  const list = items.map(item => `- ${item.toString().replace(/\r\n|\n|\r/g, ' ')}`).join('\n')
  return trusted(`<details><summary>${htmlBlockText(summary)}</summary>\n\n${list}\n\n</details>\n`)
}
