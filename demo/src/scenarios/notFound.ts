/**
 * 2. A token that does not exist: a 404 becomes the typed `TokenNotFound`, with what a person needs
 * to act on it (status, Vercel's request id for support, a message that says what to do).
 */
import { TokenNotFound, TokenService } from "@vercel-auth/adapter"
import * as Effect from "effect/Effect"
import type { Result, Scenario } from "../scenario.js"

/** Owned by nobody on the server, so the first attempt is answered 404. */
const missing = (api: string) => `tok_never_existed_${api}`

const judge = (how: string, error: TokenNotFound, id: string): Result => ({
  outcome: `${error._tag} ${error.status}`,
  ok: error instanceof TokenNotFound && error.status === 404 && error.tokenId === id && error.requestId !== undefined,
  lines: [
    how,
    `_tag ${error._tag}, status ${error.status}, requestId ${error.requestId ?? "(none)"}, attempts ${error.attempts}`,
    `message: ${error.message}`
  ]
})

const unexpected = (value: unknown): Result => ({
  outcome: "succeeded",
  ok: false,
  lines: [`expected TokenNotFound, got ${JSON.stringify(value)}`]
})

export const notFound: Scenario = {
  name: "404",
  title: "A 404 is a typed TokenNotFound",
  tokenIds: () => [],
  promise: async (vercel) => {
    const id = missing("promise")
    try {
      return unexpected(await vercel.tokens.delete(id))
    } catch (error) {
      if (!(error instanceof TokenNotFound)) throw error
      return judge(`vercel.tokens.delete("${id}") rejected; err instanceof TokenNotFound`, error, id)
    }
  },
  effect: () => {
    const id = missing("effect")
    return Effect.gen(function*() {
      const tokens = yield* TokenService.TokenService
      const deleted = yield* tokens.delete(id)
      return unexpected(deleted)
    }).pipe(
      Effect.catchTag(
        "TokenNotFound",
        (error) =>
          Effect.succeed(judge(`tokens.delete("${id}") failed; caught by Effect.catchTag("TokenNotFound")`, error, id))
      )
    )
  }
}
