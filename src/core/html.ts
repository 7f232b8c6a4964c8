import { createHash } from 'node:crypto'
import { isWebUrl } from './markdown.js'
import { printable } from './printable.js'
import { group } from './regex.js'

/**
 * HTML built so that data cannot become markup: the dashboard and the local services' pages
 * show run records, quality results and GitHub answers, any of which anyone with write access
 * to the lake (or a crafted API answer) controls. Only the literal parts of a `safeHtml` template
 * and this module make Html; every interpolated value is escaped for the place it goes:
 *
 * - between tags: text, `&<>"'` as entities, hidden characters shown (`\u202e`);
 * - inside a double-quoted attribute: the same, and in a URL attribute (href, src, …) only
 *   an http(s) URL or a path on the same server, anything else becomes `about:blank`;
 * - anywhere else (an unquoted attribute, an attribute name, an event handler or style
 *   attribute, inside script, style or a comment) the template is refused when built.
 */
export class Html {
  readonly #source: string
  /** Only this module holds the key: nothing else can make Html out of a string. */
  constructor(key: typeof MODULE_KEY, source: string) {
    if (key !== MODULE_KEY) throw new TypeError('Html is made by the html helpers only')
    this.#source = source
  }

  toString(): string {
    return this.#source
  }
}

const MODULE_KEY = Symbol('html')
const trusted = (source: string): Html => new Html(MODULE_KEY, source)

export type HtmlValue = string | number | boolean | null | undefined | Html | readonly HtmlValue[]

type Hole = { kind: 'text' } | { kind: 'attribute'; name: string }

const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'poster', 'cite', 'data'])
const holesOf = new WeakMap<TemplateStringsArray, Hole[]>()

