import { createHash } from 'node:crypto'
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'

/** A jar from Maven Central, pinned by version and by the SHA-1 Maven Central publishes. */
export interface MavenJar {
  group: string
  artifact: string
  version: string
  sha1: string
  bytes: number
}

/**
 * What local Spark needs beyond PySpark's own jars: S3A (hadoop-aws matching PySpark 3.5's
 * bundled Hadoop 3.3.4, and the AWS SDK bundle it was built against), and the Iceberg
 * runtime for the tables. Passed with --jars, so a run never resolves anything.
 */
export const MAVEN_JARS: readonly MavenJar[] = [
  {
    group: 'org.apache.hadoop',
    artifact: 'hadoop-aws',
    version: '3.3.4',
    sha1: 'a65839fbf1869f81a1632e09f415e586922e4f80',
    bytes: 962_685
  },
  {
    group: 'com.amazonaws',
    artifact: 'aws-java-sdk-bundle',
    version: '1.12.262',
    sha1: '02deec3a0ad83d13d032b1812421b23d7a961eea',
    bytes: 280_645_251
  },
  {
    group: 'org.apache.iceberg',
    artifact: 'iceberg-spark-runtime-3.5_2.12',
    version: '1.9.2',
    sha1: '08f897c0683e8c4e0f67eee687bf61aef1709821',
    bytes: 45_381_197
  }
]

export const MAVEN_CENTRAL = 'https://repo1.maven.org/maven2'

export function jarFileName(jar: MavenJar): string {
  return `${jar.artifact}-${jar.version}.jar`
}

export function jarUrl(jar: MavenJar, repository = MAVEN_CENTRAL): string {
  return `${repository}/${jar.group.replace(/\./g, '/')}/${jar.artifact}/${jar.version}/${jarFileName(jar)}`
}

/** The project-local cache (git-ignored). */
export function defaultJarCacheDir(projectRoot: string): string {
  return path.join(projectRoot, '.cache', 'jars')
}

/**
 * The cached jars' paths, in MAVEN_JARS order. A missing or truncated jar is one clear
 * error saying how to fetch it: a job run never downloads.
 */
export function cachedJarPaths(cacheDir: string, jars: readonly MavenJar[] = MAVEN_JARS): string[] {
  const missing: string[] = []
  const paths = jars.map(jar => {
    const file = path.join(cacheDir, jarFileName(jar))
    if (!existsSync(file) || statSync(file).size !== jar.bytes) missing.push(jarFileName(jar))
    return file
  })
  if (missing.length) {
    throw new Error(
      `The local Spark jars are not in ${cacheDir} (missing ${missing.join(', ')}): run \`npm run setup:jars\` once`
    )
  }
  return paths
}

export interface DownloadProgress {
  jar: MavenJar
  receivedBytes: number
  totalBytes: number
}

export interface DownloadOptions {
  jars?: readonly MavenJar[]
  repository?: string
  fetch?: typeof globalThis.fetch
  onProgress?: (progress: DownloadProgress) => void
  /** Called once per jar: 'cached' when it was already there with the right checksum. */
  onJar?: (jar: MavenJar, outcome: 'cached' | 'downloaded') => void
}

/**
 * Downloads every jar that is not yet cached, checking it against the SHA-1 pinned here and
 * the one Maven Central publishes beside it; a mismatch leaves no file behind.
 */
export async function downloadJars(cacheDir: string, options: DownloadOptions = {}): Promise<void> {
  const jars = options.jars ?? MAVEN_JARS
  const fetchUrl = options.fetch ?? globalThis.fetch
  mkdirSync(cacheDir, { recursive: true })
  for (const jar of jars) {
    const file = path.join(cacheDir, jarFileName(jar))
    if (existsSync(file) && (await sha1Of(file)) === jar.sha1) {
      options.onJar?.(jar, 'cached')
      continue
    }
    const url = jarUrl(jar, options.repository)
    const published = (await text(fetchUrl, `${url}.sha1`)).trim().split(/\s+/)[0]
    if (published !== jar.sha1) {
      throw new Error(
        `${url}: Maven Central publishes SHA-1 ${published}, this project pins ${jar.sha1}`
      )
    }
    const response = await fetchUrl(url)
    if (!response.ok || !response.body) throw new Error(`${url}: HTTP ${response.status}`)
    const totalBytes = Number(response.headers.get('content-length')) || jar.bytes
    // Unique, so two processes fetching at once cannot mix their bytes; the rename is atomic.
    const partial = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.part`
    const hash = createHash('sha1')
    let receivedBytes = 0
    const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream)
    body.on('data', (chunk: Buffer) => {
      hash.update(chunk)
      receivedBytes += chunk.length
      options.onProgress?.({ jar, receivedBytes, totalBytes })
    })
    try {
      await pipeline(body, createWriteStream(partial))
      const digest = hash.digest('hex')
      if (digest !== jar.sha1)
        throw new Error(`${url}: downloaded SHA-1 ${digest}, expected ${jar.sha1}`)
      renameSync(partial, file)
    } finally {
      rmSync(partial, { force: true })
    }
    options.onJar?.(jar, 'downloaded')
  }
}

async function text(fetchUrl: typeof globalThis.fetch, url: string): Promise<string> {
  const response = await fetchUrl(url)
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`)
  return response.text()
}

async function sha1Of(file: string): Promise<string> {
  const hash = createHash('sha1')
  await pipeline((await import('node:fs')).createReadStream(file), hash)
  return hash.digest('hex')
}
