/** Escapes text for a markdown table cell. */
export function cell(value: unknown): string {
  return String(value ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, '<br>')
}

/** A GitHub-flavoured markdown table. */
export function table(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const lines = [
    `| ${header.map(cell).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map(row => `| ${row.map(cell).join(' | ')} |`)
  ]
  return `${lines.join('\n')}\n`
}

/** A collapsible block of preformatted text. */
export function details(summary: string, body: string): string {
  const fence = body.includes('```') ? '~~~~' : '```'
  return `<details><summary>${cell(summary)}</summary>\n\n${fence}\n${body}\n${fence}\n\n</details>\n`
}
