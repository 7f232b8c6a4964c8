/**
 * Capture group `index` of a match, for a group that is not optional in its pattern (not under
 * `?`, `*` or one side of `|`): such a group always takes part, so the result is a string. A
 * pattern later edited to make the group optional fails here, naming the group, rather than
 * passing `undefined` on.
 */
export function group(match: RegExpMatchArray, index: number): string {
  const value = match[index]
  if (value === undefined) {
    throw new Error(`Capture group ${index} took no part in the match '${match[0]}'`)
  }
  return value
}
