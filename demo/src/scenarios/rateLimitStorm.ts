/**
 * 4. A 429 storm: 20 revocations at once through one client, against a window of 10 per second.
 * The first burst draws 429s; then the client's shared gate holds every caller until the window
 * resets, lets one probe through, then the rest. All 20 succeed, and nobody hammers the API.
 */
import { type DeletedToken, TokenService } from "@vercel-auth/adapter"
import * as Effect from "effect/Effect"
import type { Result, Scenario } from "../scenario.js"
import { rateLimit } from "../server.js"
import type { Account } from "../server.js"

const calls = 20

const judge = (deleted: ReadonlyArray<DeletedToken>, account: Account): Result => {
  const requests = account.requests()
  // With as many permits as calls, the first `calls` requests are the burst; anything later is a retry.
  const burst = requests.slice(0, calls)
  const retries = requests.slice(calls)
  const rateLimited = (some: typeof requests) => some.filter((request) => request.status === 429).length
  const heldMs = retries.length === 0 ? 0 : retries[0]!.at - burst[0]!.at
  const revoked = deleted.filter((d, i) => d.tokenId === account.tokenIds[i] && !account.server.isLive(d.tokenId))
  const window = `${rateLimit.limit} per ${rateLimit.windowMs} ms window`
  return {
    outcome: `${revoked.length}/${calls} revoked, ${rateLimited(requests)} × 429`,
    ok: revoked.length === calls,
    lines: [
      `${calls} concurrent calls on one client; the server allows ${window}`,
      `the burst drew ${rateLimited(burst)} × 429; the gate held those callers for ${heldMs} ms, to the reset`,
      `the server announced, then sent a probe and the rest: ${
        rateLimited(retries)
      } × 429 among ${retries.length} retries`,
      `${revoked.length} of ${calls} revoked, ${requests.length} requests in all`
    ]
  }
}

export const rateLimitStorm: Scenario = {
  name: "429 storm",
  title: `A 429 storm: ${calls} concurrent revocations behind one gate`,
  tokenIds: (api) => Array.from({ length: calls }, (_, i) => `tok_storm_${api}_${String(i + 1).padStart(2, "0")}`),
  // All 20 in flight at once, as a fleet of scripts would be: the burst draws 429s the gate then absorbs.
  resilience: { maxConcurrent: calls },
  promise: async (vercel, account) => {
    const deleted = await Promise.all(account.tokenIds.map((id) => vercel.tokens.delete(id)))
    return judge(deleted, account)
  },
  effect: (account) =>
    Effect.gen(function*() {
      const tokens = yield* TokenService.TokenService
      const deleted = yield* Effect.forEach(account.tokenIds, (id) => tokens.delete(id), { concurrency: "unbounded" })
      return judge(deleted, account)
    })
}
