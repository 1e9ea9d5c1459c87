/**
 * The examples of docs/getting-started.md, run against MockVercelServer by
 * packages/adapter/test/docs.test.ts; packages/core/test/docs.test.ts checks that every code block of
 * the page is here.
 */
// --- getting-started: effect
import { NodeHttpClient } from "@effect/platform-node"
import { TokenService, VercelAuth } from "@vercel-auth/core"
import { Effect, Layer } from "effect"

export const revoke = (tokenId: string) =>
  Effect.gen(function*() {
    const tokens = yield* TokenService.TokenService
    const deleted = yield* tokens.delete(tokenId, { missingOk: true })
    yield* Effect.logInfo(deleted.alreadyDeleted ? `${tokenId} was already gone` : `revoked ${deleted.tokenId}`)
    return deleted
  })

// Reads VERCEL_TOKEN (and VERCEL_API_URL, if set). The transport here is the undici client of
// @effect/platform-node, which you install yourself; any other HttpClient layer works the same way.
export const VercelLive = VercelAuth.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))

// In an application (NodeRuntime is in @effect/platform-node too):
// NodeRuntime.runMain(revoke("tok_123").pipe(Effect.provide(VercelLive)))
// --- end

// --- getting-started: policy
export const PatientVercel = VercelAuth.layerConfig({
  maxAttempts: 5,
  deadline: "2 minutes",
  maxServerWait: "90 seconds"
}).pipe(Layer.provide(NodeHttpClient.layerUndici))
// --- end
