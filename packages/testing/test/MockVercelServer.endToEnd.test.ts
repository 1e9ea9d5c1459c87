/**
 * The real TokenService through undici against the server's faults: proof that each fault looks to
 * a real transport like what it is named after. Real sockets and the real clock (the server is a
 * peer, not driven by TestClock), with a policy of short waits.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { TokenError, TokenService, VercelAuth } from "@vercel-auth/core"
import { MockVercelServer } from "@vercel-auth/testing"
import { Effect, Fiber, Layer } from "effect"
import { SECRET, wait } from "./support.js"

const accounts = { tokens: { [SECRET]: ["tok_1", "tok_2"] }, selfIds: { [SECRET]: "tok_self" } }

const revoke = (server: MockVercelServer.Server, tokenId: string) =>
  Effect.flatMap(TokenService.TokenService, (service) => service.delete(tokenId)).pipe(
    Effect.provide(
      VercelAuth.layer({
        token: SECRET,
        baseUrl: server.url,
        resilience: { baseDelay: 10, maxDelay: 20, attemptTimeout: 300, deadline: 5_000 }
      }).pipe(Layer.provide(NodeHttpClient.layerUndici), Layer.orDie)
    )
  )

describe("MockVercelServer through a real transport", () => {
  it.live("a lost response (reset after the deletion) is reconciled into alreadyDeleted", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make(accounts)
      server.script.push({ kind: "reset", when: "after-delete" })
      expect(yield* revoke(server, "tok_1")).toEqual({ tokenId: "tok_1", alreadyDeleted: true })
      expect(server.requests.map((request) => request.status)).toEqual([undefined, 404])
    }).pipe(Effect.scoped))

  it.live("`current` whose response was lost ends on the 403 invalidToken of the revoked bearer", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make(accounts)
      server.script.push({ kind: "reset", when: "after-delete" })
      expect(yield* revoke(server, "current")).toEqual({ tokenId: "current", alreadyDeleted: true })
      expect(server.deleted()).toEqual(["tok_self"])
      expect(server.count(403)).toBe(1)
    }).pipe(Effect.scoped))

  it.live("a reset before anything, then a 503 with Retry-After, then success", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make(accounts)
      server.script.push({ kind: "reset", when: "before" }, { kind: "status", status: 503, retryAfter: "0.05" })
      expect(yield* revoke(server, "tok_1")).toEqual({ tokenId: "tok_1" })
      expect(server.requests.map((request) => request.status)).toEqual([undefined, 503, 200])
    }).pipe(Effect.scoped))

  it.live("a truncated or malformed 200 is an UnexpectedResponse, not a retry", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make(accounts)
      server.script.push({ kind: "truncate" }, { kind: "malformed", body: "{\"wrong\":1}" })
      const truncated = yield* Effect.flip(revoke(server, "tok_1"))
      expect(truncated).toBeInstanceOf(TokenError.UnexpectedResponse)
      const malformed = yield* Effect.flip(revoke(server, "tok_2"))
      expect(malformed).toMatchObject({ _tag: "UnexpectedResponse", status: 200 })
      expect(server.count()).toBe(2)
    }).pipe(Effect.scoped))

  it.live("a hung attempt times out and the retry succeeds", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make(accounts)
      server.script.push({ kind: "hang" })
      expect(yield* revoke(server, "tok_1")).toEqual({ tokenId: "tok_1" })
      expect(server.requests.map((request) => request.action)).toEqual(["hang", undefined])
    }).pipe(Effect.scoped))

  it.live("interrupting the call closes the connection the server holds", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make(accounts)
      server.script.push({ kind: "hang" })
      const fiber = yield* Effect.fork(revoke(server, "tok_1"))
      for (let i = 0; i < 200 && server.requests.length === 0; i++) yield* wait(5)
      yield* Fiber.interrupt(fiber)
      for (let i = 0; i < 200 && !server.requests[0]!.aborted; i++) yield* wait(5)
      expect(server.requests).toHaveLength(1)
      expect(server.requests[0]!.aborted).toBe(true)
    }).pipe(Effect.scoped))
})
