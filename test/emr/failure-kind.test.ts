import { describe, expect, it } from 'vitest'
import { exitCodeOf, failureKindOf } from '../../src/emr/failure-kind.js'

const AWS_WORDING =
  'Job failed, please check complete logs in configured logging destination. ExitCode: 65. Last few exceptions: Refusal: gap'

describe('failure kind from a run stateDetails', () => {
  it('reads the exit code from the sentence EMR Serverless writes', () => {
    expect(exitCodeOf(AWS_WORDING)).toBe(65)
    expect(exitCodeOf('ExitCode: 1')).toBe(1)
  })

  it('names no exit code for other wordings', () => {
    expect(exitCodeOf(undefined)).toBeUndefined()
    expect(exitCodeOf('Worker lost')).toBeUndefined()
    expect(exitCodeOf('ExitCode: abc')).toBeUndefined()
    expect(exitCodeOf('MyExitCode: 65')).toBeUndefined()
  })

  it('is certain only for a listed exit code; anything else, a missing code included, is transient', () => {
    expect(failureKindOf(AWS_WORDING, [65])).toBe('certain')
    expect(failureKindOf(AWS_WORDING, [])).toBe('transient')
    expect(failureKindOf('ExitCode: 1', [65])).toBe('transient')
    expect(failureKindOf('Job run timed out', [65])).toBe('transient')
    expect(failureKindOf('ExitCode: 650', [65])).toBe('transient')
  })
})
