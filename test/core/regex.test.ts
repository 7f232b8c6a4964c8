import { describe, expect, it } from 'vitest'
import { group } from '../../src/core/regex.js'

describe('group', () => {
  it('gives a capture group that took part in the match', () => {
    const match = /^(\w+)=(\w*)$/.exec('name=') ?? expect.unreachable('the pattern matches')
    expect(group(match, 1)).toBe('name')
    expect(group(match, 2)).toBe('')
  })

  it('names the group when it took no part (an optional group)', () => {
    const match = /^(\w+)(?:=(\w+))?$/.exec('name') ?? expect.unreachable('the pattern matches')
    expect(() => group(match, 2)).toThrow("Capture group 2 took no part in the match 'name'")
  })
})
