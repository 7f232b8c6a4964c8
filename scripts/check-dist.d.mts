/** The relative paths that differ between a committed dist/ and a fresh build. */
export function differences(committedDir: string, freshDir: string): string[]
