/**
 * The in-memory service must answer like the real one. Here both run the same script: the real
 * `TokenService` through undici against MockVercelServer, and `TokenServiceTest` in memory.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { TokenService, VercelAuth } from "@vercel-auth/core"
import { MockVercelServer, TokenServiceTest } from "@vercel-auth/testing"
import { Effect, Exit, Layer } from "effect"
import { SECRET } from "./support.js"

const steps: ReadonlyArray<readonly [string, TokenService.DeleteOptions?]> = [
  ["tok_1"],
  ["tok_1"],
  ["tok_1", { missingOk: true }],
  ["tok_unknown"],
  [""],
  [".."],
  ["tok\u0000"],
  ["current"],
  ["tok_2"],
  ["current", { missingOk: true }]
]

const run = Effect.gen(function*() {
  const service = yield* TokenService.TokenService
  const outcomes: Array<unknown> = []
  for (const [tokenId, options] of steps) {
    const exit = yield* Effect.exit(service.delete(tokenId, options))
    outcomes.push(
      Exit.match(exit, {
        onSuccess: (value) => ({ success: value }),
        onFailure: (cause) => {
          const error = cause._tag === "Fail" ? cause.error : undefined
          // The only difference allowed: the request ids, which are unique per answer.
          return {
            ...error,
            requestId: error && "requestId" in error ? typeof error.requestId : undefined,
            message: error?.message.replace(/ Vercel request id: .*$/, "")
          }
        }
      })
    )
  }
  return outcomes
})

describe("TokenServiceTest answers like the real TokenService", () => {
  // Real sockets and the real clock: the server is a peer, there is nothing for TestClock to drive.
  it.live("for the same calls, the same results and errors", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({
        tokens: { [SECRET]: ["tok_1", "tok_2"] },
        selfIds: { [SECRET]: "tok_self" }
      })
      const real = yield* run.pipe(
        Effect.provide(
          VercelAuth.layer({ token: SECRET, baseUrl: server.url }).pipe(
            Layer.provide(NodeHttpClient.layerUndici),
            Layer.orDie
          )
        )
      )
      const fake = yield* run.pipe(
        Effect.provide(TokenServiceTest.layer({ tokens: ["tok_1", "tok_2"], current: "tok_self" }))
      )
      expect(fake).toEqual(real)
      expect(real[0]).toEqual({ success: { tokenId: "tok_1" } })
      expect(server.deleted()).toEqual(["tok_1", "tok_self"])
    }).pipe(Effect.scoped))
})
