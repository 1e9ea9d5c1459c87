/**
 * The examples of docs/effect-api.md, run against MockVercelServer by
 * packages/adapter/test/docs.test.ts, which also checks that every code block of the page is here.
 */
// --- effect-api: imports
import { TokenService, type VercelAuthClient, VercelAuthNode } from "@vercel-auth/adapter"
import { Chunk, type Duration, Effect, Stream } from "effect"
// --- end

// --- effect-api: program
/** Revokes each token, telling apart the ones that were already gone. */
export const revokeLeaked = (tokenIds: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const tokens = yield* TokenService.TokenService
    return yield* Effect.forEach(tokenIds, (tokenId) =>
      tokens.delete(tokenId).pipe(
        Effect.as(`revoked ${tokenId}`),
        Effect.catchTag("TokenNotFound", () => Effect.succeed(`${tokenId} was already gone`))
      ))
  })
// --- end

// --- effect-api: layerConfig
// Reads VERCEL_TOKEN (and VERCEL_API_URL, if set) through Effect Config; the transport is undici.
export const VercelLive = VercelAuthNode.layerConfig({ maxAttempts: 5 })

// In an application, with NodeRuntime from @effect/platform-node (which you install yourself):
// NodeRuntime.runMain(revokeLeaked(["tok_123"]).pipe(Effect.provide(VercelLive)))
// --- end

// --- effect-api: layer
export const vercelLayer = (token: string, baseUrl?: string) =>
  VercelAuthNode.layer({ token, baseUrl, userAgent: "incident-bot/1.0", resilience: { deadline: "10 seconds" } })
// --- end

// --- effect-api: group
/** The rest of the group is on the same service: here, the names of the tokens that never expire. */
export const neverExpiring = Effect.gen(function*() {
  const tokens = yield* TokenService.TokenService
  const all = yield* Stream.runCollect(tokens.list({ pageSize: 100 }))
  return Chunk.toReadonlyArray(all).filter((token) => token.expiresAt === undefined).map((token) => token.name)
})
// --- end

// --- effect-api: timeout
/** Interrupting the call (here by the timeout) closes the request in flight and stops any retry. */
export const revokeWithin = (tokenId: string, within: Duration.DurationInput) =>
  Effect.flatMap(TokenService.TokenService, (tokens) => tokens.delete(tokenId)).pipe(
    Effect.timeoutOption(within)
  )
// --- end

// --- effect-api: client
/** With a client of the Promise API: the same operation as an Effect with no requirements. */
export const revokeWithClient = (vercel: VercelAuthClient.VercelAuthClient, tokenId: string) =>
  Effect.gen(function*() {
    const deleted = yield* vercel.effect.tokens.delete(tokenId, { missingOk: true })
    return deleted.alreadyDeleted ? `${tokenId} was already gone` : `revoked ${deleted.tokenId}`
  }).pipe(
    Effect.catchTag("RateLimited", (error) => Effect.succeed(`try again at ${error.retryAt?.toISOString()}`))
  )

/** Its list is a Stream: `Stream.take` stops the paging after the first tokens. */
export const firstTokenIds = (vercel: VercelAuthClient.VercelAuthClient, count: number) =>
  vercel.effect.tokens.list().pipe(
    Stream.take(count),
    Stream.map((token) => token.id),
    Stream.runCollect,
    Effect.map(Chunk.toReadonlyArray)
  )
// --- end
