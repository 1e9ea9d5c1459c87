import { describe, expect, it } from "@effect/vitest"
import { TokenError } from "@vercel-auth/core"
import { Effect, Fiber, Random, TestClock } from "effect"
import { advance, expectNoToken, failureOf, harness, httpDate, json, settle, T0 } from "./support.js"

const ok = (tokenId = "tok_1", headers: Record<string, string> = {}) => json(200, { tokenId }, headers)
const status = (code: number, headers: Record<string, string> = {}) =>
  json(code, { error: { code: `s${code}`, message: `status ${code}` } }, headers)
const withRandom = (value: number) => Effect.withRandom(Random.fixed([value]))

describe("server hints are floors", () => {
  it.effect("a Retry-After is never undercut, whatever the jitter draws", () =>
    Effect.gen(function*() {
      for (const draw of [0, 0.5, 0.999]) {
        const h = harness([status(429, { "retry-after": "5" }), ok()])
        const fiber = yield* Effect.fork(h.revoke("tok_1").pipe(Effect.provide(h.layer), withRandom(draw)))
        yield* advance(4999)
        expect(h.requests, `draw ${draw}`).toHaveLength(1)
        yield* advance(1 + Math.floor(draw * 251))
        expect(h.requests, `draw ${draw}`).toHaveLength(2)
        expect(yield* Fiber.join(fiber)).toEqual({ tokenId: "tok_1" })
      }
    }))

  it.effect("a 503 with Retry-After waits at least the hint", () =>
    Effect.gen(function*() {
      const h = harness([status(503, { "retry-after": "3" }), ok()])
      const fiber = yield* Effect.fork(h.revoke("tok_1").pipe(Effect.provide(h.layer), withRandom(0)))
      yield* advance(2999)
      expect(h.requests).toHaveLength(1)
      yield* advance(1)
      expect(h.requests).toHaveLength(2)
      yield* Fiber.join(fiber)
    }))

  it.effect("an X-RateLimit-Reset is measured on the server's clock even when the local clock is skewed", () =>
    Effect.gen(function*() {
      for (const skew of [-3_600_000, 0, 3_600_000]) {
        yield* TestClock.setTime(T0 + skew)
        const h = harness([
          status(429, {
            "x-ratelimit-reset": String(T0 / 1000 + 10),
            "x-ratelimit-remaining": "0",
            date: httpDate(T0)
          }),
          ok()
        ])
        const fiber = yield* Effect.fork(h.revoke("tok_1").pipe(Effect.provide(h.layer), withRandom(0)))
        yield* advance(9999)
        expect(h.requests, `skew ${skew}`).toHaveLength(1)
        yield* advance(1)
        expect(h.requests, `skew ${skew}`).toHaveLength(2)
        yield* Fiber.join(fiber)
      }
    }))

  it.effect("the 429 body's limit.resetMs is used when no header says anything", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const h = harness([
        json(429, { error: { code: "rate_limited", message: "slow", limit: { remaining: 0, resetMs: T0 + 7000 } } }, {
          date: httpDate(T0)
        }),
        ok()
      ])
      const fiber = yield* Effect.fork(h.revoke("tok_1").pipe(Effect.provide(h.layer), withRandom(0)))
      yield* advance(6999)
      expect(h.requests).toHaveLength(1)
      yield* advance(1)
      expect(h.requests).toHaveLength(2)
      yield* Fiber.join(fiber)
    }))

  it.effect("a hint beyond maxServerWait fails at once with RateLimited and retryAt", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const h = harness([
        status(429, { "retry-after": "120", "x-ratelimit-limit": "100", "x-ratelimit-remaining": "0" })
      ])
      const exit = yield* Effect.exit(h.revoke("tok_1").pipe(Effect.provide(h.layer)))
      const error = failureOf(exit)
      expect(error).toBeInstanceOf(TokenError.RateLimited)
      expect(error).toMatchObject({ _tag: "RateLimited", status: 429, attempts: 1, limit: 100, remaining: 0 })
      expect((error as TokenError.RateLimited).retryAt?.getTime()).toBe(T0 + 120_000)
      expect(h.requests).toHaveLength(1)
      expectNoToken(error)
    }))

  it.effect("a hint longer than the time left fails at once instead of sleeping", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const h = harness([status(429, { "retry-after": "40" })])
      const exit = yield* Effect.exit(h.revoke("tok_1").pipe(Effect.provide(h.layer)))
      expect(failureOf(exit)).toMatchObject({ _tag: "RateLimited", attempts: 1, retryAt: new Date(T0 + 40_000) })
      expect(yield* TestClock.currentTimeMillis).toBe(T0)
    }))

  it.effect("a huge hint fails at once, with no invalid date", () =>
    Effect.gen(function*() {
      const h = harness([status(429, { "retry-after": "99999999999999" })])
      const error = failureOf(yield* Effect.exit(h.revoke("tok_1").pipe(Effect.provide(h.layer))))
      expect(error).toMatchObject({ _tag: "RateLimited", attempts: 1 })
      expect((error as TokenError.RateLimited).retryAt).toBeUndefined()
    }))

  it.effect("malformed hints are ignored, never read as 'retry now' or 'wait forever'", () =>
    Effect.gen(function*() {
      for (const value of ["", "-5", "soon", "1e309", "NaN"]) {
        const h = harness([status(503, { "retry-after": value }), ok()])
        const fiber = yield* Effect.fork(h.revoke("tok_1").pipe(Effect.provide(h.layer), withRandom(0.5)))
        yield* advance(124) // floor(0.5 · 251) = 125
        expect(h.requests, value).toHaveLength(1)
        yield* advance(1)
        expect(h.requests, value).toHaveLength(2)
        yield* Fiber.join(fiber)
      }
    }))
})

