/**
 * The embedded Vercel-like server of the demo: `MockVercelServer` seeded with the account, a small
 * rate limit and a flaky network on the DELETE route.
 */
import { MockVercelServer } from "@vercel-auth/testing"
import type { Account } from "./account.js"
import * as Facts from "./facts.js"
import { rateLimit } from "./rateLimit.js"

export interface DemoServer {
  readonly server: MockVercelServer.Server
  readonly url: string
  /**
   * Waits until the responder's rate-limit window has reset (if one is open), so that the next
   * command starts on a full window; returns how long it waited, in ms.
   */
  readonly freshWindow: () => Promise<number>
  /** The live tokens of the account, newest first. */
  readonly live: () => ReadonlyArray<MockVercelServer.TokenRecord>
  readonly close: () => Promise<void>
}

export const startServer = async (makeAccount: (now: number) => Account): Promise<DemoServer & Account> => {
  const account = makeAccount(Date.now())
  const server = await MockVercelServer.start({
    tokens: { [account.secret]: account.tokens },
    selfIds: { [account.secret]: account.self },
    pagination: { pageSize: 20 },
    rateLimit,
    // Below Node's ~5 s default: the CLI's sockets close with it anyway, this only tidies up.
    keepAliveTimeoutMs: 1_000
  })
  // The flaky network, on the DELETE route: the first DELETE of one leaked token is answered 503; the
  // first DELETE of another revokes it, then the connection drops before the answer goes out.
  server.script.push(
    { kind: "status", status: 503, route: "delete", tokenId: account.unavailableId },
    { kind: "reset", when: "after-action", route: "delete", tokenId: account.lostId }
  )
  return {
    ...account,
    server,
    url: server.url,
    freshWindow: async () => {
      const mine = server.requests.filter((request) => request.bearerId === account.selfId)
      const resetAt = (Facts.windows(mine).at(-1)?.start ?? -Infinity) + rateLimit.windowMs
      // A few ms past the reset: the server's clock and this one are the same, but timers fire late or early.
      const wait = Math.max(0, resetAt + 20 - Date.now())
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      return wait
    },
    live: () => server.tokensOf(account.secret),
    close: () => server.close()
  }
}
