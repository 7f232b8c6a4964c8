import {
  CancelJobRunCommand,
  EMRServerlessClient,
  GetJobRunCommand,
  type JobRun
} from '@aws-sdk/client-emr-serverless'
import { mockClient } from 'aws-sdk-client-mock'
import { beforeEach, describe, expect, it } from 'vitest'
import { MemoryLogger } from '../../src/core/log.js'
import { MemoryState } from '../../src/core/state.js'
import { cancelRunLeftBehind } from '../../src/emr/post.js'

// aws-sdk-client-mock: the clients answer what each test scripts, including throttling and
// network errors that no local peer produces on demand.
const emr = mockClient(EMRServerlessClient)
beforeEach(() => emr.reset())

const client = () => new EMRServerlessClient({ region: 'us-east-1' })

const jobRun = (state: string, extra: Partial<JobRun> = {}) => ({
  jobRun: { state, ...extra } as JobRun
})

describe('post step', () => {
  function state(values: Record<string, string>): MemoryState {
    const store = new MemoryState()
    for (const [name, value] of Object.entries(values)) store.save(name, value)
    return store
  }

  it('cancels a run the main step left going', async () => {
    emr.on(GetJobRunCommand).resolves(jobRun('RUNNING'))
    emr.on(CancelJobRunCommand).resolves({})
    const result = await cancelRunLeftBehind(
      state({ 'job-run-id': 'run1', 'application-id': 'app', finished: 'false' }),
      client,
      new MemoryLogger()
    )
    expect(result).toBe('cancelled')
    expect(emr.commandCalls(CancelJobRunCommand)[0].args[0].input).toEqual({
      applicationId: 'app',
      jobRunId: 'run1'
    })
  })

  it('does nothing without a run, for a finished run, or for a run that already ended', async () => {
    emr.on(GetJobRunCommand).resolves(jobRun('SUCCESS'))
    expect(await cancelRunLeftBehind(state({}), client, new MemoryLogger())).toBe('no-run')
    expect(
      await cancelRunLeftBehind(
        state({ 'job-run-id': 'r', 'application-id': 'a', finished: 'true' }),
        client,
        new MemoryLogger()
      )
    ).toBe('finished')
    expect(
      await cancelRunLeftBehind(
        state({ 'job-run-id': 'r', 'application-id': 'a', finished: 'false' }),
        client,
        new MemoryLogger()
      )
    ).toBe('already-ended')
    expect(emr.commandCalls(CancelJobRunCommand)).toHaveLength(0)
  })
})