describe("backoff", () => {
  it.effect("full jitter stays inside [0, min(maxDelay, baseDelay·2^(n-1))]", () =>
    Effect.gen(function*() {
      for (const draw of [0.25, 0.5, 0.999]) {
        const h = harness([status(503), status(503), status(503), ok()], { maxAttempts: 4, maxDelay: 600 })
        const fiber = yield* Effect.fork(h.revoke("tok_1").pipe(Effect.provide(h.layer), withRandom(draw)))
        const envelopes = [250, 500, 600]
        for (const [index, envelope] of envelopes.entries()) {
          const delay = Math.floor(draw * (envelope + 1))
          yield* advance(delay - 1)
          expect(h.requests, `draw ${draw} retry ${index + 1}`).toHaveLength(index + 1)
          yield* advance(1)
          expect(h.requests, `draw ${draw} retry ${index + 1}`).toHaveLength(index + 2)
        }
        yield* Fiber.join(fiber)
      }
    }))

  it.effect("a draw of 0 retries at once", () =>
    Effect.gen(function*() {
      const h = harness([status(503), status(503), ok()])
      expect(yield* h.revoke("tok_1").pipe(Effect.provide(h.layer), withRandom(0))).toEqual({ tokenId: "tok_1" })
      expect(h.requests).toHaveLength(3)
    }))

  it.effect("a 429 without any hint backs off from one second", () =>
    Effect.gen(function*() {
      const h = harness([status(429), ok()])
      const fiber = yield* Effect.fork(h.revoke("tok_1").pipe(Effect.provide(h.layer), withRandom(0.5)))
      yield* advance(499)
      expect(h.requests).toHaveLength(1)
      yield* advance(1)
      expect(h.requests).toHaveLength(2)
      yield* Fiber.join(fiber)
    }))

  it.effect("maxAttempts bounds the attempts, the first included", () =>
    Effect.gen(function*() {
      const h = harness([status(503)], { maxAttempts: 5 })
      const error = failureOf(yield* settle(h.revoke("tok_1").pipe(Effect.provide(h.layer))))
      expect(error).toMatchObject({ _tag: "ServerError", attempts: 5 })
      expect(h.requests).toHaveLength(5)
    }))
})

