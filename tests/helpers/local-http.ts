import { createServer, type RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface LocalServer {
  /** http://127.0.0.1:<port>, no trailing slash. */
  base: string
  /** Drops open connections (stalled downloads included) and stops listening. */
  close(): Promise<void>
}

/** An HTTP server on a free loopback port, standing in for a model publisher. */
export async function serveLocally(handler: RequestListener): Promise<LocalServer> {
  const server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
