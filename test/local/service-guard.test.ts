import { describe, expect, it } from 'vitest'
import { browserRequestRefusal } from '../../local/src/service-guard.js'

describe('what a local service takes from whom', () => {
  const host = { host: '127.0.0.1:4000' }

  it('takes a JSON body, and a request without a body whatever its type says', () => {
    expect(
      browserRequestRefusal(
        'POST',
        { ...host, 'content-type': 'application/json', 'content-length': '2' },
        4000
      )
    ).toBeUndefined()
    // Octokit labels an empty PUT (…/actions/workflows/{id}/enable) text/plain.
    expect(
      browserRequestRefusal(
        'PUT',
        { ...host, 'content-type': 'text/plain;charset=UTF-8', 'content-length': '0' },
        4000
      )
    ).toBeUndefined()
    expect(browserRequestRefusal('GET', host, 4000)).toBeUndefined()
  })

  it("refuses a body that is not JSON, a page's request and another Host", () => {
    expect(
      browserRequestRefusal(
        'POST',
        { ...host, 'content-type': 'text/plain', 'content-length': '5' },
        4000
      )
    ).toBe("a POST body of type 'text/plain' is refused: only JSON is accepted")
    expect(browserRequestRefusal('POST', { ...host, 'transfer-encoding': 'chunked' }, 4000)).toBe(
      "a POST body of type 'none' is refused: only JSON is accepted"
    )
    expect(browserRequestRefusal('GET', { ...host, origin: 'https://a.example' }, 4000)).toMatch(
      /Origin/
    )
    expect(browserRequestRefusal('GET', { ...host, 'sec-fetch-site': 'cross-site' }, 4000)).toMatch(
      /browser/
    )
    expect(browserRequestRefusal('GET', { host: 'evil.example:4000' }, 4000)).toMatch(/Host/)
  })
})
