/**
 * Downloads, once, the jars local Spark needs to read and write s3:// through S3A (and the
 * Iceberg runtime), and Event Ruler for the stack's event-pattern tests, from Maven Central
 * into .cache/jars/, with progress. Run by `npm run setup:jars`; a job run never downloads
 * anything.
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { EVENT_RULER_JARS } from '../infra/lib/event-ruler-jars.js'
import {
  defaultJarCacheDir,
  downloadJars,
  jarFileName,
  MAVEN_JARS,
  type DownloadProgress
} from '../local/src/emr-serverless/jar-cache.js'

const projectRoot = path.resolve(import.meta.dirname, '..')
const { values } = parseArgs({
  options: { dir: { type: 'string', default: defaultJarCacheDir(projectRoot) } }
})
const cacheDir = path.resolve(values.dir!)
const megabytes = (bytes: number) => (bytes / 1_000_000).toFixed(1)
const jars = [...MAVEN_JARS, ...EVENT_RULER_JARS]
const totalMb = megabytes(jars.reduce((sum, jar) => sum + jar.bytes, 0))

let shownStep = -1
function progress({ jar, receivedBytes, totalBytes }: DownloadProgress): void {
  const percent = Math.floor((receivedBytes / totalBytes) * 100)
  const line = `  ${jarFileName(jar)}: ${megabytes(receivedBytes)} of ${megabytes(totalBytes)} MB (${percent} %)`
  if (process.stderr.isTTY) {
    process.stderr.write(`\r${line}`)
    return
  }
  // A log file gets a line every 10 %, not one per chunk.
  const step = Math.floor(percent / 10)
  if (step !== shownStep) {
    shownStep = step
    process.stderr.write(`${line}\n`)
  }
}

console.log(`Local Spark jars and Event Ruler (${totalMb} MB in all) in ${cacheDir}:`)
try {
  await downloadJars(cacheDir, {
    jars,
    onProgress: progress,
    onJar: (jar, outcome) => {
      shownStep = -1
      if (outcome === 'cached') console.log(`  ${jarFileName(jar)}: already there`)
      else {
        if (process.stderr.isTTY) process.stderr.write('\n')
        console.log(`  ${jarFileName(jar)}: downloaded, SHA-1 checked`)
      }
    }
  })
} catch (error) {
  if (process.stderr.isTTY) process.stderr.write('\n')
  console.error(`setup-jars: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
