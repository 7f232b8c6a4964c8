/**
 * Text from a file, made safe for one log line: control characters (C0, DEL, C1, and the
 * Unicode line and paragraph separators) become `\uXXXX`. A byte read out of a metrics or
 * rules file must not end the line, move the cursor, or start a workflow command.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, character => {
    return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`
  })
}
