import { describe, expect, it } from 'vitest'
import { MemoryState } from '../../src/core/state.js'
import { readHandOver, saveHandOver, type RunHandOver } from '../../src/emr/run-state.js'

describe('main → post hand-over', () => {
  const handOver: RunHandOver = {
    applicationId: 'app',
    runName: 'daily/ingest/2026-01-01',
    clientToken: 'token-1',
    jobRunId: 'run1',
    finished: false,
    cancelOnAbort: true
  }

  it('is one object, saved as one value per field and read back whole', () => {
    const store = new MemoryState()
    saveHandOver(store, handOver)
    expect(Object.fromEntries(store.values)).toEqual({
      'application-id': 'app',
      'run-name': 'daily/ingest/2026-01-01',
      'client-token': 'token-1',
      'job-run-id': 'run1',
      finished: 'false',
      'cancel-on-abort': 'true'
    })
    expect(readHandOver(store)).toEqual(handOver)
    saveHandOver(store, { ...handOver, finished: true, cancelOnAbort: false })
    expect(readHandOver(store)).toEqual({ ...handOver, finished: true, cancelOnAbort: false })
  })

  it('nothing saved reads as no hand-over; a missing flag reads as its default', () => {
    expect(readHandOver(new MemoryState())).toBeUndefined()
    const store = new MemoryState()
    store.save('application-id', 'app')
    store.save('job-run-id', 'run1')
    expect(readHandOver(store)).toEqual({
      applicationId: 'app',
      runName: '',
      clientToken: '',
      jobRunId: 'run1',
      finished: false,
      cancelOnAbort: true
    })
  })
})
