import { createServer, request, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface LocalServer {
  endpoint: string
  /** Requests received so far. */
  requests: number
  close(): Promise<void>
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

const closer = (server: Server) => (): Promise<void> =>
  new Promise(resolve => {
    server.closeAllConnections()
    server.close(() => resolve())
  })

/**
 * An endpoint that only counts what reaches it (and answers 500): a bad-input test points
 * the action here to prove that nothing was sent.
 */
export async function startCountingServer(): Promise<LocalServer> {
  const state = { requests: 0 }
  const server = createServer((_request, response) => {
    state.requests++
    response.writeHead(500).end()
  })
  const endpoint = await listen(server)
  return {
    endpoint,
    get requests() {
      return state.requests
    },
    close: closer(server)
  }
}

/** What the fault proxy does with one request. */
export type Fault = 'drop' | 'slowdown' | 'hang' | 'pass'

/**
 * Fault injection: an HTTP proxy in front of moto that, request by request, follows a plan:
 * `drop` destroys the connection without an answer (a dropped connection), `slowdown`
 * answers 503 SlowDown as S3 does when throttling, `hang` never answers, `pass` forwards to
 * moto. When the plan is used up every request passes (or hangs, with `then: 'hang'`).
 */
export async function startFaultProxy(
  target: string,
  plan: Fault[],
  then: 'pass' | 'hang' = 'pass'
): Promise<LocalServer & { faults: Fault[] }> {
  const upstream = new URL(target)
  const state = { requests: 0 }
  const faults: Fault[] = []
  const server = createServer((incoming: IncomingMessage, response) => {
    state.requests++
    const fault = plan.shift() ?? then
    faults.push(fault)
    if (fault === 'drop') {
      incoming.socket.destroy()
      return
    }
    if (fault === 'hang') return
    if (fault === 'slowdown') {
      response
        .writeHead(503, { 'content-type': 'application/xml' })
        .end(
          '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>'
        )
      return
    }
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers
      },
      answer => {
        response.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(response)
      }
    )
    forward.on('error', () => response.destroy())
    incoming.pipe(forward)
  })
  const endpoint = await listen(server)
  return {
    endpoint,
    faults,
    get requests() {
      return state.requests
    },
    close: closer(server)
  }
}
