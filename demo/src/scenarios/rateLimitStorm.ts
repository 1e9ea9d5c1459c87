/**
 * 4. A 429 storm: 20 revocations at once through one client, against a window of 10 per second.
 * The first burst draws 429s; from then on the client's shared gate holds every caller until the
 * window resets, lets one probe through, then the rest. All 20 succeed, and nobody hammers the API.
 */
import type { Schemas } from "@vercel-auth/core"
import { TokenService } from "@vercel-auth/core"
import * as Effect from "effect/Effect"
import type { Result, Scenario } from "../scenario.js"
import { rateLimit } from "../server.js"
import type { Account } from "../server.js"

const calls = 20

const judge = (deleted: ReadonlyArray<Schemas.DeletedToken>, account: Account): Result => {
  const requests = account.requests()
  const rateLimited = requests.filter((request) => request.status === 429)
  // 429s after the first window are the ones a gate should prevent: callers that did not wait.
  const firstWindowEnds = (requests[0]?.at ?? 0) + rateLimit.windowMs
  const late = rateLimited.filter((request) => request.at >= firstWindowEnds).length
  const revoked = deleted.filter((d, i) => d.tokenId === account.tokenIds[i] && !account.server.isLive(d.tokenId))
  return {
    outcome: `${revoked.length}/${calls} revoked, ${rateLimited.length} × 429`,
    ok: revoked.length === calls,
    lines: [
      `${calls} concurrent revocations through one client; the server allows ${rateLimit.limit} per ` +
      `${rateLimit.windowMs} ms window`,
      `the first burst drew ${rateLimited.length - late} × 429; then the gate held every caller until the window ` +
      `reset, let one probe through, and then the rest (${late} × 429 after that)`,
      `${revoked.length} of ${calls} revoked in ${requests.length} requests`
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
