import { readFileSync } from 'node:fs'

let cached: string | undefined

/**
 * Chart.js's browser build, inlined into the page so that it works opened from disk and
 * needs no CDN. The path is relative to this file so that ncc copies the file beside the
 * bundle (dist/report/) and points the bundle at it.
 */
export function chartLibrary(): string {
  cached ??= readFileSync(
    new URL('../../node_modules/chart.js/dist/chart.umd.min.js', import.meta.url),
    'utf8'
  )
  return cached
}
