/**
 * The examples of docs/testing.md. Importing this module registers its tests: it is run by
 * packages/testing/test/docs-examples.test.ts.
 */
// --- testing: imports
import { NodeHttpClient } from "@effect/platform-node"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { TokenError, TokenService, VercelAuth } from "@vercel-auth/core"
import { MockHttpClient, MockVercelServer, TokenServiceTest } from "@vercel-auth/testing"
import { Chunk, Effect, Fiber, Layer, Stream, TestClock } from "effect"
// --- end

// --- testing: user code
/** Your code: revokes leaked tokens, telling apart the ones that were already gone. */
export const revokeLeaked = (tokenIds: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const tokens = yield* TokenService.TokenService
    const results = yield* Effect.forEach(tokenIds, (tokenId) => tokens.delete(tokenId, { missingOk: true }))
    return {
      revoked: results.filter((result) => !result.alreadyDeleted).map((result) => result.tokenId),
      alreadyGone: results.filter((result) => result.alreadyDeleted).map((result) => result.tokenId)
    }
  })
// --- end

// --- testing: user code, the whole group
/** Your code: finds every leaked token, and revokes them in bulk. */
export const revokeAllLeaked = Effect.gen(function*() {
  const tokens = yield* TokenService.TokenService
  const leaked = yield* tokens.list().pipe(
    Stream.filter((token) => token.leakedAt !== undefined),
    Stream.map((token) => token.id),
    Stream.runCollect
  )
  const results = yield* Stream.runCollect(tokens.deleteMany(leaked))
  return Chunk.toReadonlyArray(results).filter((result) => result.ok).map((result) => result.tokenId).sort()
})
// --- end

// --- testing: in-memory
describe("revokeLeaked, with the in-memory TokenService", () => {
  it.effect("revokes the leaked tokens that still exist", () =>
    Effect.gen(function*() {
      const result = yield* revokeLeaked(["tok_leaked", "tok_gone"])
      expect(result).toEqual({ revoked: ["tok_leaked"], alreadyGone: ["tok_gone"] })
      const store = yield* TokenServiceTest.TokenStore
      expect(yield* store.deleted).toEqual(["tok_leaked"])
      expect(yield* store.tokens).toContain("tok_safe")
    }).pipe(Effect.provide(TokenServiceTest.layer({ tokens: ["tok_leaked", "tok_safe"] }))))

  it.effect("passes a rate limit on to its caller", () =>
    Effect.gen(function*() {
      const store = yield* TokenServiceTest.TokenStore
      yield* store.failNext(
        new TokenError.RateLimited({ operation: "delete", tokenId: "tok_leaked", attempts: 3, status: 429 })
      )
      const error = yield* Effect.flip(revokeLeaked(["tok_leaked"]))
      expect(error._tag).toBe("RateLimited")
      expect(yield* store.deleted).toEqual([])
    }).pipe(Effect.provide(TokenServiceTest.layer({ tokens: ["tok_leaked"] }))))

  it.effect("lists, filters and revokes in bulk, with records as seeds", () =>
    Effect.gen(function*() {
      expect(yield* revokeAllLeaked).toEqual(["tok_a", "tok_b"])
      const store = yield* TokenServiceTest.TokenStore
      expect(yield* store.tokens).toContain("tok_safe")
      expect((yield* store.callsOf("delete")).map((call) => call.via)).toEqual(["deleteMany", "deleteMany"])
    }).pipe(Effect.provide(TokenServiceTest.layer({
      tokens: [
        { id: "tok_a", name: "ci", leakedAt: new Date("2026-11-30T10:00:00Z") },
        { id: "tok_b", name: "laptop", leakedAt: new Date("2026-12-01T08:00:00Z") },
        { id: "tok_safe", name: "deploy" }
      ]
    }))))
})
// --- end

// --- testing: mock-http-client
/** The real TokenService over a mock transport that answers from `handler`. */
const realServiceOver = (handler: MockHttpClient.Handler) => {
  const mock = MockHttpClient.make(handler)
  const layer = VercelAuth.layer({ token: "test-token", baseUrl: "https://api.vercel.test" }).pipe(
    Layer.provide(mock.layer),
    Layer.orDie
  )
  return { layer, requests: mock.requests }
}

