/**
 * The resilience rules end to end: the real undici transport (`NodeHttpClient.layerUndici`) against
 * MockVercelServer on 127.0.0.1, on the real clock (short policies keep it fast). What the server saw
 * is asserted on the server's side: each fault looks to a real transport like what it is named after.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { type Resilience, TokenError, TokenService, VercelAuth } from "@vercel-auth/core"
import { MockVercelServer } from "@vercel-auth/testing"
import { Effect, Fiber, Layer } from "effect"
import { failureOf, TOKEN } from "./support.js"

const SELF = "tok_self"

const start = (options: MockVercelServer.Options = {}) =>
  MockVercelServer.make({ tokens: { [TOKEN]: ["tok_1", "tok_2"] }, selfIds: { [TOKEN]: SELF }, ...options })

const client = (server: MockVercelServer.Server, resilience: Partial<Resilience.ResiliencePolicy> = {}) =>
  VercelAuth.layer({ token: TOKEN, baseUrl: server.url, resilience: { baseDelay: 20, maxDelay: 100, ...resilience } })
    .pipe(Layer.provide(NodeHttpClient.layerUndici), Layer.orDie)

const revoke = (tokenId: string) => Effect.flatMap(TokenService.TokenService, (tokens) => tokens.delete(tokenId))
const ids = (n: number, prefix = "tok_") => Array.from({ length: n }, (_, i) => `${prefix}${i}`)

/** Polls `condition` every 5 ms (real clock), for at most `timeoutMs`; whether it came true. */
const eventually = (condition: () => boolean, timeoutMs = 2000) =>
  Effect.gen(function*() {
    for (let waited = 0; waited < timeoutMs && !condition(); waited += 5) yield* Effect.sleep(5)
    return condition()
  })

describe("end to end through undici", () => {
  it.live("a connection reset after the deletion is reconciled as alreadyDeleted", () =>
    Effect.gen(function*() {
      const server = yield* start()
      server.script.push({ kind: "reset", when: "after-delete" })
      const result = yield* revoke("tok_1").pipe(Effect.provide(client(server)))
      expect(result).toEqual({ tokenId: "tok_1", alreadyDeleted: true })
      expect(server.requests.map((r) => [r.action, r.deleted, r.status])).toEqual([
        ["reset", "tok_1", undefined],
        [undefined, undefined, 404]
      ])
      expect(server.isLive("tok_1")).toBe(false)
    }).pipe(Effect.scoped))

  it.live("`current` after a lost response: the 403 invalidToken of the revoked bearer means it is gone", () =>
    Effect.gen(function*() {
      const server = yield* start()
      server.script.push({ kind: "reset", when: "after-delete" })
      const result = yield* revoke("current").pipe(Effect.provide(client(server)))
      expect(result).toEqual({ tokenId: "current", alreadyDeleted: true })
      expect(server.requests.map((r) => [r.tokenId, r.deleted, r.status])).toEqual([
        ["current", SELF, undefined],
        ["current", undefined, 403]
      ])
      expect(server.deleted()).toEqual([SELF])
    }).pipe(Effect.scoped))

  it.live("a reset before anything, then a 503 with Retry-After, then success", () =>
    Effect.gen(function*() {
      const server = yield* start()
      server.script.push({ kind: "reset", when: "before" }, { kind: "status", status: 503, retryAfter: "0.05" })
      expect(yield* revoke("tok_1").pipe(Effect.provide(client(server)))).toEqual({ tokenId: "tok_1" })
      expect(server.requests.map((r) => [r.action, r.status])).toEqual([
        ["reset", undefined],
        ["status", 503],
        [undefined, 200]
      ])
      // The 503's Retry-After of 50 ms is a floor for the retry.
      expect(server.requests[2]!.at - server.requests[1]!.at).toBeGreaterThanOrEqual(50)
    }).pipe(Effect.scoped))

  it.live("503, 503, 200 succeeds on the third attempt", () =>
    Effect.gen(function*() {
      const server = yield* start()
      server.script.push({ kind: "status", status: 503, times: 2 })
      expect(yield* revoke("tok_1").pipe(Effect.provide(client(server)))).toEqual({ tokenId: "tok_1" })
      expect(server.requests.map((r) => r.status)).toEqual([503, 503, 200])
    }).pipe(Effect.scoped))

  it.live("a hung server: each attempt is cut at attemptTimeout, the server sees it close, a later attempt succeeds", () =>
    Effect.gen(function*() {
      const server = yield* start()
      server.script.push({ kind: "hang", times: 3 })
      const layer = client(server, { attemptTimeout: 200, maxAttempts: 2 })
      yield* Effect.gen(function*() {
        const started = Date.now()
        const error = failureOf(yield* Effect.exit(revoke("tok_1")))
        expect(error).toMatchObject({ _tag: "Timeout", phase: "attempt", attempts: 2 })
        expect(Date.now() - started).toBeLessThan(2000)
        // The third hang, then a normal answer.
        expect(yield* revoke("tok_1")).toEqual({ tokenId: "tok_1" })
      }).pipe(Effect.provide(layer))
      expect(yield* eventually(() => server.requests.slice(0, 3).every((r) => r.aborted))).toBe(true)
      expect(server.requests.map((r) => [r.action, r.status, r.aborted])).toEqual([
        ["hang", undefined, true],
        ["hang", undefined, true],
        ["hang", undefined, true],
        [undefined, 200, false]
      ])
    }).pipe(Effect.scoped))

  it.live("a truncated or malformed 200 is UnexpectedResponse, and is not retried", () =>
    Effect.gen(function*() {
      const server = yield* start()
      server.script.push({ kind: "truncate" }, { kind: "malformed", body: "{\"wrong\":1}" })
      yield* Effect.gen(function*() {
        const truncated = failureOf(yield* Effect.exit(revoke("tok_1")))
        expect(truncated).toBeInstanceOf(TokenError.UnexpectedResponse)
        expect(truncated).toMatchObject({ _tag: "UnexpectedResponse", status: 200, attempts: 1 })
        const malformed = failureOf(yield* Effect.exit(revoke("tok_2")))
        expect(malformed).toMatchObject({ _tag: "UnexpectedResponse", status: 200, attempts: 1, body: "{\"wrong\":1}" })
      }).pipe(Effect.provide(client(server)))
      expect(server.requests.map((r) => [r.tokenId, r.action])).toEqual([["tok_1", "truncate"], ["tok_2", "malformed"]])
    }).pipe(Effect.scoped))

  it.live("interrupting a call closes the connection the server holds, and nothing more is sent", () =>
    Effect.gen(function*() {
      const server = yield* start()
      server.script.push({ kind: "hang" })
      yield* Effect.gen(function*() {
        const fiber = yield* Effect.fork(revoke("tok_1"))
        expect(yield* eventually(() => server.requests.length === 1)).toBe(true)
        yield* Fiber.interrupt(fiber)
        expect(yield* eventually(() => server.requests[0]!.aborted)).toBe(true)
        // Well past any retry the policy could have made.
        yield* Effect.sleep(200)
        expect(server.requests.map((r) => [r.action, r.aborted])).toEqual([["hang", true]])
      }).pipe(Effect.provide(client(server)))
    }).pipe(Effect.scoped))

  it.live("idle keep-alive sockets closed by the server do not fail later calls", () =>
    Effect.gen(function*() {
      const server = yield* start({ tokens: { [TOKEN]: ids(12) }, keepAliveTimeoutMs: 40 })
      yield* Effect.gen(function*() {
        for (const [i, id] of ids(12).entries()) {
          expect(yield* revoke(id)).toEqual({ tokenId: id })
          // Around the server's idle timeout, so some requests race the socket's closing.
          yield* Effect.sleep(30 + (i % 4) * 5)
        }
      }).pipe(Effect.provide(client(server)))
      expect(server.deleted()).toEqual(ids(12))
    }).pipe(Effect.scoped), 20_000)
})

