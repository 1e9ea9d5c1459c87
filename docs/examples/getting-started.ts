/**
 * The examples of docs/getting-started.md, run by packages/core/test/docs.test.ts.
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

// Reads VERCEL_TOKEN (and VERCEL_API_URL, if set); the undici transport comes from @effect/platform-node.
export const VercelLive = VercelAuth.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))

// In an application: NodeRuntime.runMain(revoke("tok_123").pipe(Effect.provide(VercelLive)))
// --- end

// --- getting-started: policy
export const PatientVercel = VercelAuth.layerConfig({
  maxAttempts: 5,
  deadline: "2 minutes",
  maxServerWait: "90 seconds"
}).pipe(Layer.provide(NodeHttpClient.layerUndici))
// --- end
