/**
 * 3. The response is lost after Vercel deleted the token (the connection drops). The client retries,
 * gets a 404, and knows that its own first attempt did it: success with `alreadyDeleted: true`,
 * where a naive client would report a failure for a revocation that worked.
 */
import { type DeletedToken, TokenService } from "@vercel-auth/adapter"
import * as Effect from "effect/Effect"
import { formatDeleted } from "../format.js"
import type { Result, Scenario } from "../scenario.js"
import type { Account } from "../server.js"

const loseTheResponse = ({ server, tokenIds: [id] }: Account) =>
  server.script.push({ kind: "reset", when: "after-delete", tokenId: id })

const judge = (call: string, deleted: DeletedToken, account: Account): Result => {
  const [first, second] = account.requests()
  const id = account.tokenIds[0]!
  return {
    outcome: deleted.alreadyDeleted === true ? "alreadyDeleted: true" : `revoked ${deleted.tokenId}`,
    ok: deleted.tokenId === id && deleted.alreadyDeleted === true && first?.deleted === id && second?.status === 404,
    lines: [
      `the server revoked ${id}, then reset the connection: the response was lost`,
      "the client retried, was answered 404, and concluded that its first attempt had revoked it:",
      `${call} → ${formatDeleted(deleted)}`
    ]
  }
}

export const lostResponse: Scenario = {
  name: "lost response",
  title: "A lost response reconciled as alreadyDeleted",
  tokenIds: (api) => [`tok_lost_${api}`],
  promise: async (vercel, account) => {
    loseTheResponse(account)
    const deleted = await vercel.tokens.delete(account.tokenIds[0]!)
    return judge("the promise resolved", deleted, account)
  },
  effect: (account) =>
    Effect.gen(function*() {
      loseTheResponse(account)
      const tokens = yield* TokenService.TokenService
      const deleted = yield* tokens.delete(account.tokenIds[0]!)
      return judge("the effect succeeded", deleted, account)
    })
}
