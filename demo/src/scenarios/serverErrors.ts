/**
 * 5. A burst of 503s: retried with jittered backoff until the server recovers, within the attempt limit.
 */
import { type DeletedToken, TokenService } from "@vercel-auth/adapter"
import * as Effect from "effect/Effect"
import { formatDeleted } from "../format.js"
import type { Result, Scenario } from "../scenario.js"
import type { Account } from "../server.js"

const twoOutages = ({ server, tokenIds: [id] }: Account) =>
  server.script.push({ kind: "status", status: 503, times: 2, tokenId: id })

const judge = (call: string, deleted: DeletedToken, account: Account): Result => {
  const statuses = account.requests().map((request) => request.status)
  return {
    outcome: `revoked after ${statuses.length} attempts`,
    ok: deleted.tokenId === account.tokenIds[0] && deleted.alreadyDeleted === undefined &&
      statuses.join() === "503,503,200",
    lines: [
      `attempts: ${statuses.map((status, i) => `#${i + 1} → ${status ?? "no answer"}`).join(", ")}`,
      `${call} → ${formatDeleted(deleted)}`
    ]
  }
}

export const serverErrors: Scenario = {
  name: "503 burst",
  title: "A 503 burst, retried",
  tokenIds: (api) => [`tok_unavailable_${api}`],
  promise: async (vercel, account) => {
    twoOutages(account)
    const deleted = await vercel.tokens.delete(account.tokenIds[0]!)
    return judge("the promise resolved", deleted, account)
  },
  effect: (account) =>
    Effect.gen(function*() {
      twoOutages(account)
      const tokens = yield* TokenService.TokenService
      const deleted = yield* tokens.delete(account.tokenIds[0]!)
      return judge("the effect succeeded", deleted, account)
    })
}
