import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../support/temp.js'
import { runFixture } from './support.js'

// The runner's GitHub API stand-in, asked by a step as a step asks GitHub: it takes the token
// the runner gave this run (a new one each run), from the step, not from a browser.
describe("the GitHub API stand-in's token", { timeout: 120_000 }, () => {
  it('is new for each run, and the stand-in refuses any other token and a browser request', async () => {
    const tokens: string[] = []
    for (let run = 0; run < 2; run++) {
      const out = tempDir('github-api-token')
      const result = await runFixture('test/fixtures/workflows/github-api-token.yml', {
        inputs: { out }
      })
      expect(result.exitCode, result.output).toBe(0)
      tokens.push(readFileSync(path.join(out, 'token'), 'utf8'))
      expect(JSON.parse(readFileSync(path.join(out, 'statuses.json'), 'utf8'))).toEqual({
        token: 200,
        origin: 403,
        other: 401
      })
      // The log shows it masked, as GitHub masks its own token.
      expect(result.output).not.toContain(tokens.at(-1))
    }
    for (const token of tokens) expect(token).toMatch(/^ghs_[0-9a-f]{36}$/)
    expect(tokens[0]).not.toBe(tokens[1])
  })
})
