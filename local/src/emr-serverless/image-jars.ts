import path from 'node:path'

/**
 * Jars the EMR Serverless 7.x image ships at fixed paths, which a job run names in
 * `spark.jars` (AWS documents `/usr/share/aws/iceberg/lib/iceberg-spark3-runtime.jar` for
 * Iceberg), mapped to the Maven artifact of the same library. The local service has no image:
 * the cached jar of that artifact is on every run's classpath already (`--jars`), so a request
 * written for EMR runs here unchanged.
 */
export const IMAGE_JARS: Readonly<Record<string, string>> = {
  '/usr/share/aws/iceberg/lib/iceberg-spark3-runtime.jar': 'iceberg-spark-runtime-3.5_2.12'
}

/**
 * `jars` without the image's own jars that `provided` (the service's cached jars) stands in
 * for. An image jar with no stand-in is an error naming it, not a missing class at run time.
 */
export function withoutImageJars(jars: readonly string[], provided: readonly string[]): string[] {
  const providedNames = provided.map(jar => path.basename(jar))
  return jars.filter(jar => {
    const artifact = IMAGE_JARS[jar]
    if (artifact === undefined) return true
    if (!providedNames.some(name => name.startsWith(`${artifact}-`))) {
      throw new Error(
        `${jar} is a jar of the EMR Serverless image; locally ${artifact} stands in for it, but it is not among the service's jars (run \`npm run setup:jars\`)`
      )
    }
    return false
  })
}
