/**
 * The examples of docs/errors.md, run by packages/core/test/docs.test.ts.
 */
import { RateLimited, TokenNotFound } from "@vercel-auth/adapter"
import { Effect } from "effect"

import type { createVercelAuth } from "@vercel-auth/adapter"
import type { TokenService } from "@vercel-auth/core"

export const inEffect = (tokens: TokenService.Service, id: string) => {
  const revoked = tokens.delete(id).pipe(
    Effect.catchTag("TokenNotFound", () => Effect.succeed({ tokenId: id, alreadyDeleted: true as const })),
    Effect.catchTag("RateLimited", (e) => Effect.logWarning(`retry at ${e.retryAt?.toISOString()}`))
  )
  return revoked
}

export const inPromise = async (vercel: ReturnType<typeof createVercelAuth>, id: string) => {
  try {
    await vercel.tokens.delete(id)
  } catch (err) {
    if (err instanceof TokenNotFound) { /* already gone */ }
    else if (err instanceof RateLimited) console.warn("retry at", err.retryAt)
    else throw err
  }
}
