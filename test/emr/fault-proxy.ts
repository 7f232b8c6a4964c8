import http from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * Fault injection: a small HTTP proxy on 127.0.0.1 in front of moto. moto never throttles and
 * never drops a connection, so this proxy does it on purpose for the requests a test picks:
 * - 'throttle': answers HTTP 400 ThrottlingException without forwarding (as EMR Serverless
 *   names its throttling; the action must go by the name, not the status);
 * - 'drop-before': closes the connection before the request reaches moto;
 * - 'drop-after': forwards the request (moto acts on it), then closes the connection instead
 *   of answering, the case where a retry could start a duplicate;
 * - 'hold-after': forwards the request (moto acts on it), then keeps the answer back and the
 *   connection open until the proxy closes: a request still in flight, for a test that kills
 *   the client meanwhile.
 * It also records every request, so a test can prove that none was sent.
 */
export type Fault = 'throttle' | 'drop-before' | 'drop-after' | 'hold-after' | undefined

export interface ProxiedRequest {
  method: string
  path: string
  fault: Fault
}

export interface FaultProxy {
  endpoint: string
  requests: ProxiedRequest[]
  /** How many 'hold-after' requests moto has answered and the proxy is holding back. */
  held: number
  /** Decides the fault for each request (count = how many requests with this method+path shape came before). */
  decide: (request: { method: string; path: string }) => Fault
  close(): Promise<void>
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target)
  const proxy: FaultProxy = {
    endpoint: '',
    requests: [],
    held: 0,
    decide: () => undefined,
    close: () => new Promise(resolve => server.close(() => resolve()))
  }
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', chunk => chunks.push(chunk as Buffer))
    request.on('end', () => {
      const method = request.method ?? 'GET'
      const path = request.url ?? '/'
      const fault = proxy.decide({ method, path })
      proxy.requests.push({ method, path, fault })
      if (fault === 'throttle') {
        const body = JSON.stringify({ message: 'Rate exceeded' })
        response.writeHead(400, {
          'content-type': 'application/json',
          'x-amzn-errortype': 'ThrottlingException',
          'content-length': Buffer.byteLength(body)
        })
        response.end(body)
        return
      }
      if (fault === 'drop-before') {
        request.socket.destroy()
        return
      }
      const forward = http.request(
        {
          hostname: upstream.hostname,
          port: upstream.port,
          method,
          path,
          headers: { ...request.headers, host: upstream.host }
        },
        answer => {
          const body: Buffer[] = []
          answer.on('data', chunk => body.push(chunk as Buffer))
          answer.on('end', () => {
            if (fault === 'drop-after') {
              request.socket.destroy()
              return
            }
            if (fault === 'hold-after') {
              proxy.held++
              return
            }
            response.writeHead(answer.statusCode ?? 502, answer.headers)
            response.end(Buffer.concat(body))
          })
        }
      )
      forward.on('error', () => request.socket.destroy())
      forward.end(Buffer.concat(chunks))
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()))
  server.keepAliveTimeout = 1000
  proxy.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const close = proxy.close
  proxy.close = () => {
    server.closeAllConnections()
    return close()
  }
  return proxy
}

/** EMR Serverless request shapes, for `decide`. */
export const isStartJobRun = ({ method, path }: { method: string; path: string }): boolean =>
  method === 'POST' && /^\/applications\/[^/]+\/jobruns$/.test(path)
export const isGetJobRun = ({ method, path }: { method: string; path: string }): boolean =>
  method === 'GET' && /^\/applications\/[^/]+\/jobruns\/[^/?]+(\?.*)?$/.test(path)
