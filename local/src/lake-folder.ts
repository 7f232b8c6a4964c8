import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import path from 'node:path'
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client
} from '@aws-sdk/client-s3'
import { mapBounded } from '../../src/s3/map-bounded.js'

/** A few requests at once: moto answers them one by one, but the round trips overlap. */
const REQUESTS_AT_ONCE = 8

/**
 * The local S3 (moto) keeps its objects in memory, so the local lake lives in a folder
 * between runs: loaded into the bucket before the first date, written back after the last.
 * Object keys are the folder's relative paths.
 */
export async function loadFolderIntoBucket(
  s3: S3Client,
  bucket: string,
  folder: string
): Promise<number> {
  const files = filesUnder(folder)
  await mapBounded(files, REQUESTS_AT_ONCE, async file => {
    const key = path.relative(folder, file).split(path.sep).join('/')
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: readFileSync(file) }))
  })
  return files.length
}

/** Replaces the folder's contents with the bucket's objects. */
export async function saveBucketToFolder(
  s3: S3Client,
  bucket: string,
  folder: string
): Promise<number> {
  const keys: string[] = []
  let token: string | undefined
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token })
    )
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key)
    token = page.IsTruncated ? page.NextContinuationToken : undefined
  } while (token)
  const staged = `${folder}.saving`
  rmSync(staged, { recursive: true, force: true })
  // A key ending in / is a folder marker (S3A writes some): nothing to keep.
  await mapBounded(
    keys.filter(key => !key.endsWith('/')),
    REQUESTS_AT_ONCE,
    async key => {
      const target = path.join(staged, ...key.split('/'))
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
      mkdirSync(path.dirname(target), { recursive: true })
      writeFileSync(target, await object.Body!.transformToByteArray())
    }
  )
  mkdirSync(staged, { recursive: true })
  // Swapped in only once complete: an interrupted save never leaves half a lake behind.
  rmSync(folder, { recursive: true, force: true })
  mkdirSync(path.dirname(folder), { recursive: true })
  renameSync(staged, folder)
  return keys.length
}

export function filesUnder(dir: string): string[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return []
  }
  return names.flatMap(name => {
    const full = path.join(dir, name)
    return statSync(full).isDirectory() ? filesUnder(full) : [full]
  })
}
