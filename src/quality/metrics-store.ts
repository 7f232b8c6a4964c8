import type { S3Client } from '@aws-sdk/client-s3'
import { group } from '../core/regex.js'
import { LakeBucket, LakeFolder, parseLakeRoot, type Lake, type LakeRoot } from '../records/lake.js'

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

export type MetricsRoot = LakeRoot

/** A metrics document's key, relative to its dataset's folder. */
const METRICS_KEY = /^date=(\d{4}-\d{2}-\d{2})\/metrics\.json$/

/** Parses the `metrics-root` (or `results-root`) input: `s3://bucket[/prefix]` or a local path. */
export function parseMetricsRoot(input: string, text: string, cwd: string): MetricsRoot {
  return parseLakeRoot(input, text, cwd, 'a local directory')
}

const relativeKey = (dataset: string, logicalDate: string, file: string): string =>
  `${dataset}/date=${logicalDate}/${file}`

/** The metrics documents' layout over a lake: reading, writing and listing are the lake's. */
export class LakeMetricsStore implements MetricsStore {
  constructor(private readonly lake: Lake) {}

  locate(dataset: string, logicalDate: string, file: string): string {
    return this.lake.locate(relativeKey(dataset, logicalDate, file))
  }

  read(dataset: string, logicalDate: string, file: string): Promise<string | undefined> {
    return this.lake.read(relativeKey(dataset, logicalDate, file))
  }

  write(dataset: string, logicalDate: string, file: string, body: string): Promise<void> {
    return this.lake.write(relativeKey(dataset, logicalDate, file), body)
  }

  async listDates(dataset: string): Promise<string[]> {
    const keys = await this.lake.list(`${dataset}/`)
    return keys.flatMap(key => {
      const match = METRICS_KEY.exec(key.slice(dataset.length + 1))
      return match ? [group(match, 1)] : []
    })
  }
}

export class LocalMetricsStore extends LakeMetricsStore {
  constructor(dir: string) {
    super(new LakeFolder(dir))
  }
}

export class S3MetricsStore extends LakeMetricsStore {
  constructor(client: S3Client, bucket: string, prefix: string) {
    super(new LakeBucket(client, bucket, prefix))
  }
}