describe("429 storms end to end", () => {
  it.live(
    "50 concurrent calls against a window of 10 per 700 ms: all succeed, one 429 a window at most, none before a reset",
    () =>
      Effect.gen(function*() {
        const limit = 10
        const windowMs = 700
        const server = yield* start({ tokens: { [TOKEN]: ids(50) }, rateLimit: { limit, windowMs } })
        const results = yield* Effect.all(ids(50).map(revoke), { concurrency: "unbounded" }).pipe(
          Effect.provide(client(server, { maxServerWait: "10 seconds" }))
        )
        expect(results).toEqual(ids(50).map((tokenId) => ({ tokenId })))
        expect([...server.deleted()].sort()).toEqual([...ids(50)].sort())
        // The server's windows: each opens with the first request at or after the previous one's end.
        const windows: Array<{ start: number; end: number }> = []
        for (const request of server.requests) {
          const last = windows.at(-1)
          if (last === undefined || request.at >= last.end) {
            windows.push({ start: request.at, end: request.at + windowMs })
          }
        }
        const windowOf = (at: number) => windows.findLastIndex((w) => w.start <= at)
        const limited = server.requests.filter((r) => r.status === 429)
        // A window is learned from its answers before it is spent (the limit is above the 8 in flight at
        // first): each may draw one 429 only, to the early probe sent at the earliest instant its
        // whole-second reset allows.
        const perWindow = windows.map((_, i) => limited.filter((r) => windowOf(r.at) === i).length)
        expect(perWindow.filter((n) => n > 1)).toEqual([])
        // After a 429 nothing more arrives before its window ends (20 ms for requests already on the wire).
        for (const refused of limited) {
          const end = windows[windowOf(refused.at)]!.end
          expect(server.requests.filter((r) => r.at > refused.at + 20 && r.at < end)).toEqual([])
        }
        expect(server.count(200)).toBe(50)
        expect(server.count()).toBe(50 + limited.length)
      }).pipe(Effect.scoped),
    30_000
  )

  it.live(
    "a scripted storm of 429s: the first request goes alone, then everyone is held until each hint, one probe at a time",
    () =>
      Effect.gen(function*() {
        const server = yield* start({ tokens: { [TOKEN]: ids(50) } })
        // The fresh client's lone first request and the first probe draw the 429s; the next probe is slow.
        server.script.push({ kind: "status", status: 429, retryAfter: 1, times: 2 }, { kind: "normal", delayMs: 200 })
        const results = yield* Effect.all(ids(50).map(revoke), { concurrency: "unbounded" }).pipe(
          Effect.provide(client(server))
        )
        expect(results).toEqual(ids(50).map((tokenId) => ({ tokenId })))
        const [first, probe, second, next] = server.requests
        // Nobody else was on the wire with the first request, and each probe went alone after its hint.
        expect([first!.status, probe!.status, second!.action]).toEqual([429, 429, "normal"])
        expect(probe!.at - first!.at).toBeGreaterThanOrEqual(1000 - 5)
        expect(second!.at - probe!.at).toBeGreaterThanOrEqual(1000 - 5)
        expect(next!.at - second!.at).toBeGreaterThanOrEqual(200 - 5)
        expect(server.count(429)).toBe(2)
        expect(server.count(200)).toBe(50)
        expect(server.count()).toBe(52)
      }).pipe(Effect.scoped),
    30_000
  )
})
