import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Random, TestClock } from "effect"
import { makeGate } from "../src/internal/gate.js"
import { advance, failureOf, harness, httpDate, json, type Reply, T0 } from "./support.js"

const withRandom = Effect.withRandom(Random.fixed([0.5]))
const windowHeaders = (remaining: number, resetInSeconds: number) => ({
  "x-ratelimit-limit": "100",
  "x-ratelimit-remaining": String(remaining),
  "x-ratelimit-reset": String(T0 / 1000 + resetInSeconds),
  date: httpDate(T0)
})

describe("the rate-limit gate", () => {
  it.effect("holds the next caller while Remaining is 0 and releases it at the reset", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const h = harness([json(200, { tokenId: "tok_1" }, windowHeaders(0, 10)), json(200, { tokenId: "tok_2" })])
      yield* Effect.gen(function*() {
        expect(yield* h.revoke("tok_1")).toEqual({ tokenId: "tok_1" })
        const second = yield* Effect.fork(h.revoke("tok_2"))
        yield* advance(9999)
        expect(h.sent).toHaveLength(1)
        yield* advance(1)
        expect(h.sent).toHaveLength(2)
        expect(yield* Fiber.join(second)).toEqual({ tokenId: "tok_2" })
      }).pipe(Effect.provide(h.layer))
    }))

  it.effect("uses the server's Date, so a local clock an hour off still waits the real 10 s", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0 + 3_600_000)
      const h = harness([json(200, { tokenId: "tok_1" }, windowHeaders(0, 10)), json(200, { tokenId: "tok_2" })])
      yield* Effect.gen(function*() {
        yield* h.revoke("tok_1")
        const second = yield* Effect.fork(h.revoke("tok_2"))
        yield* advance(9999)
        expect(h.sent).toHaveLength(1)
        yield* advance(1)
        expect(h.sent).toHaveLength(2)
        yield* Fiber.join(second)
      }).pipe(Effect.provide(h.layer))
    }))

  it.effect("counts requests in flight against what remains, so a burst does not overshoot", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      // The first answer says 2 remain; the next answers are slow, so 2 callers use them up in flight.
      const slow: Reply = { delay: 1000, then: json(200, { tokenId: "tok_n" }) }
      const h = harness([json(200, { tokenId: "tok_0" }, windowHeaders(2, 10)), slow])
      yield* Effect.gen(function*() {
        yield* h.revoke("tok_0")
        const burst = yield* Effect.fork(
          Effect.all(Array.from({ length: 5 }, (_, i) => h.revoke(`tok_${i + 1}`)), { concurrency: "unbounded" })
        )
        yield* advance(10)
        expect(h.sent).toHaveLength(3) // 1 + the 2 that remained
        yield* advance(9990)
        expect(h.sent).toHaveLength(6) // the window reset: the other 3 go
        yield* advance(1000)
        yield* Fiber.join(burst)
      }).pipe(Effect.provide(h.layer))
    }))

  it.effect("after a 429 closes for everyone until the hint, then lets one probe through before the rest", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const probe: Reply = { delay: 100, then: json(200, { tokenId: "tok_probe" }) }
      const h = harness([json(429, { error: { code: "rate_limited" } }, { "retry-after": "5" }), probe])
      yield* Effect.gen(function*() {
        const first = yield* Effect.fork(h.revoke("tok_0"))
        yield* advance(1)
        expect(h.sent).toHaveLength(1)
        const others = yield* Effect.fork(
          Effect.all(Array.from({ length: 3 }, (_, i) => h.revoke(`tok_${i + 1}`)), { concurrency: "unbounded" })
        )
        yield* advance(4998)
        expect(h.sent).toHaveLength(1) // nobody sends before the hint
        yield* advance(1)
        expect(h.sent).toHaveLength(2) // one probe at the hinted time
        yield* advance(99)
        expect(h.sent).toHaveLength(2) // the rest wait for the probe's answer
        yield* advance(1)
        expect(h.sent).toHaveLength(4) // probe answered: everyone else goes
        yield* advance(10_000)
        yield* Fiber.join(others)
        yield* Fiber.join(first)
        expect(h.sent).toHaveLength(5)
      }).pipe(Effect.provide(h.layer), withRandom)
    }))

  it.effect("a probe that draws another 429 closes the gate again", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const limited = json(429, { error: { code: "rate_limited" } }, { "retry-after": "2" })
      const h = harness([limited, limited, json(200, { tokenId: "tok" })])
      yield* Effect.gen(function*() {
        const call = yield* Effect.fork(h.revoke("tok"))
        const other = yield* Effect.fork(Effect.zipRight(Effect.sleep(10), h.revoke("tok_b")))
        yield* advance(1999)
        expect(h.sent).toHaveLength(1)
        yield* advance(1) // the waiting caller probes at 2 s and is refused again
        expect(h.sent).toHaveLength(2)
        yield* advance(1999)
        expect(h.sent).toHaveLength(2)
        yield* advance(500)
        expect(h.sent.length).toBeGreaterThanOrEqual(3)
        yield* advance(10_000)
        yield* Fiber.join(call)
        yield* Fiber.join(other)
      }).pipe(Effect.provide(h.layer), withRandom)
    }))

  it.effect("refuses at once, with retryAt, a hold longer than the call's deadline", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const h = harness([json(200, { tokenId: "tok_1" }, windowHeaders(0, 45))])
      yield* Effect.gen(function*() {
        yield* h.revoke("tok_1")
        const error = failureOf(yield* Effect.exit(h.revoke("tok_2")))
        expect(error).toMatchObject({ _tag: "RateLimited", attempts: 0, remaining: 0, limit: 100 })
        expect(error).not.toHaveProperty("status")
        expect((error as { retryAt: Date }).retryAt.getTime()).toBe(T0 + 45_000)
        expect(h.sent).toHaveLength(1)
      }).pipe(Effect.provide(h.layer))
    }))

  it.effect("is per layer instance: another client is not held", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const a = harness([json(200, { tokenId: "tok_1" }, windowHeaders(0, 10))])
      const b = harness([json(200, { tokenId: "tok_3" })])
      yield* Effect.gen(function*() {
        yield* a.revoke("tok_1")
        const held = yield* Effect.fork(a.revoke("tok_2"))
        yield* advance(100)
        expect(a.sent).toHaveLength(1)
        expect(yield* b.revoke("tok_3").pipe(Effect.provide(b.layer))).toEqual({ tokenId: "tok_3" })
        yield* Fiber.interrupt(held)
      }).pipe(Effect.provide(a.layer))
    }))

  it.effect("lets a caller waiting at the gate be interrupted at once", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const h = harness([json(200, { tokenId: "tok_1" }, windowHeaders(0, 10))])
      yield* Effect.gen(function*() {
        yield* h.revoke("tok_1")
        const held = yield* Effect.fork(h.revoke("tok_2"))
        yield* advance(100)
        const exit = yield* Fiber.interrupt(held)
        expect(exit._tag).toBe("Failure")
        yield* advance(20_000)
        expect(h.sent).toHaveLength(1)
      }).pipe(Effect.provide(h.layer))
    }))

  it.effect("limits requests in flight to maxConcurrent", () =>
    Effect.gen(function*() {
      const h = harness(["hang"], { maxConcurrent: 2, attemptTimeout: "1 minute" })
      yield* Effect.gen(function*() {
        const calls = yield* Effect.fork(
          Effect.all(Array.from({ length: 5 }, (_, i) => h.revoke(`tok_${i}`)), { concurrency: "unbounded" })
        )
        yield* advance(1000)
        expect(h.sent).toHaveLength(2)
        yield* Fiber.interrupt(calls)
      }).pipe(Effect.provide(h.layer))
    }))
})

