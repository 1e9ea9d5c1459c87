/**
 * The examples of docs/errors.md, run against MockVercelServer by packages/adapter/test/docs.test.ts;
 * packages/core/test/docs.test.ts checks that every code block of the page is here.
 */
// --- errors: imports
import {
  type CreateTokenError,
  RateLimited,
  TokenError,
  TokenNotFound,
  type TokenService,
  type VercelAuthClient
} from "@vercel-auth/adapter"
import { Effect } from "effect"
// --- end

// --- errors: effect
/** Revokes `id`: a token that is already gone is fine; a rate limit is logged, and passed on. */
export const inEffect = (tokens: TokenService.Service, id: string) =>
  tokens.delete(id).pipe(
    Effect.catchTag("TokenNotFound", () => Effect.succeed({ tokenId: id, alreadyDeleted: true as const })),
    Effect.tapErrorTag("RateLimited", (e) => Effect.logWarning(`retry at ${e.retryAt?.toISOString()}`))
  )
// --- end

// --- errors: promise
export const inPromise = async (vercel: VercelAuthClient.VercelAuthClient, id: string) => {
  try {
    return await vercel.tokens.delete(id)
  } catch (err) {
    if (err instanceof TokenNotFound) return { tokenId: id, alreadyDeleted: true as const }
    if (err instanceof RateLimited) console.warn("retry at", err.retryAt)
    throw err
  }
}
// --- end

// --- errors: create
/** What to tell the operator about each way `create` can fail. */
export const explainCreate = (error: CreateTokenError): string => {
  switch (error._tag) {
    case "InvalidInput":
      return `fix \`${error.field}\`: it ${error.problem}`
    case "RateLimited":
      return `rate limited until ${error.retryAt?.toISOString() ?? "later"}`
    case "NetworkError":
    case "Timeout":
    case "ServerError":
    case "UnexpectedResponse":
      // Vercel may have made the token: these are the candidates, by name and time.
      return error.possibleOrphans !== undefined && error.possibleOrphans.length > 0
        ? `may have created ${error.possibleOrphans.join(", ")}; revoke them`
        : error.message
    default:
      return error.message // BadRequest, Unauthorized, Forbidden
  }
}
// --- end

// --- errors: construct
/** An error made by hand, as in a test double: the fields go in, and the class writes the message. */
export const rateLimited = new TokenError.RateLimited({
  operation: "delete",
  tokenId: "tok_1",
  attempts: 3,
  status: 429,
  retryAt: new Date("2030-01-01T00:00:00Z")
})
// rateLimited.message === 'Revoking token "tok_1" failed: Vercel answered 429 after 3 attempts.
//   Rate limited until 2030-01-01T00:00:00.000Z, later than this call may wait.'
// --- end
