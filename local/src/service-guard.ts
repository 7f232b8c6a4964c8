import { randomBytes } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'

/**
 * What the local services (the local EMR Serverless, the GitHub API stand-in) refuse before
 * reading a request: they serve the runner's own steps on 127.0.0.1, whose SDKs and clients
 * never send a browser's headers. A web page can still reach 127.0.0.1 (a `no-cors` POST with
 * a text/plain body needs no preflight), and a rebound DNS name can too: so a request with an
 * `Origin` or `Sec-Fetch-Site` (which browsers send), for another host than 127.0.0.1 /
 * localhost, or with a body that is not JSON is refused, whatever else it carries.
 */
export function browserRequestRefusal(
  method: string,
  headers: IncomingHttpHeaders,
  port: number
): string | undefined {
  if (headers.origin !== undefined) return 'a request with an Origin (from a web page) is refused'
  // Only a browser sends Sec-Fetch-Site (Node's fetch sends Sec-Fetch-Mode, but not this).
  if (headers['sec-fetch-site'] !== undefined) return "a browser's request is refused"
  const host = headers.host ?? ''
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
    return `the Host '${host}' is not this service (127.0.0.1:${port})`
  }
  const type = headers['content-type']
  const hasBody =
    (headers['content-length'] !== undefined && headers['content-length'] !== '0') ||
    headers['transfer-encoding'] !== undefined
  // A request without a body says nothing with its type (Octokit labels an empty PUT, such
  // as …/enable, text/plain); a body must be JSON.
  if (hasBody && !/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type ?? '')) {
    return `a ${method} body of type '${type ?? 'none'}' is refused: only JSON is accepted`
  }
  return undefined
}

/**
 * Credentials made for one start of a local service: the runner hands them to its own steps
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), and requests signed with anything else are
 * refused. The key ID has the shape of a temporary AWS one, so that logs strip it as they
 * strip real ones.
 */
export function localCredentials(): { accessKeyId: string; secretAccessKey: string } {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  const id = [...randomBytes(16)].map(byte => alphabet[byte % 32]).join('')
  return { accessKeyId: `ASIA${id}`, secretAccessKey: randomBytes(30).toString('base64url') }
}

/** A random token for a URL or a bearer header. */
export const randomToken = (bytes = 24): string => randomBytes(bytes).toString('base64url')
