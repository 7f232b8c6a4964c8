import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client
} from '@aws-sdk/client-s3'
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { errorMessage, errorName, UserError } from '../core/errors.js'
import { parseS3Uri } from '../core/s3-uri.js'
import { group } from '../core/regex.js'

/**
 * Where metrics documents live: `<root>/<dataset>/date=<ds>/<file>`, the root being an
 * `s3://bucket/prefix` URI or a local directory.
 */
export interface MetricsStore {
  /** The full location of a file, for messages and the results document. */
  locate(dataset: string, logicalDate: string, file: string): string
  /** The file's text, or undefined when it does not exist. */
  read(dataset: string, logicalDate: string, file: string): Promise<string | undefined>
  write(dataset: string, logicalDate: string, file: string, body: string): Promise<void>
  /** The dates that have a metrics.json, in no particular order. */
  listDates(dataset: string): Promise<string[]>
}

export type MetricsRoot =
  { kind: 's3'; bucket: string; prefix: string } | { kind: 'local'; dir: string }

const METRICS_KEY = /(?:^|\/)date=(\d{4}-\d{2}-\d{2})\/metrics\.json$/

/** Parses the `metrics-root` (or `results-root`) input: `s3://bucket[/prefix]` or a local path. */
export function parseMetricsRoot(input: string, text: string, cwd: string): MetricsRoot {
  const uri = parseS3Uri(input, text, {
    expected: 'an s3://bucket/prefix URI or a local directory',
    namesScheme: false
  })
  if (uri) return { kind: 's3', bucket: uri.bucket, prefix: uri.key.replace(/\/+$/, '') }
  return { kind: 'local', dir: path.resolve(cwd, text) }
}

const relativeKey = (dataset: string, logicalDate: string, file: string): string =>
  `${dataset}/date=${logicalDate}/${file}`

export class LocalMetricsStore implements MetricsStore {
  constructor(private readonly dir: string) {}

  locate(dataset: string, logicalDate: string, file: string): string {
    return path.join(this.dir, relativeKey(dataset, logicalDate, file))
  }

  async read(dataset: string, logicalDate: string, file: string): Promise<string | undefined> {
    try {
      return await readFile(this.locate(dataset, logicalDate, file), 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw new UserError(
        `Cannot read ${this.locate(dataset, logicalDate, file)}: ${errorMessage(error)}`
      )
    }
  }

  async write(dataset: string, logicalDate: string, file: string, body: string): Promise<void> {
    const target = this.locate(dataset, logicalDate, file)
    await mkdir(path.dirname(target), { recursive: true })
    // Write then rename: a reader never sees half a document.
    const temporary = `${target}.${process.pid}.tmp`
    await writeFile(temporary, body)
    await rename(temporary, target)
  }

  async listDates(dataset: string): Promise<string[]> {
    let entries: string[]
    try {
      entries = await readdir(path.join(this.dir, dataset))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
    const dates: string[] = []
    for (const entry of entries) {
      const match = /^date=(\d{4}-\d{2}-\d{2})$/.exec(entry)
      if (!match) continue
      const files = await readdir(path.join(this.dir, dataset, entry)).catch(() => [] as string[])
      if (files.includes('metrics.json')) dates.push(group(match, 1))
    }
    return dates
  }
}

export class S3MetricsStore implements MetricsStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly prefix: string
  ) {}

  private key(dataset: string, logicalDate: string, file: string): string {
    const relative = relativeKey(dataset, logicalDate, file)
    return this.prefix ? `${this.prefix}/${relative}` : relative
  }

  locate(dataset: string, logicalDate: string, file: string): string {
    return `s3://${this.bucket}/${this.key(dataset, logicalDate, file)}`
  }

  async read(dataset: string, logicalDate: string, file: string): Promise<string | undefined> {
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.key(dataset, logicalDate, file) })
      )
      return (await response.Body?.transformToString('utf-8')) ?? ''
    } catch (error) {
      if (errorName(error) === 'NoSuchKey' || errorName(error) === 'NotFound') return undefined
      throw this.failure('read', this.locate(dataset, logicalDate, file), error)
    }
  }

  async write(dataset: string, logicalDate: string, file: string, body: string): Promise<void> {
    const location = this.locate(dataset, logicalDate, file)
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.key(dataset, logicalDate, file),
          Body: body,
          ContentType: 'application/json'
        })
      )
    } catch (error) {
      throw this.failure('write', location, error)
    }
  }

  async listDates(dataset: string): Promise<string[]> {
    const prefix = `${this.prefix ? `${this.prefix}/` : ''}${dataset}/date=`
    const dates: string[] = []
    let token: string | undefined
    try {
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            ContinuationToken: token
          })
        )
        for (const object of page.Contents ?? []) {
          const match = METRICS_KEY.exec(object.Key ?? '')
          if (match) dates.push(group(match, 1))
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined
      } while (token)
    } catch (error) {
      throw this.failure('list', `s3://${this.bucket}/${prefix}`, error)
    }
    return dates
  }

  private failure(action: string, location: string, error: unknown): UserError {
    return new UserError(
      `Cannot ${action} ${location}: ${errorName(error)}: ${errorMessage(error)}`
    )
  }
}
