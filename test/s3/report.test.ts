import { describe, expect, it } from 'vitest'
import { Inputs } from '../../src/core/inputs.js'
import { formatBytes } from '../../src/s3/conditions.js'
import { readSensorConfig } from '../../src/s3/config.js'
import { MAX_OUTPUT_KEYS, sensorOutputs, sensorSummary } from '../../src/s3/report.js'
import type { SensorResult } from '../../src/s3/sensor.js'

const config = readSensorConfig(
  new Inputs(
    name => ({ bucket: 'data-lake', key: 'bronze/d=1/*.json', 'min-total-bytes': '10' })[name]
  ),
  { AWS_REGION: 'us-east-1' }
)

function result(count: number, found = true): SensorResult {
  const objects = Array.from({ length: count }, (_, index) => ({
    key: `bronze/d=1/part-${String(index).padStart(5, '0')}.json`,
    size: 2,
    etag: '"e"',
    lastModified: 0
  }))
  return {
    found,
    objects,
    complete: true,
    totalBytes: count * 2,
    waitedMs: 61_400,
    pokes: 2,
    listRequests: 3,
    conditions: [
      {
        id: 'objects',
        condition: 'objects',
        required: 'at least 1',
        observed: String(count),
        met: count > 0
      },
      {
        id: 'total-size',
        condition: 'total size',
        required: 'at least 10 B',
        observed: `${count * 2} B`,
        met: count * 2 >= 10
      }
    ],
    message: found ? 'Found them' : 'Timed out | waiting'
  }
}

describe('sensorOutputs', () => {
  it('gives every output, waited in whole seconds', () => {
    expect(sensorOutputs(result(3))).toEqual({
      found: true,
      count: 3,
      'total-bytes': 6,
      keys: JSON.stringify([
        'bronze/d=1/part-00000.json',
        'bronze/d=1/part-00001.json',
        'bronze/d=1/part-00002.json'
      ]),
      'waited-seconds': 61
    })
  })

  it(`caps keys at the first ${MAX_OUTPUT_KEYS} while count has them all`, () => {
    const outputs = sensorOutputs(result(MAX_OUTPUT_KEYS + 5))
    expect(outputs.count).toBe(MAX_OUTPUT_KEYS + 5)
    const keys = JSON.parse(outputs.keys) as string[]
    expect(keys).toHaveLength(MAX_OUTPUT_KEYS)
    expect(keys.at(-1)).toBe(`bronze/d=1/part-00999.json`)
  })
})

describe('sensorSummary', () => {
  it('is one table of what was waited for, each condition, found, count, bytes and waited', () => {
    const summary = String(sensorSummary(config, result(3, false)))
    expect(summary).toContain('### S3 sensor: timed out')
    expect(summary).toContain('|  | value | ok |\n| --- | --- | --- |\n')
    expect(summary).toContain(
      '| waited for | `s3://data-lake/bronze/d=1/*.json` (glob, listing only `s3://data-lake/bronze/d=1/`) |  |'
    )
    expect(summary).toContain('| objects | 3 (required: at least 1) | ✅ |')
    expect(summary).toContain('| total size | 6 B (required: at least 10 B) | ❌ |')
    expect(summary).toContain('| found | false | ❌ |')
    expect(summary).toContain('| count | 3 |  |')
    expect(summary).toContain('| bytes | 6 (6 B) |  |')
    expect(summary).toContain('| waited | 1m 1s of 1h (2 pokes, 3 ListObjectsV2 requests) |  |')
    expect(summary).toContain('Timed out | waiting')
    expect(summary).toContain('<details><summary>Matched keys (3)</summary>')
  })

  it('lists at most 50 keys', () => {
    const summary = String(sensorSummary(config, result(60)))
    expect(summary.match(/^- `bronze/gm)).toHaveLength(50)
    expect(summary).toContain('- … and 10 more')
  })
})

describe('formatting', () => {
  it.each<[number, string]>([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [50 * 1024 * 1024, '50 MiB'],
    [3 * 1024 ** 4, '3.0 TiB']
  ])('%d bytes → %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text)
  })
})

describe('what was waited for', () => {
  const summaryFor = (values: Record<string, string>): string =>
    String(
      sensorSummary(
        readSensorConfig(new Inputs(name => ({ bucket: 'data-lake', ...values })[name]), {
          AWS_REGION: 'us-east-1'
        }),
        result(0, false)
      )
    )
  it.each<[Record<string, string>, string]>([
    [{ key: 'bronze/d=1/' }, '`s3://data-lake/bronze/d=1/` (every object under the prefix)'],
    [{ key: 'exports/a.csv' }, '`s3://data-lake/exports/a.csv` (one key)'],
    [{ keys: 'a.csv\nb.csv' }, 'all of `s3://data-lake/a.csv`, `s3://data-lake/b.csv`'],
    [
      { keys: 'k1,k2,k3,k4,k5,k6,k7' },
      'all of `s3://data-lake/k1`, `s3://data-lake/k2`, `s3://data-lake/k3`, `s3://data-lake/k4`, `s3://data-lake/k5` and 2 more'
    ]
  ])('%j', (values, cellText) => {
    expect(summaryFor(values)).toContain(`| waited for | ${cellText} |  |`)
  })
})