describe("the gate's window bookkeeping", () => {
  it.effect("keeps counting down a window whose reset estimate moved earlier", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const gate = yield* makeGate
      const first = yield* gate.acquire(T0 + 60_000)
      const second = yield* gate.acquire(T0 + 60_000)
      const windowId = T0 / 1000 + 5
      // The same window, seen twice: the second answer came with a sharper clock, so an earlier reset.
      first.feedback = { rateLimit: { limit: 2, remaining: 1, resetAt: T0 + 5900, windowId }, answered: true }
      second.feedback = { rateLimit: { limit: 2, remaining: 0, resetAt: T0 + 5000, windowId }, answered: true }
      yield* gate.release(first)
      yield* gate.release(second)
      const third = yield* Effect.fork(gate.acquire(T0 + 60_000))
      yield* advance(4999)
      expect(third.unsafePoll()).toBeNull()
      yield* advance(1)
      expect(third.unsafePoll()?._tag).toBe("Success")
    }))

  it.effect("takes a newer window over an older one, whatever their order of arrival", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const gate = yield* makeGate
      const late = yield* gate.acquire(T0 + 60_000)
      const early = yield* gate.acquire(T0 + 60_000)
      late.feedback = { rateLimit: { limit: 2, remaining: 0, resetAt: T0 + 2000, windowId: 2 }, answered: true }
      early.feedback = { rateLimit: { limit: 2, remaining: 2, resetAt: T0 + 1000, windowId: 1 }, answered: true }
      yield* gate.release(late)
      yield* gate.release(early)
      const next = yield* Effect.fork(gate.acquire(T0 + 60_000))
      yield* advance(1999)
      expect(next.unsafePoll()).toBeNull()
      yield* advance(1)
      expect(next.unsafePoll()?._tag).toBe("Success")
    }))
})
