/**
 * 1. The everyday case: the token exists, the call revokes it, the value is the id Vercel returned.
 */
import { type DeletedToken, TokenService } from "@vercel-auth/adapter"
import * as Effect from "effect/Effect"
import { formatDeleted } from "../format.js"
import type { Result, Scenario } from "../scenario.js"
import type { Account } from "../server.js"

const judge = (call: string, deleted: DeletedToken, { server, tokenIds: [id] }: Account): Result => ({
  outcome: `revoked ${deleted.tokenId}`,
  ok: deleted.tokenId === id && deleted.alreadyDeleted === undefined && !server.isLive(id!),
  lines: [`${call} → ${formatDeleted(deleted)}`]
})

export const revoke: Scenario = {
  name: "revoke",
  title: "A successful revoke",
  tokenIds: (api) => [`tok_revoke_${api}`],
  promise: async (vercel, account) => {
    const id = account.tokenIds[0]!
    const deleted = await vercel.tokens.delete(id)
    return judge(`await vercel.tokens.delete("${id}")`, deleted, account)
  },
  effect: (account) =>
    Effect.gen(function*() {
      const id = account.tokenIds[0]!
      const tokens = yield* TokenService.TokenService
      const deleted = yield* tokens.delete(id)
      return judge(`yield* tokens.delete("${id}")`, deleted, account)
    })
}
