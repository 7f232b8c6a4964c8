import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'

export interface SigningCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

export interface SignedRequest {
  method: string
  /** The path and query as sent (`request.url`). */
  url: string
  headers: IncomingHttpHeaders
  body: Buffer
}

/** How far a request's X-Amz-Date may be from now, as AWS allows. */
const MAX_SKEW_MS = 15 * 60_000

/**
 * Checks an AWS Signature Version 4 request the way the service does (AWS's "Create a signed
 * AWS API request"): the key ID is the one given, the scope names this service, the date is
 * within 15 minutes, and the signature recomputed over the canonical request with the secret
 * key matches. Returns why not, or undefined when the request is signed with `credentials`.
 * The canonical URI is built as for every service but S3 (each path segment escaped again).
 */
export function signatureProblem(
  request: SignedRequest,
  credentials: SigningCredentials,
  service: string,
  now: number
): string | undefined {
  const authorization = String(request.headers.authorization ?? '')
  const parsed =
    /^AWS4-HMAC-SHA256 Credential=([^/\s]+)\/(\d{8})\/([\w-]+)\/([\w-]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/.exec(
      authorization
    )
  if (!parsed) return 'the request is not signed with AWS Signature Version 4'
  // Every group of the pattern is required: a match has all six.
  const [keyId, day, region, scopeService, signedHeaderList, signature] = parsed.slice(1) as [
    string,
    string,
    string,
    string,
    string,
    string
  ]
  if (keyId !== credentials.accessKeyId) {
    return 'the access key is not the one this local service was started with'
  }
  if (scopeService !== service) return `the signature's scope is ${scopeService}, not ${service}`
  const amzDate = String(request.headers['x-amz-date'] ?? '')
  const time = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate)
  if (!time || !amzDate.startsWith(day)) return 'X-Amz-Date is missing or not the scope date'
  const part = (group: number): number => Number(time[group])
  const signedAt = Date.UTC(part(1), part(2) - 1, part(3), part(4), part(5), part(6))
  if (Math.abs(now - signedAt) > MAX_SKEW_MS) return 'the signature is more than 15 minutes old'
  const signedHeaders = signedHeaderList.split(';')
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) {
    return 'the signature does not cover Host and X-Amz-Date'
  }
  if (credentials.sessionToken !== undefined) {
    if (request.headers['x-amz-security-token'] !== credentials.sessionToken) {
      return 'the session token is not the one this local service was started with'
    }
    if (!signedHeaders.includes('x-amz-security-token')) {
      return 'the signature does not cover X-Amz-Security-Token'
    }
  }

  const url = new URL(request.url, 'http://local')
  let query: string
  try {
    query = canonicalQuery(request.url)
  } catch {
    return 'the query string is not percent-encoded'
  }
  const canonicalRequest = [
    request.method,
    canonicalPath(url.pathname),
    query,
    ...signedHeaders.map(name => `${name}:${headerValue(request.headers[name])}`),
    '',
    signedHeaderList,
    String(request.headers['x-amz-content-sha256'] ?? sha256(request.body))
  ].join('\n')
  const scope = `${day}/${region}/${service}/aws4_request`
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n')
  const key = [day, region, service, 'aws4_request'].reduce<Buffer>(
    (previous, part) => hmac(previous, part),
    Buffer.from(`AWS4${credentials.secretAccessKey}`)
  )
  const expected = hmac(key, stringToSign)
  const given = Buffer.from(signature, 'hex')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return 'the signature does not match the request (a wrong secret key, or a changed request)'
  }
  return undefined
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex')
const hmac = (key: Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest()

/** RFC 3986 percent-encoding, every character but the unreserved ones. */
function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    character => `%${character.charCodeAt(0).toString(16).toUpperCase()}`
  )
}

/** The path as sent, normalised (`.`, `..`, empty segments) and escaped again. */
function canonicalPath(path: string): string {
  const segments: string[] = []
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') segments.pop()
    else segments.push(segment)
  }
  const normalised = `/${segments.join('/')}${segments.length && path.endsWith('/') ? '/' : ''}`
  return escapeUri(normalised).replace(/%2F/g, '/')
}

/** Each parameter escaped, sorted by name, then by `name=value` within a name. */
function canonicalQuery(url: string): string {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : ''
  const byName = new Map<string, string[]>()
  for (const part of query.split('&').filter(Boolean)) {
    const equals = part.indexOf('=')
    const decode = (text: string): string => decodeURIComponent(text)
    const name = escapeUri(decode(equals < 0 ? part : part.slice(0, equals)))
    const value = escapeUri(decode(equals < 0 ? '' : part.slice(equals + 1)))
    byName.set(name, [...(byName.get(name) ?? []), `${name}=${value}`])
  }
  return [...byName.keys()]
    .sort()
    .map(name => byName.get(name)!.sort().join('&'))
    .join('&')
}

function headerValue(value: string | string[] | undefined): string {
  const text = Array.isArray(value) ? value.join(',') : (value ?? '')
  return text.trim().replace(/\s+/g, ' ')
}
