/**
 * A job summary's markdown as a terminal shows it: tables aligned in columns, headings and
 * emphasis as plain words, HTML tags (details, summary, br) dropped.
 */
export function markdownAsText(markdown: string): string {
  const lines = markdown
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/?(details|summary|p|div|code|pre|b|i|strong|em)[^>]*>/gi, '')
    .split(/\r?\n/)
  const lineAt = (index: number): string => lines[index] ?? ''
  const out: string[] = []
  for (let index = 0; index < lines.length; index++) {
    if (isTableRow(lineAt(index)) && isTableRule(lineAt(index + 1))) {
      const rows: string[][] = [cells(lineAt(index))]
      index += 2
      while (index < lines.length && isTableRow(lineAt(index))) rows.push(cells(lineAt(index++)))
      index--
      out.push(...alignTable(rows))
      continue
    }
    out.push(plain(lineAt(index)))
  }
  return out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

const isTableRow = (line: string): boolean => /^\s*\|.*\|\s*$/.test(line)
const isTableRule = (line: string): boolean => /^\s*\|(\s*:?-+:?\s*\|)+\s*$/.test(line)

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map(cell => plain(cell.trim().replace(/\\\|/g, '|')))
}

function plain(text: string): string {
  return text
    .replace(/^#{1,6}\s+(.*)$/, (_all, heading: string) => heading.toUpperCase())
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 <$2>')
}

function alignTable(rows: string[][]): string[] {
  const widths: number[] = []
  for (const row of rows)
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, cell.length)
    })
  const format = (row: string[]): string =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd()
  const [header = [], ...body] = rows
  return [format(header), widths.map(width => '-'.repeat(width)).join('  '), ...body.map(format)]
}