describe("revokeLeaked, over the real TokenService and a mock HttpClient", () => {
  it.effect("sends one DELETE per token, with the bearer token", () => {
    const { layer, requests } = realServiceOver((_request, url) =>
      url.pathname.endsWith("/tok_gone")
        ? MockHttpClient.json(404, { error: { code: "not_found", message: "Not found" } })
        : MockHttpClient.json(200, { tokenId: decodeURIComponent(url.pathname.split("/").pop()!) })
    )
    return Effect.gen(function*() {
      const result = yield* revokeLeaked(["tok_leaked", "tok_gone"])
      expect(result).toEqual({ revoked: ["tok_leaked"], alreadyGone: ["tok_gone"] })
      expect(requests.map((sent) => `${sent.method} ${sent.url.pathname}`)).toEqual([
        "DELETE /v3/user/tokens/tok_leaked",
        "DELETE /v3/user/tokens/tok_gone"
      ])
      expect(requests[0]!.headers["authorization"]).toBe("Bearer test-token")
    }).pipe(Effect.provide(layer))
  })

  it.effect("waits out a 429 on the TestClock, as Retry-After asks", () => {
    let calls = 0
    const { layer } = realServiceOver(() =>
      ++calls === 1
        ? MockHttpClient.json(429, { error: { code: "rate_limited", message: "Slow down" } }, { "retry-after": "5" })
        : MockHttpClient.json(200, { tokenId: "tok_leaked" })
    )
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(revokeLeaked(["tok_leaked"]))
      yield* TestClock.adjust("4 seconds")
      expect(calls).toBe(1)
      yield* TestClock.adjust("2 seconds")
      expect(yield* Fiber.join(fiber)).toEqual({ revoked: ["tok_leaked"], alreadyGone: [] })
      expect(calls).toBe(2)
    }).pipe(Effect.provide(layer))
  })
})
// --- end

// --- testing: mock-server
/** The real TokenService through undici to a MockVercelServer, with short waits between attempts. */
const realServiceAt = (server: MockVercelServer.Server) =>
  VercelAuth.layer({ token: "test-token", baseUrl: server.url, resilience: { baseDelay: 10 } }).pipe(
    Layer.provide(NodeHttpClient.layerUndici),
    Layer.orDie
  )

describe("revokeLeaked, end to end against a local Vercel", () => {
  // Real sockets and real time: the server is a peer that TestClock cannot drive, hence it.live.
  it.live("knows the token is gone even when the response is lost", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { "test-token": ["tok_leaked"] } })
      server.script.push({ kind: "reset", when: "after-delete" })
      const result = yield* revokeLeaked(["tok_leaked"]).pipe(Effect.provide(realServiceAt(server)))
      expect(result).toEqual({ revoked: [], alreadyGone: ["tok_leaked"] })
      expect(server.deleted()).toEqual(["tok_leaked"])
      expect(server.requests.map((request) => request.status)).toEqual([undefined, 404])
    }).pipe(Effect.scoped))

  it.live("rides out a burst of 503s", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { "test-token": ["tok_leaked"] } })
      server.script.push({ kind: "status", status: 503, times: 2 })
      const result = yield* revokeLeaked(["tok_leaked"]).pipe(Effect.provide(realServiceAt(server)))
      expect(result.revoked).toEqual(["tok_leaked"])
      expect(server.count(503)).toBe(2)
      expect(JSON.stringify(server.requests)).not.toContain("test-token")
    }).pipe(Effect.scoped))
})
// --- end

// --- testing: promise
describe("MockVercelServer without Effect", () => {
  let server: MockVercelServer.Server
  beforeAll(async () => {
    server = await MockVercelServer.start({ tokens: { "test-token": ["tok_1"] } })
  })
  afterAll(() => server.close())

  it("answers like Vercel", async () => {
    const response = await fetch(`${server.url}/v3/user/tokens/tok_1`, {
      method: "DELETE",
      headers: { authorization: "Bearer test-token" }
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ tokenId: "tok_1" })
    expect(response.headers.get("x-ratelimit-remaining")).toBe("9999")
  })
})
// --- end
