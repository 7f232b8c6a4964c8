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

/**
 * Splits `spark-conf` by where each setting can travel whole. `sparkSubmitParameters` is one
 * string that EMR Serverless splits into spark-submit arguments, and its API reference
 * documents no quoting; so a value holding whitespace, a quote or a backslash would reach
 * Spark cut in pieces or altered. Such values go to the run's `spark-defaults` configuration
 * (configurationOverrides), where each is one JSON string; every other one stays a `--conf`.
 */
export function placeSparkConf(sparkConf: Record<string, string>): {
  submitParameters: Record<string, string>
  sparkDefaults: Record<string, string>
} {
  const submitParameters: Record<string, string> = {}
  const sparkDefaults: Record<string, string> = {}
  for (const [key, value] of Object.entries(sparkConf)) {
    if (/[\s"'\\]/.test(value)) sparkDefaults[key] = value
    else submitParameters[key] = value
  }
  return { submitParameters, sparkDefaults }
}
