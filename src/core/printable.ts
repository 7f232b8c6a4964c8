/**
 * Characters a reader cannot see or that change how the text around them reads: C0 and C1
 * controls, DEL, the line and paragraph separators, the bidirectional embeddings, overrides
 * and isolates (U+202A–U+202E, U+2066–U+2069, the marks U+200E, U+200F, U+061C), the
 * zero-width characters and the byte order mark.
 */
const HIDDEN =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g

/**
 * Text from data (a file, an S3 key, a service's answer) made visible: every hidden
 * character becomes `\uXXXX`. A byte read out of a metrics file must not end a log line,
 * move the cursor or start a workflow command, and a right-to-left override in an S3 key
 * must not make a summary or a tooltip read other than what it holds.
 */
export function printable(text: string): string {
  return text.replace(HIDDEN, character => {
    return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`
  })
}

/** printable() line by line: the line breaks kept, everything else hidden made visible. */
export function printableLines(text: string): string[] {
  return text.split(/\r\n|\n|\r/).map(printable)
}
