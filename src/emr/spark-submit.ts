/**
 * The `sparkSubmitParameters` string: `--conf` for each Spark setting, `--files` and
 * `--py-files` for the staged or S3 files, then the raw parameters as given.
 */
export function sparkSubmitParameters({
  sparkConf,
  files,
  pyFiles,
  raw
}: {
  sparkConf: Record<string, string>
  files: readonly string[]
  pyFiles: readonly string[]
  raw: string
}): string {
  const parts: string[] = []
  for (const [key, value] of Object.entries(sparkConf)) parts.push(`--conf ${key}=${value}`)
  if (files.length) parts.push(`--files ${files.join(',')}`)
  if (pyFiles.length) parts.push(`--py-files ${pyFiles.join(',')}`)
  if (raw.trim()) parts.push(raw.trim())
  return parts.join(' ')
}
