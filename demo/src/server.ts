/**
 * The embedded Vercel-like server of the demo, and the throwaway accounts each scenario runs under.
 */
import { MockVercelServer } from "@vercel-auth/testing"
import { randomBytes } from "node:crypto"

/**
 * Small enough that 20 concurrent revocations overrun a window, short enough that waiting one out
 * keeps the demo at a few seconds. Windows are per bearer, so only the storm comes near the limit.
 */
export const rateLimit: MockVercelServer.RateLimit = { limit: 10, windowMs: 1_000 }

/** One bearer on the server with the tokens it owns: one per scenario run, so requests can be counted apart. */
export interface Account {
  readonly baseUrl: string
  /** The bearer secret. It is made up, but the demo treats it like a real one: it is never printed. */
  readonly token: string
  readonly tokenIds: ReadonlyArray<string>
  readonly server: MockVercelServer.Server
  /** The requests the server saw from this bearer, in order. */
  readonly requests: () => ReadonlyArray<MockVercelServer.RecordedRequest>
}

export interface DemoServer {
  readonly server: MockVercelServer.Server
  readonly account: (tokenIds: ReadonlyArray<string>) => Account
  readonly close: () => Promise<void>
}

export const startDemoServer = async (): Promise<DemoServer> => {
  const server = await MockVercelServer.start({ rateLimit })
  let accounts = 0
  const account = (tokenIds: ReadonlyArray<string>): Account => {
    const token = `demo_${randomBytes(12).toString("hex")}`
    const selfId = `tok_demo_bearer_${++accounts}`
    server.add({ [token]: tokenIds }, { [token]: selfId })
    return {
      baseUrl: server.url,
      token,
      tokenIds,
      server,
      requests: () => server.requests.filter((request) => request.bearerId === selfId)
    }
  }
  return { server, account, close: () => server.close() }
}
