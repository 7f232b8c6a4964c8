/**
 * The one router of the local HTTP services (the local EMR Serverless API, the GitHub API
 * stand-in, the tests' GitHub fake): a method and a path pattern with named parameters
 * (`/applications/:applicationId/jobruns/:jobRunId`, `/issues/:number(\d+)`) → a handler.
 * It only finds the route; each service calls its handler with what that service needs and
 * answers a miss in its own API's words (a miss is a 404, or a 405 naming the methods the path
 * has, with a JSON body for services that have no words of their own).
 */

export type RouteParams = Readonly<Record<string, string>>

export interface RouteFound<H> {
  found: true
  handler: H
  /** The named segments, URL-decoded. */
  params: RouteParams
  query: URLSearchParams
  pathname: string
}

export interface RouteMiss {
  found: false
  /** 404: no route has this path; 405: the path has routes, for other methods (`allowed`). */
  status: 404 | 405
  allowed: string[]
  /** A JSON error body saying so, for a service without an error format of its own. */
  error: { message: string }
}

interface Route<H> {
  method: string
  pattern: RegExp
  names: string[]
  handler: H
}

/** `:name`, optionally with its own expression in parentheses (`:number(\d+)`). */
const PARAMETER = /:([A-Za-z_]\w*)(?:\(((?:[^()\\]|\\.)+)\))?/g

export class HttpRouter<H> {
  private readonly routes: Route<H>[] = []

  /** Adds a route; routes are tried in the order they were added. */
  on(method: string, path: string, handler: H): this {
    const names: string[] = []
    let source = ''
    let last = 0
    for (const match of path.matchAll(PARAMETER)) {
      source += escapeLiteral(path.slice(last, match.index))
      source += `(${match[2] ?? '[^/]+'})`
      names.push(match[1]!)
      last = match.index + match[0].length
    }
    source += escapeLiteral(path.slice(last))
    this.routes.push({
      method: method.toUpperCase(),
      pattern: new RegExp(`^${source}$`),
      names,
      handler
    })
    return this
  }

  /** The route for `method` and `url` (a full URL, or a path with its query). */
  find(method: string, url: string | URL): RouteFound<H> | RouteMiss {
    const parsed = typeof url === 'string' ? new URL(url, 'http://127.0.0.1') : url
    const pathname = parsed.pathname
    const wanted = method.toUpperCase()
    const allowed: string[] = []
    for (const route of this.routes) {
      const match = route.pattern.exec(pathname)
      if (!match) continue
      const params = decodeParams(route.names, match.slice(1))
      // A malformed %-escape names nothing this service has.
      if (!params) continue
      if (route.method !== wanted) {
        if (!allowed.includes(route.method)) allowed.push(route.method)
        continue
      }
      return { found: true, handler: route.handler, params, query: parsed.searchParams, pathname }
    }
    return allowed.length > 0
      ? {
          found: false,
          status: 405,
          allowed,
          error: { message: `${wanted} is not allowed on ${pathname} (only ${allowed.join(', ')})` }
        }
      : {
          found: false,
          status: 404,
          allowed,
          error: { message: `No route for ${wanted} ${pathname}` }
        }
  }
}

function decodeParams(names: string[], values: (string | undefined)[]): RouteParams | undefined {
  const params: Record<string, string> = {}
  try {
    names.forEach((name, index) => (params[name] = decodeURIComponent(values[index] ?? '')))
  } catch {
    return undefined
  }
  return params
}

function escapeLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
