import { describe, expect, it } from "@effect/vitest"
import { MockVercelServer } from "@vercel-auth/testing"
import { Effect } from "effect"
import { call, errorOf, OTHER, revoke, SECRET } from "./support.js"

const T0 = Date.UTC(2026, 10, 29, 12, 0, 0)
const tokens = { [SECRET]: ["tok_1", "tok_2", "tok_3", "tok_4"], [OTHER]: ["tok_other"] }

/** A server on a hand-driven clock: windows open and reset without waiting. */
const withClock = (options: MockVercelServer.Options = {}) =>
  Effect.gen(function*() {
    const clock = { now: T0 }
    const server = yield* MockVercelServer.make({ tokens, now: () => clock.now, ...options })
    return { server, clock }
  })

describe("MockVercelServer: rate limits", () => {
  it.scoped("sends X-RateLimit-* on every response, counting down within the window", () =>
    Effect.gen(function*() {
      const { server } = yield* withClock({ rateLimit: { limit: 5, windowMs: 10_000 } })
      const results = [
        yield* revoke(server, "tok_1"),
        yield* revoke(server, "tok_unknown"),
        yield* call(server, "/elsewhere", { method: "GET" })
      ]
      expect(results.map((result) => result.status)).toEqual([200, 404, 404])
      expect(results.map((result) => result.headers["x-ratelimit-remaining"])).toEqual(["4", "3", "2"])
      for (const result of results) {
        expect(result.headers["x-ratelimit-limit"]).toBe("5")
        expect(result.headers["x-ratelimit-reset"]).toBe(String((T0 + 10_000) / 1000))
        expect(result.headers["retry-after"]).toBeUndefined()
      }
    }))

  it.scoped("answers 429 with Retry-After and the limit in the body once the window is spent, deleting nothing", () =>
    Effect.gen(function*() {
      const { clock, server } = yield* withClock({ rateLimit: { limit: 2, windowMs: 10_000 } })
      yield* revoke(server, "tok_1")
      clock.now = T0 + 2_500
      yield* revoke(server, "tok_2")
      const limited = yield* revoke(server, "tok_3")
      expect(limited.status).toBe(429)
      expect(limited.headers["retry-after"]).toBe("8")
      expect(limited.headers["x-ratelimit-remaining"]).toBe("0")
      expect(errorOf(limited)).toEqual({
        code: "rate_limited",
        message: expect.any(String),
        limit: { remaining: 0, reset: (T0 + 10_000) / 1000, resetMs: T0 + 10_000, total: 2 }
      })
      expect(server.isLive("tok_3")).toBe(true)
      expect(server.count(429)).toBe(1)
    }))

  it.scoped("opens a new window once the old one is over", () =>
    Effect.gen(function*() {
      const { clock, server } = yield* withClock({ rateLimit: { limit: 1, windowMs: 1_000 } })
      expect((yield* revoke(server, "tok_1")).status).toBe(200)
      clock.now = T0 + 999
      expect((yield* revoke(server, "tok_2")).status).toBe(429)
      clock.now = T0 + 1_000
      const fresh = yield* revoke(server, "tok_2")
      expect(fresh.status).toBe(200)
      expect(fresh.headers["x-ratelimit-remaining"]).toBe("0")
      expect(fresh.headers["x-ratelimit-reset"]).toBe(String((T0 + 2_000) / 1000))
    }))

  it.scoped("keeps one window per bearer", () =>
    Effect.gen(function*() {
      const { server } = yield* withClock({ rateLimit: { limit: 1, windowMs: 60_000 } })
      yield* revoke(server, "tok_1")
      expect((yield* revoke(server, "tok_2")).status).toBe(429)
      const other = yield* revoke(server, "tok_other", { token: OTHER })
      expect(other.status).toBe(200)
      expect(other.headers["x-ratelimit-remaining"]).toBe("0")
    }))

  it.scoped("reports reset times on the skewed clock, and Retry-After as a delta", () =>
    Effect.gen(function*() {
      const { server } = yield* withClock({ rateLimit: { limit: 1, windowMs: 30_000 }, clockSkewMs: 120_000 })
      yield* revoke(server, "tok_1")
      const limited = yield* revoke(server, "tok_2")
      const serverNow = Date.parse(limited.headers["date"]!)
      expect(serverNow).toBe(T0 + 120_000)
      expect(Number(limited.headers["x-ratelimit-reset"]) * 1000 - serverNow).toBe(30_000)
      expect((errorOf(limited).limit as { resetMs: number }).resetMs - serverNow).toBe(30_000)
      expect(limited.headers["retry-after"]).toBe("30")
    }))

  it.scoped("is generous by default, and can be switched off", () =>
    Effect.gen(function*() {
      const { server } = yield* withClock()
      const first = yield* revoke(server, "tok_1")
      expect(first.headers["x-ratelimit-limit"]).toBe("10000")
      const { server: unlimited } = yield* withClock({ rateLimit: false })
      for (let i = 0; i < 20; i++) {
        const result = yield* revoke(unlimited, "tok_unknown")
        expect(result.status).toBe(404)
        expect(result.headers["x-ratelimit-limit"]).toBeUndefined()
      }
    }))
})