/** Text or a quoted attribute value, escaped; hidden characters shown. */
export function escapeHtml(value: string): string {
  return printable(value).replace(/[&<>"']/g, character => `&#${character.charCodeAt(0)};`)
}

/**
 * Builds Html from a template; see the class comment for what goes where. (Not named `html`:
 * Prettier would format such templates as HTML and change the whitespace they make.)
 */
export function safeHtml(literals: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let holes = holesOf.get(literals)
  if (!holes) {
    holes = templateHoles(literals)
    holesOf.set(literals, holes)
  }
  // A tagged template has one literal more than values, and templateHoles one hole per value.
  let source = literals[0]!
  values.forEach((value, index) => {
    source += fill(holes[index]!, value) + literals[index + 1]!
  })
  return trusted(source)
}

/** Several pieces one after another, with a literal `separator` between. */
export function joinHtml(values: readonly HtmlValue[], separator = ''): Html {
  return trusted(values.map(value => fill({ kind: 'text' }, value)).join(escapeHtml(separator)))
}

function fill(hole: Hole, value: HtmlValue): string {
  if (hole.kind === 'text') {
    if (value instanceof Html) return value.toString()
    if (Array.isArray(value)) return value.map(item => fill(hole, item)).join('')
    if (value === null || value === undefined || value === false) return ''
    return escapeHtml(String(value as string | number | boolean))
  }
  if (value instanceof Html || Array.isArray(value)) {
    throw new TypeError(`html: only text can go into the ${hole.name} attribute`)
  }
  const text = value === null || value === undefined || value === false ? '' : String(value)
  if (URL_ATTRIBUTES.has(hole.name) && !isWebUrl(text) && !isRelativePath(text)) {
    return 'about:blank'
  }
  return escapeHtml(text)
}

/** A path on the page's own server (no scheme, no `//host`): the local services' links. */
function isRelativePath(url: string): boolean {
  return /^(?!\/\/)[\w.~/-]+(?:\?[\w.~=&%-]*)?$/.test(url)
}

/**
 * Where each `${}` of a template sits, from its literal parts alone (the values are escaped
 * and cannot move the parser). Throws for a place no escaping makes safe.
 */
function templateHoles(literals: TemplateStringsArray): Hole[] {
  const holes: Hole[] = []
  let state: 'text' | 'tag' | 'value' | 'raw' | 'comment' = 'text'
  let attribute = ''
  let tagName = ''
  let closing = false
  literals.forEach((literal, index) => {
    for (let at = 0; at < literal.length; at++) {
      const rest = literal.slice(at, at + 64)
      if (state === 'text') {
        const tag = /^<(\/?)([A-Za-z][\w-]*)/.exec(rest)
        if (rest.startsWith('<!--')) {
          state = 'comment'
          at += 3
        } else if (tag) {
          state = 'tag'
          closing = tag[1] === '/'
          tagName = group(tag, 2).toLowerCase()
          at += tag[0].length - 1
        }
      } else if (state === 'comment') {
        if (rest.startsWith('-->')) {
          state = 'text'
          at += 2
        }
      } else if (state === 'raw') {
        if (rest.toLowerCase().startsWith(`</${tagName}`)) {
          state = 'tag'
          closing = true
          at += tagName.length + 1
        }
      } else if (state === 'tag') {
        const name = /^([A-Za-z_:][\w:.-]*)\s*=\s*"/.exec(rest)
        if (name) {
          attribute = group(name, 1).toLowerCase()
          state = 'value'
          at += name[0].length - 1
        } else if (rest.startsWith('>')) {
          state = !closing && (tagName === 'script' || tagName === 'style') ? 'raw' : 'text'
        }
      } else if (rest.startsWith('"')) {
        state = 'tag'
      }
    }
    if (index === literals.length - 1) return
    if (state === 'text') holes.push({ kind: 'text' })
    else if (state === 'value') {
      if (attribute.startsWith('on') || attribute === 'style' || attribute === 'srcset') {
        throw new TypeError(`html: no value may go into the ${attribute} attribute`)
      }
      holes.push({ kind: 'attribute', name: attribute })
    } else {
      throw new TypeError(
        `html: a value after ${JSON.stringify(literal.slice(-40))} would not be escaped (only text and double-quoted attribute values take values)`
      )
    }
  })
  return holes
}

export interface PageParts {
  /** The document's language and title. */
  lang: string
  title: string
  /** Inside <body>. */
  body: Html
  /** Style sheets, inlined; each allowed by its hash. */
  styles: readonly string[]
  /** Scripts, inlined in order after the body; each allowed by its hash. */
  scripts: readonly string[]
  /** JSON documents the scripts read (`<script type="application/json" id=…>`): data, never run. */
  data?: Readonly<Record<string, unknown>>
}

/**
 * A self-contained page with a Content-Security-Policy that lets nothing load or run but its
 * own inlined style sheets and scripts (by their SHA-256): no request leaves the page, and a
 * slip in the escaping above still could not run a script.
 */
export function htmlPage(parts: PageParts): string {
  for (const code of [...parts.styles, ...parts.scripts]) {
    if (/<\/(script|style)/i.test(code)) {
      throw new TypeError('htmlPage: an inlined script or style sheet holds a closing tag')
    }
  }
  const hash = (code: string): string =>
    `'sha256-${createHash('sha256').update(code, 'utf8').digest('base64')}'`
  const policy = [
    "default-src 'none'",
    `script-src ${parts.scripts.map(hash).join(' ') || "'none'"}`,
    `style-src ${parts.styles.map(hash).join(' ') || "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'"
  ].join('; ')
  const data = Object.entries(parts.data ?? {}).map(
    ([id, value]) =>
      `<script type="application/json" id="${escapeHtml(id)}">${jsonForScript(value)}</script>\n`
  )
  return `<!doctype html>
<html lang="${escapeHtml(parts.lang)}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(policy)}">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(parts.title)}</title>
${parts.styles.map(style => `<style>${style}</style>`).join('\n')}</head>
<body>
${parts.body.toString()}
${data.join('')}${parts.scripts.map(script => `<script>${script}</script>`).join('\n')}
</body></html>
`
}

/** JSON inside a <script> element: `<` escaped so that no text can close the element. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}
