import { spawn } from 'node:child_process'
import path from 'node:path'
import { EVENT_RULER_JARS } from '../../infra/lib/event-ruler-jars.js'
import {
  cachedJarPaths,
  defaultJarCacheDir,
  downloadJars,
  jarFileName
} from '../../local/src/emr-serverless/jar-cache.js'
import { projectRoot } from '../support/moto.js'

const harness = path.join(import.meta.dirname, 'event-ruler', 'MatchEvents.java')

/** The jars are set-up, not test work: fetched here only when `npm run setup:jars` was not run. */
async function eventRulerClassPath(): Promise<string> {
  const dir = defaultJarCacheDir(projectRoot)
  try {
    return cachedJarPaths(dir, EVENT_RULER_JARS).join(path.delimiter)
  } catch {
    console.log(`Fetching Event Ruler's jars into ${dir} once (npm run setup:jars)`)
    await downloadJars(dir, {
      jars: EVENT_RULER_JARS,
      onJar: (jar, outcome) => console.log(`  ${jarFileName(jar)}: ${outcome}`)
    })
    return cachedJarPaths(dir, EVENT_RULER_JARS).join(path.delimiter)
  }
}

/**
 * Matches each event against each named pattern with Event Ruler, the library EventBridge
 * matches rules with (software.amazon.event.ruler on Maven Central), run by the machine's
 * Java in single-file source mode: nothing is compiled to disk. Returns, per event, the
 * names of the patterns it matches, in the patterns' order.
 */
export async function matchEvents(
  patterns: Record<string, unknown>,
  events: readonly unknown[]
): Promise<string[][]> {
  const classPath = await eventRulerClassPath()
  const child = spawn('java', ['--class-path', classPath, harness], {
    stdio: ['pipe', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exit = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', resolve)
  })
  child.stdin.end(JSON.stringify({ patterns, events }))
  const code = await exit
  if (code !== 0) {
    throw new Error(`Event Ruler (exit ${code}): ${stderr.trim().split('\n')[0] ?? ''}`)
  }
  return JSON.parse(stdout) as string[][]
}
