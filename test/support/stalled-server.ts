import { createServer, type Socket } from 'node:net'

/**
 * Fault injection: a server on 127.0.0.1 that accepts connections and never answers, the
 * stalled connection no local peer produces on demand. Gives `use` its http:// endpoint and
 * closes every connection afterwards.
 */
export async function withStalledServer<T>(use: (endpoint: string) => Promise<T>): Promise<T> {
  const sockets: Socket[] = []
  const stalled = createServer(socket => sockets.push(socket))
  await new Promise<void>(resolve => stalled.listen(0, '127.0.0.1', resolve))
  const { port } = stalled.address() as { port: number }
  try {
    return await use(`http://127.0.0.1:${port}`)
  } finally {
    for (const socket of sockets) socket.destroy()
    stalled.close()
  }
}
