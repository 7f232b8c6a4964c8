import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createS3Client } from '../../src/core/aws-clients.js'
import { UserError } from '../../src/core/errors.js'
import { LocalMetricsStore, S3MetricsStore } from '../../src/quality/metrics-store.js'
import { tempDir } from '../support/temp.js'
import { withStalledServer } from '../support/stalled-server.js'

describe('S3MetricsStore, fault injection (a server that accepts and never answers)', () => {
  it('a stalled read fails after the request timeout as one line, instead of hanging the step', async () => {
    await withStalledServer(async endpoint => {
      const stalledClient = createS3Client(
        { region: 'us-east-1', endpoint: endpoint, maxAttempts: 1 },
        {},
        { connectionMs: 1000, requestMs: 300 }
      )
      const store = new S3MetricsStore(stalledClient, 'lake', 'm')
      const error = await store.read('customers', '2024-03-01', 'metrics.json').catch(e => e)
      expect(error).toBeInstanceOf(UserError)
      expect(error.message).toMatch(
        /^Cannot read s3:\/\/lake\/m\/customers\/date=2024-03-01\/metrics\.json: TimeoutError: /
      )
    })
  })
})

describe('LocalMetricsStore', () => {
  it('lists date folders holding a metrics.json and writes whole files', async () => {
    const root = tempDir('metrics-store')
    for (const folder of ['date=2024-03-01', 'date=2024-03-02', 'notes', 'date=2024-3-3']) {
      mkdirSync(path.join(root, 'customers', folder), { recursive: true })
    }
    writeFileSync(path.join(root, 'customers', 'date=2024-03-01', 'metrics.json'), '{}')
    writeFileSync(path.join(root, 'customers', 'date=2024-3-3', 'metrics.json'), '{}')
    const store = new LocalMetricsStore(root)
    expect(await store.listDates('customers')).toEqual(['2024-03-01'])
    expect(await store.listDates('orders')).toEqual([])
    await store.write('customers', '2024-03-02', 'results.json', 'x')
    await store.write('customers', '2024-03-02', 'results.json', 'y')
    expect(await store.read('customers', '2024-03-02', 'results.json')).toBe('y')
  })
})
