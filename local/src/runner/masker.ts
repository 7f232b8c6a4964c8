/**
 * Replaces every secret and every `::add-mask::` value with `***` in what is printed, as the
 * runner does: the whole value and each of its lines, longest first, so that a value that
 * contains another is masked whole.
 */
export class Masker {
  private readonly values = new Set<string>()
  private ordered: string[] = []

  add(value: string): void {
    for (const candidate of [value, ...value.split(/\r?\n/)]) {
      const trimmed = candidate.trim()
      if (trimmed.length === 0 || this.values.has(trimmed)) continue
      this.values.add(trimmed)
    }
    this.ordered = [...this.values].sort((a, b) => b.length - a.length)
  }

  /** Whether a text (an output, say) carries a masked value. */
  carriesSecret(text: string): boolean {
    return this.ordered.some(value => text.includes(value))
  }

  mask(text: string): string {
    let masked = text
    for (const value of this.ordered) masked = masked.split(value).join('***')
    return masked
  }
}
