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

/**
 * The lake as the run records and the report see it: text files under one root, an
 * `s3://bucket/prefix` URI or a local folder, addressed by `/`-separated relative keys.
 */
export interface Lake {
  /** Where a key is, for messages. */
  locate(key: string): string
  /** The file's text, or undefined when there is none. */
  read(key: string): Promise<string | undefined>
  write(key: string, body: string): Promise<void>
  /** Every key under `prefix` (a folder, ending in `/`), in no particular order. */
  list(prefix: string): Promise<string[]>
}

export type LakeRoot =
  { kind: 's3'; bucket: string; prefix: string } | { kind: 'local'; dir: string }

/**
 * `s3://bucket[/prefix]` or a local folder (relative to `cwd`); `input` names it in errors,
 * which call the local kind `local` (the quality gate's inputs say "a local directory").
 */
export function parseLakeRoot(
  input: string,
  text: string,
  cwd: string,
  local = 'a local folder'
): LakeRoot {
  const uri = parseS3Uri(input, text, {
    expected: `an s3://bucket/prefix URI or ${local}`,
    namesScheme: false
  })
  if (uri) return { kind: 's3', bucket: uri.bucket, prefix: uri.key.replace(/\/+$/, '') }
  return { kind: 'local', dir: path.resolve(cwd, text) }
}

export class LakeFolder implements Lake {
  constructor(private readonly dir: string) {}

  locate(key: string): string {
    return path.join(this.dir, ...key.split('/'))
  }

  async read(key: string): Promise<string | undefined> {
    try {
      return await readFile(this.locate(key), 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw new UserError(`Cannot read ${this.locate(key)}: ${errorMessage(error)}`)
    }
  }

  async write(key: string, body: string): Promise<void> {
    const target = this.locate(key)
    await mkdir(path.dirname(target), { recursive: true })
    // Write then rename: a reader never sees half a record.
    const temporary = `${target}.${process.pid}.tmp`
    await writeFile(temporary, body)
    await rename(temporary, target)
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = []
    const walk = async (relative: string): Promise<void> => {
      let entries
      try {
        entries = await readdir(this.locate(relative), { withFileTypes: true })
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
        throw new UserError(`Cannot list ${this.locate(relative)}: ${errorMessage(error)}`)
      }
      await Promise.all(
        entries.map(entry =>
          entry.isDirectory()
            ? walk(`${relative}${entry.name}/`)
            : entry.name.endsWith('.tmp')
              ? undefined
              : keys.push(`${relative}${entry.name}`)
        )
      )
    }
    await walk(prefix)
    return keys
  }
}

export class LakeBucket implements Lake {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly prefix: string
  ) {}

  private key(key: string): string {
    return this.prefix ? `${this.prefix}/${key}` : key
  }

  locate(key: string): string {
    return `s3://${this.bucket}/${this.key(key)}`
  }

  async read(key: string): Promise<string | undefined> {
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.key(key) })
      )
      return (await response.Body?.transformToString('utf-8')) ?? ''
    } catch (error) {
      if (errorName(error) === 'NoSuchKey' || errorName(error) === 'NotFound') return undefined
      throw this.failure('read', this.locate(key), error)
    }
  }

  async write(key: string, body: string): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.key(key),
          Body: body,
          ContentType: 'application/json'
        })
      )
    } catch (error) {
      throw this.failure('write', this.locate(key), error)
    }
  }

  async list(prefix: string): Promise<string[]> {
    const full = this.key(prefix)
    const strip = this.prefix ? this.prefix.length + 1 : 0
    const keys: string[] = []
    let token: string | undefined
    try {
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: full, ContinuationToken: token })
        )
        for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key.slice(strip))
        token = page.IsTruncated ? page.NextContinuationToken : undefined
      } while (token)
    } catch (error) {
      throw this.failure('list', `s3://${this.bucket}/${full}`, error)
    }
    return keys
  }

  private failure(action: string, location: string, error: unknown): UserError {
    return new UserError(
      `Cannot ${action} ${location}: ${errorName(error)}: ${errorMessage(error)}`
    )
  }
}