describe("the deadline", () => {
  it.effect("covers attempts: a hung call fails with Timeout deadline exactly at the deadline", () =>
    Effect.gen(function*() {
      const h = harness(["hang"], { attemptTimeout: "60 seconds", deadline: "5 seconds" })
      const fiber = yield* Effect.fork(Effect.exit(h.revoke("tok_1").pipe(Effect.provide(h.layer))))
      yield* advance(4999)
      expect(fiber.unsafePoll()).toBeNull()
      yield* advance(1)
      const error = failureOf(yield* Fiber.join(fiber))
      expect(error).toBeInstanceOf(TokenError.Timeout)
      expect(error).toMatchObject({ _tag: "Timeout", phase: "deadline", attempts: 1 })
      expect(h.requests[0]!.signal.aborted).toBe(true)
      expectNoToken(error)
    }))

  it.effect("does not start a backoff that would end past it", () =>
    Effect.gen(function*() {
      const h = harness([status(503)], { deadline: 1000, baseDelay: 2000, maxDelay: 2000 })
      const error = failureOf(yield* Effect.exit(h.revoke("tok_1").pipe(Effect.provide(h.layer), withRandom(0.9))))
      expect(error).toMatchObject({ _tag: "ServerError", attempts: 1 })
      expect(h.requests).toHaveLength(1)
    }))

  it.effect("keeps a hinted retry that fits, dropping only the jitter that does not", () =>
    Effect.gen(function*() {
      const h = harness([status(503, { "retry-after": "4" }), ok()], { deadline: 4100 })
      const fiber = yield* Effect.fork(h.revoke("tok_1").pipe(Effect.provide(h.layer), withRandom(0.999)))
      yield* advance(3999)
      expect(h.requests).toHaveLength(1)
      yield* advance(1)
      expect(h.requests).toHaveLength(2)
      expect(yield* Fiber.join(fiber)).toEqual({ tokenId: "tok_1" })
    }))
})

describe("the retry budget", () => {
  it.effect("drains under sustained 503s and recovers after successes", () =>
    Effect.gen(function*() {
      let failing = true
      const h = harness([() => failing ? status(503) : ok()])
      const attempts = Effect.map(
        settle(h.revoke("tok_1")),
        (exit) => (failureOf(exit) as { attempts: number }).attempts
      )
      yield* Effect.gen(function*() {
        // 10 tokens, each retryable failure costs 1, retries only while more than 5 are left:
        // 10 → 7 (3 attempts) → 5 (2 attempts) → 4 (1) → 3 (1).
        expect(yield* attempts).toBe(3)
        expect(yield* attempts).toBe(2)
        expect(yield* attempts).toBe(1)
        expect(yield* attempts).toBe(1)
        failing = false
        // Each success earns 0.1: 20 successes (3 → 5) are not enough for a failure to leave more than 5 ...
        for (let i = 0; i < 20; i++) yield* h.revoke("tok_1")
        failing = true
        expect(yield* attempts).toBe(1)
        failing = false
        // ... 40 more (4 → 8) are.
        for (let i = 0; i < 40; i++) yield* h.revoke("tok_1")
        failing = true
        expect(yield* attempts).toBe(3)
      }).pipe(Effect.provide(h.layer))
    }))

  it.effect("is shared by the calls of one layer instance only", () =>
    Effect.gen(function*() {
      const h = harness([status(503)])
      // A fresh instance per call: every call has the whole budget.
      for (let i = 0; i < 3; i++) yield* settle(h.revoke("tok_1").pipe(Effect.provide(h.layer)))
      expect(h.requests).toHaveLength(9)
      // One instance for three calls: they drain it together (3 + 2 + 1).
      yield* Effect.gen(function*() {
        for (let i = 0; i < 3; i++) yield* settle(h.revoke("tok_1"))
      }).pipe(Effect.provide(h.layer))
      expect(h.requests).toHaveLength(15)
    }))

  it.effect("is not spent by a 429 whose hint was obeyed", () =>
    Effect.gen(function*() {
      const h = harness([status(429, { "retry-after": "1" })])
      yield* Effect.gen(function*() {
        for (let i = 0; i < 5; i++) {
          expect(failureOf(yield* settle(h.revoke("tok_1")))).toMatchObject({ _tag: "RateLimited", attempts: 3 })
        }
      }).pipe(Effect.provide(h.layer))
    }))
})
