import { describe, expect, it } from 'vitest'
import { htmlPage, joinHtml, safeHtml } from '../../src/core/html.js'
import { inertLines } from '../../src/core/log.js'
import { code, details, fence, link, safeMd, table, text } from '../../src/core/markdown.js'
import { redactCredentials } from '../../src/core/redact.js'
import { CommandProcessor } from '../../local/src/runner/workflow-commands.js'

const HOSTILE = '"><img src=x onerror=alert(1)>`|@org/team #7 \u202eevil'

describe('safeMd', () => {
  it('escapes text: markup, HTML, mentions and issue references, hidden characters', () => {
    expect(text(HOSTILE).toString()).toBe(
      '">&lt;img src=x onerror=alert(1)>\\`|`@org/team` `#7` \\\\u202eevil'
    )
    expect(text('# heading\n- item\n1. first\n> quote\n---').toString()).toBe(
      '\\# heading<br>\\- item<br>1\\. first<br>\\> quote<br>\\---'
    )
    // Only where they start a block: a version or a bound reads as it is.
    expect(text('1.25 >= 1 - 2').toString()).toBe('1.25 >= 1 - 2')
  })

  it('makes code spans and fences their content cannot close', () => {
    expect(code('a ``` b').toString()).toBe('````a ``` b````')
    expect(code('`edge`').toString()).toBe('`` `edge` ``')
    const fenced = fence('x\n```\n~~~~~\n@org/team').toString()
    expect(fenced.split('\n')[0]).toBe('``````')
    expect(fenced.split('\n').at(-1)).toBe('``````')
  })

  it('escapes every pipe of a table cell and keeps a row on one line', () => {
    expect(
      table(
        ['k', 'v'],
        [
          ['a|b', code('c|d')],
          [safeMd`**${'x*'}**`, 'two\nlines']
        ]
      ).toString()
    ).toBe(`| k | v |
| --- | --- |
| a\\|b | \`c\\|d\` |
| **x\\*** | two<br>lines |
`)
  })

  it('links only to http(s) URLs', () => {
    expect(link('run', 'javascript:alert(1)').toString()).toBe('run (`javascript:alert(1)`)')
    expect(link('run', 'https://example.com/a(b)').toString()).toBe(
      '[run](https://example.com/a%28b%29)'
    )
  })

  it('shows the summary of a details block as HTML text', () => {
    expect(details('<b>@x</b>', 'body').toString()).toContain(
      '<summary>&#60;b&#62;@x&#60;/b&#62;</summary>'
    )
  })
})

describe('safeHtml', () => {
  it('escapes text and attribute values, and links only to http(s) or same-server paths', () => {
    expect(
      safeHtml`<td title="${HOSTILE}">${HOSTILE}<a href="${'javascript:alert(1)'}">x</a><a href="${'run/stderr'}">y</a></td>`.toString()
    ).toBe(
      '<td title="&#34;&#62;&#60;img src=x onerror=alert(1)&#62;`|@org/team #7 \\u202eevil">&#34;&#62;&#60;img src=x onerror=alert(1)&#62;`|@org/team #7 \\u202eevil<a href="about:blank">x</a><a href="run/stderr">y</a></td>'
    )
    expect(joinHtml(['<a>', safeHtml`<b>`], ', ').toString()).toBe('&#60;a&#62;, <b>')
  })

  it.each([
    ['an unquoted attribute', () => safeHtml`<td title=${HOSTILE}>`],
    ['an event handler', () => safeHtml`<td onclick="${HOSTILE}">`],
    ['a style attribute', () => safeHtml`<td style="${HOSTILE}">`],
    ['a script', () => safeHtml`<script>${HOSTILE}</script>`],
    ['a comment', () => safeHtml`<!-- ${HOSTILE} -->`],
    ['an attribute name', () => safeHtml`<td ${HOSTILE}>`]
  ])('refuses a value in %s', (_place, build) => {
    expect(build).toThrow(TypeError)
  })

  it('builds a page whose policy allows its own inlined code by hash and nothing else', () => {
    const page = htmlPage({
      lang: 'en',
      title: '<t>',
      body: safeHtml`<p>${'x'}</p>`,
      styles: ['p{}'],
      scripts: ['void 0'],
      data: { values: { a: '</script><script>alert(1)</script>' } }
    })
    expect(page).toContain(
      'default-src &#39;none&#39;; script-src &#39;sha256-yyjq/GGlTvm0YhdkNx72uPxcwaIXqWZBYZftmpA6pYU=&#39;'
    )
    expect(page).toContain('{"a":"\\u003c/script>\\u003cscript>alert(1)\\u003c/script>"}')
    expect(() =>
      htmlPage({ lang: 'en', title: '', body: safeHtml``, styles: [], scripts: ['"</script>"'] })
    ).toThrow(TypeError)
  })
})

describe('redactCredentials', () => {
  it('strips what an endpoint may echo of a signed request', () => {
    const echoed = [
      'Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0123abcd',
      'x-amz-security-token: FwoGZXIvYXdzEBYaDExampleToken',
      'https://b.s3.amazonaws.com/k?X-Amz-Credential=ASIAIOSFODNN7EXAMPLE%2F20260101&X-Amz-Signature=feed&X-Amz-Security-Token=abc',
      '{"secretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}',
      'token ghs_0123456789abcdefghijklmnopqrstuvwxyzAB'
    ].join('\n')
    const stripped = redactCredentials(echoed)
    for (const secret of [
      'AKIAIOSFODNN7EXAMPLE',
      'ASIAIOSFODNN7EXAMPLE',
      '0123abcd',
      'FwoGZXIvYXdzEBYaDExampleToken',
      'feed',
      'wJalrXUtnFEMI',
      'ghs_0123'
    ]) {
      expect(stripped).not.toContain(secret)
    }
    expect(stripped.split('\n')[0]).toBe('Authorization: [redacted]')
    expect(redactCredentials('Access Denied for s3://lake/bronze')).toBe(
      'Access Denied for s3://lake/bronze'
    )
  })
})

describe('inertLines', () => {
  /** What the runner makes of printed lines (the local runner's parser, as GitHub's reads them). */
  const effects = (lines: string[]): string[] => {
    const masks: string[] = []
    const processor = new CommandProcessor({
      addMask: value => masks.push(value),
      setOutput: () => undefined,
      saveState: () => undefined,
      setEnv: () => undefined,
      addPath: () => undefined,
      allowUnsecureCommands: false
    })
    return [
      ...lines
        .map(line => processor.process(line).kind)
        .filter(kind => kind !== 'print' && kind !== 'none'),
      ...masks.map(mask => `mask ${mask}`)
    ]
  }
  let counter = 0
  const token = (): string => `token-${++counter}`

  it('leaves plain text as it is', () => {
    expect(inertLines('one\ntwo', token)).toEqual(['one', 'two'])
  })

  it('fences text that holds a command, with a token the text does not hold', () => {
    const hostile =
      '2026-01-01\n::error file=x.ts::forged\n::set-env name=PATH::/tmp\n  ::add-mask::secret\nsee ##[warning]x\n::token-1::'
    const lines = inertLines(hostile, token)
    expect(lines[0]).toBe('::stop-commands::token-2')
    expect(lines.at(-1)).toBe('::token-2::')
    expect(effects(lines)).toEqual([])
    expect(effects(hostile.split('\n'))).toEqual(['annotation', 'refused', 'mask secret'])
  })
})
