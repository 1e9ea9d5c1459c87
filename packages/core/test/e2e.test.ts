/**
 * The resilience rules end to end: the real undici transport against MockVercelServer on 127.0.0.1,
 * on the real clock (short policies keep it fast). Request counts are asserted on the server's side.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { type Resilience, TokenService, VercelAuth } from "@vercel-auth/core"
import { MockVercelServer } from "@vercel-auth/testing"
import { Effect, Fiber, Layer } from "effect"
import { failureOf, TOKEN } from "./support.js"

const client = (server: MockVercelServer.Server, resilience: Partial<Resilience.ResiliencePolicy> = {}) =>
  VercelAuth.layer({ token: TOKEN, baseUrl: server.url, resilience: { baseDelay: 20, maxDelay: 100, ...resilience } })
    .pipe(Layer.provide(NodeHttpClient.layerUndici), Layer.orDie)

const revoke = (tokenId: string) => Effect.flatMap(TokenService.TokenService, (tokens) => tokens.delete(tokenId))
const ids = (n: number, prefix = "tok_") => Array.from({ length: n }, (_, i) => `${prefix}${i}`)

describe("end to end through undici", () => {
  it.live("a connection reset after the deletion is reconciled as alreadyDeleted", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { [TOKEN]: ["tok_1"] } })
      server.script.push({ kind: "reset", when: "after-delete" })
      const result = yield* revoke("tok_1").pipe(Effect.provide(client(server)))
      expect(result).toEqual({ tokenId: "tok_1", alreadyDeleted: true })
      expect(server.requests.map((r) => [r.action, r.deleted, r.status])).toEqual([
        ["reset", "tok_1", undefined],
        [undefined, undefined, 404]
      ])
      expect(server.isLive("tok_1")).toBe(false)
    }).pipe(Effect.scoped))

  it.live("`current` after a lost response: the 403 invalidToken means our own token is gone", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { [TOKEN]: [] } })
      server.script.push({ kind: "reset", when: "after-delete" })
      const result = yield* revoke("current").pipe(Effect.provide(client(server)))
      expect(result).toEqual({ tokenId: "current", alreadyDeleted: true })
      expect(server.requests.map((r) => [r.deleted, r.status])).toEqual([[server.selfId(TOKEN), undefined], [
        undefined,
        403
      ]])
    }).pipe(Effect.scoped))

  it.live("a hung server: each attempt is cut at attemptTimeout and the server sees the connection close", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { [TOKEN]: ["tok_1"] } })
      server.script.push({ kind: "hang", times: Infinity })
      const started = Date.now()
      const error = failureOf(
        yield* Effect.exit(
          revoke("tok_1").pipe(Effect.provide(client(server, { attemptTimeout: 200, maxAttempts: 2 })))
        )
      )
      expect(error).toMatchObject({ _tag: "Timeout", phase: "attempt", attempts: 2 })
      expect(Date.now() - started).toBeLessThan(2000)
      yield* Effect.sleep(50)
      expect(server.requests).toHaveLength(2)
      expect(server.requests.every((r) => r.aborted)).toBe(true)
    }).pipe(Effect.scoped))

  it.live("503, 503, 200 succeeds on the third attempt", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { [TOKEN]: ["tok_1"] } })
      server.script.push({ kind: "status", status: 503, times: 2 })
      expect(yield* revoke("tok_1").pipe(Effect.provide(client(server)))).toEqual({ tokenId: "tok_1" })
      expect(server.requests.map((r) => r.status)).toEqual([503, 503, 200])
    }).pipe(Effect.scoped))

  it.live(
    "a 429 storm on 50 concurrent calls: all succeed, no request leaves early, few 429s",
    () =>
      Effect.gen(function*() {
        const limit = 10
        const windowMs = 700
        const server = yield* MockVercelServer.make({ tokens: { [TOKEN]: ids(50) }, rateLimit: { limit, windowMs } })
        const results = yield* Effect.all(ids(50).map(revoke), { concurrency: "unbounded" }).pipe(
          Effect.provide(client(server, { maxServerWait: "10 seconds" }))
        )
        expect(results).toHaveLength(50)
        expect(server.deleted()).toHaveLength(50)
        // Only what was already in flight before the first answer can draw a 429.
        const limited = server.requests.filter((r) => r.status === 429)
        expect(limited.length).toBeLessThanOrEqual(8)
        // After any 429, nothing arrives before its window reset (20 ms for requests already on the wire).
        const windows: Array<{ start: number; end: number }> = []
        for (const request of server.requests) {
          const last = windows.at(-1)
          if (last === undefined || request.at >= last.end) {
            windows.push({ start: request.at, end: request.at + windowMs })
          }
        }
        for (const refused of limited) {
          const window = windows.findLast((w) => w.start <= refused.at)!
          const early = server.requests.filter((r) => r.at > refused.at + 20 && r.at < window.end)
          expect(early).toEqual([])
        }
        // And no window served more than the limit.
        for (const window of windows) {
          const served = server.requests.filter((r) => r.at >= window.start && r.at < window.end && r.status === 200)
          expect(served.length).toBeLessThanOrEqual(limit)
        }
      }).pipe(Effect.scoped),
    30_000
  )

  it.live(
    "a scripted 429 storm: the gate holds everyone until the hint, one probe goes first, then all",
    () =>
      Effect.gen(function*() {
        const server = yield* MockVercelServer.make({ tokens: { [TOKEN]: ids(50) } })
        server.script.push({ kind: "status", status: 429, retryAfter: 1, times: 8 })
        const results = yield* Effect.all(ids(50).map(revoke), { concurrency: "unbounded" }).pipe(
          Effect.provide(client(server))
        )
        expect(results).toHaveLength(50)
        const limited = server.requests.filter((r) => r.status === 429)
        // Each 429 came from a request already in flight; the gate let no new request draw one.
        expect(limited.length).toBeGreaterThanOrEqual(1)
        expect(limited.length).toBeLessThanOrEqual(8)
        const firstRefusal = limited[0]!.at
        const lastRefusal = limited.at(-1)!.at
        const after = server.requests.filter((r) => r.at > lastRefusal)
        // Nothing before the hinted second, then a single probe before everyone else.
        expect(after[0]!.at - firstRefusal).toBeGreaterThanOrEqual(1000 - 5)
        expect(after[1]!.at).toBeGreaterThanOrEqual(after[0]!.at)
        expect(server.requests.filter((r) => r.at > lastRefusal + 20 && r.at < firstRefusal + 995)).toEqual([])
        expect(server.count(200)).toBe(50)
        expect(server.count()).toBe(50 + limited.length)
      }).pipe(Effect.scoped),
    30_000
  )

  it.live("idle keep-alive sockets closed by the server do not fail later calls", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { [TOKEN]: ids(12) }, keepAliveTimeoutMs: 40 })
      yield* Effect.gen(function*() {
        for (const [i, id] of ids(12).entries()) {
          expect(yield* revoke(id)).toEqual({ tokenId: id })
          // Around the server's idle timeout, so some requests race the socket's closing.
          yield* Effect.sleep(30 + (i % 4) * 5)
        }
      }).pipe(Effect.provide(client(server)))
      expect(server.deleted()).toHaveLength(12)
    }).pipe(Effect.scoped), 20_000)

  it.live("interrupting a call aborts the request in flight and sends nothing more", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { [TOKEN]: ["tok_1"] } })
      server.script.push({ kind: "hang" })
      yield* Effect.gen(function*() {
        const fiber = yield* Effect.fork(revoke("tok_1"))
        yield* Effect.sleep(100)
        expect(server.requests).toHaveLength(1)
        yield* Fiber.interrupt(fiber)
        yield* Effect.sleep(200)
        expect(server.requests).toHaveLength(1)
        expect(server.requests[0]!.aborted).toBe(true)
      }).pipe(Effect.provide(client(server)))
    }).pipe(Effect.scoped))

  it.live("a truncated 200 is UnexpectedResponse and is not retried", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { [TOKEN]: ["tok_1"] } })
      server.script.push({ kind: "truncate" })
      const error = failureOf(yield* Effect.exit(revoke("tok_1").pipe(Effect.provide(client(server)))))
      expect(error).toMatchObject({ _tag: "UnexpectedResponse", status: 200, attempts: 1 })
      expect(server.requests).toHaveLength(1)
    }).pipe(Effect.scoped))
})
