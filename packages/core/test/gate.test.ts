/**
 * The shared rate-limit gate, as callers of `TokenService` see it: the real wiring over a
 * `MockHttpClient` on the TestClock, every request's arrival recorded to the millisecond. The store
 * and the engine's side of the gate are tested on their own in gateStore.test.ts.
 */
import { describe, expect, it } from "@effect/vitest"
import { GateStore, type Resilience } from "@vercel-auth/core"
import type { MockHttpClient } from "@vercel-auth/testing"
import { Clock, Effect, Fiber, Random, TestClock } from "effect"
import {
  advance,
  failureOf,
  harness,
  httpDate,
  idOf,
  json,
  type Reply,
  scriptHandler,
  T0,
  yieldAll
} from "./support.js"

const jitter = (draw: number) => Effect.withRandom(Random.fixed([draw]))

/** `X-RateLimit-*` headers of a window of 100 resetting at the `resetIn`-th second after T0, and `Date`. */
const windowHeaders = (remaining: number, resetIn: number, now = T0, limit = 100) => ({
  "x-ratelimit-limit": String(limit),
  "x-ratelimit-remaining": String(remaining),
  "x-ratelimit-reset": String(T0 / 1000 + resetIn),
  date: httpDate(now)
})

const ok = (tokenId: string, headers: Record<string, string> = {}) => json(200, { tokenId }, headers)

/**
 * The wiring over a `MockHttpClient` that records when (ms after T0) each request arrived, answering
 * from a script or a handler.
 */
const timed = (
  answer: ReadonlyArray<Reply> | MockHttpClient.Handler,
  resilience?: Partial<Resilience.ResiliencePolicy>,
  options: Parameters<typeof harness>[2] = {}
) => {
  const arrivals: Array<number> = []
  const inner = typeof answer === "function" ? answer : scriptHandler(answer)
  const h = harness(
    (request, url, signal) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        arrivals.push(now - T0)
        const reply = inner(request, url, signal)
        return Effect.isEffect(reply) ? reply : Effect.promise(async () => reply)
      }),
    resilience,
    options
  )
  return { ...h, arrivals }
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `tok_${i + 1}`)

/** Forks `n` revocations at once (`tok_1` …), their results in input order. */
const burst = <A, E, R>(revoke: (id: string) => Effect.Effect<A, E, R>, n: number) =>
  Effect.fork(Effect.all(ids(n).map(revoke), { concurrency: "unbounded" }))

/** What `burst` returns when every call succeeds and the server echoes the id. */
const revoked = (n: number) => ids(n).map((tokenId) => ({ tokenId }))

describe("Remaining 0 holds the next callers until the window resets", () => {
  it.effect("exactly until the announced reset without the early probe", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const h = timed([ok("tok_1", windowHeaders(0, 10)), ok("tok_2")], { earlyProbe: false })
      yield* Effect.gen(function*() {
        expect(yield* h.revoke("tok_1")).toEqual({ tokenId: "tok_1" })
        const second = yield* Effect.fork(h.revoke("tok_2"))
        yield* advance(9999)
        expect(h.arrivals).toEqual([0])
        yield* advance(1)
        expect(h.arrivals).toEqual([0, 10_000])
        expect(yield* Fiber.join(second)).toEqual({ tokenId: "tok_2" })
      }).pipe(Effect.provide(h.layer))
    }))

  it.effect("measured on the server's Date, so a local clock an hour off still waits the real 10 s", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0 + 3_600_000)
      const h = timed([ok("tok_1", windowHeaders(0, 10)), ok("tok_2")], { earlyProbe: false })
      yield* Effect.gen(function*() {
        yield* h.revoke("tok_1")
        const second = yield* Effect.fork(h.revoke("tok_2"))
        yield* advance(10_000)
        expect(h.arrivals).toEqual([3_600_000, 3_610_000])
        yield* Fiber.join(second)
      }).pipe(Effect.provide(h.layer))
    }))

  it.effect("counting requests in flight against what remains, so a burst does not overshoot", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      // The first answer says 2 remain; the next two are slow and spend them (as their answers say).
      const echo = (headers: Record<string, string> = {}): Reply => (request) => ok(idOf(request.url), headers)
      const slow = (remaining: number): Reply => ({ delay: 1000, then: echo(windowHeaders(remaining, 10)) })
      const h = timed([echo(windowHeaders(2, 10)), slow(1), slow(0), echo()], { earlyProbe: false })
      yield* Effect.gen(function*() {
        yield* h.revoke("tok_0")
        const calls = yield* burst(h.revoke, 5)
        yield* advance(9999)
        expect(h.arrivals).toEqual([0, 0, 0]) // 1 + the 2 that remained
        yield* advance(1)
        // The window reset: the next one is presumed to hold the limit of 100; the other 3 go.
        expect(h.arrivals).toEqual([0, 0, 0, 10_000, 10_000, 10_000])
        expect(yield* Fiber.join(calls)).toEqual(revoked(5))
      }).pipe(Effect.provide(h.layer))
    }))

  it.effect("refuses at once, with retryAt, a caller it would hold past the call's deadline", () =>
    Effect.gen(function*() {
      for (const earlyProbe of [true, false]) {
        yield* TestClock.setTime(T0)
        const h = timed([ok("tok_1", windowHeaders(0, 45))], { earlyProbe })
        yield* Effect.gen(function*() {
          yield* h.revoke("tok_1")
          const error = failureOf(yield* Effect.exit(h.revoke("tok_2")))
          expect(error).toMatchObject({ _tag: "RateLimited", attempts: 0, remaining: 0, limit: 100 })
          expect(error).not.toHaveProperty("status")
          // The earliest instant a request may go: the early probe's, or the announced reset.
          expect((error as { retryAt: Date }).retryAt.getTime()).toBe(earlyProbe ? T0 + 44_001 : T0 + 45_000)
          expect(yield* Clock.currentTimeMillis).toBe(T0)
          expect(h.arrivals).toEqual([0])
        }).pipe(Effect.provide(h.layer))
      }
    }))
})

describe("after a reset the gate presumes a window of `limit`", () => {
  it.effect("a limit of 2 below maxConcurrent: 2 requests per window, never a 429", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      // Windows end at whole seconds 1, 3, 5: each answer reports its window, 100 ms after arrival.
      let n = 0
      const h = timed((_request, url) =>
        Effect.gen(function*() {
          const i = n++
          if (i === 0) return ok(idOf(url), windowHeaders(0, 1, T0, 2))
          yield* Effect.sleep(100)
          const now = yield* Clock.currentTimeMillis
          const resetIn = i <= 2 ? 3 : i <= 4 ? 5 : 7
          return ok(idOf(url), windowHeaders(i % 2 === 1 ? 1 : 0, resetIn, now, 2))
        }), { earlyProbe: false })
      yield* Effect.gen(function*() {
        yield* h.revoke("tok_0")
        const calls = yield* burst(h.revoke, 5)
        yield* advance(999)
        expect(h.arrivals).toEqual([0])
        yield* advance(1)
        expect(h.arrivals).toEqual([0, 1000, 1000]) // 2, not 5: the presumed window holds the limit
        yield* advance(1999)
        expect(h.arrivals).toHaveLength(3)
        yield* advance(1)
        expect(h.arrivals).toEqual([0, 1000, 1000, 3000, 3000])
        yield* advance(2000)
        expect(h.arrivals).toEqual([0, 1000, 1000, 3000, 3000, 5000])
        yield* advance(100)
        expect(yield* Fiber.join(calls)).toEqual(revoked(5))
      }).pipe(Effect.provide(h.layer))
    }))
})

describe("the early probe of an exhausted window", () => {
  it.effect("goes alone at the earliest reset the whole-second headers allow; the others wait for its answer", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      let n = 0
      const h = timed((_request, url) =>
        Effect.gen(function*() {
          if (n++ === 0) return ok(idOf(url), windowHeaders(0, 10))
          yield* Effect.sleep(100)
          return ok(idOf(url), windowHeaders(90, 70, yield* Clock.currentTimeMillis))
        })
      )
      yield* Effect.gen(function*() {
        yield* h.revoke("tok_0")
        const calls = yield* burst(h.revoke, 3)
        yield* advance(9000)
        expect(h.arrivals).toEqual([0])
        yield* advance(1) // reset at the 10th second: it cannot have come before 9.001 s
        expect(h.arrivals).toEqual([0, 9001])
        yield* advance(99)
        expect(h.arrivals).toEqual([0, 9001])
        yield* advance(1) // the probe found the new window open
        expect(h.arrivals).toEqual([0, 9001, 9101, 9101])
        yield* advance(100)
        expect(yield* Fiber.join(calls)).toEqual(revoked(3))
      }).pipe(Effect.provide(h.layer))
    }))

  it.effect("a 429 answer to it is expected: it costs none of the call's attempts", () =>
    Effect.gen(function*() {
      for (const earlyProbe of [true, false]) {
        yield* TestClock.setTime(T0)
        let n = 0
        const h = timed(() =>
          Effect.gen(function*() {
            const now = yield* Clock.currentTimeMillis
            if (n++ === 0) return ok("tok_0", windowHeaders(0, 10))
            // Too early by the server's exact clock: a 429 until the reset, a second from now.
            if (now < T0 + 10_000) {
              return json(429, { error: { code: "rate_limited" } }, {
                ...windowHeaders(0, 10, now),
                "retry-after": "1"
              })
            }
            return ok("tok_1", windowHeaders(99, 70, now))
          }), { maxAttempts: 1, earlyProbe })
        const result = yield* Effect.gen(function*() {
          yield* h.revoke("tok_0")
          const call = yield* Effect.fork(h.revoke("tok_1"))
          yield* advance(11_000)
          return yield* Fiber.join(call)
        }).pipe(Effect.provide(h.layer), jitter(0))
        expect(result).toEqual({ tokenId: "tok_1" })
        // Early: probe at 9.001 s, its 429's hint obeyed, then one more request with maxAttempts 1.
        expect(h.arrivals, `earlyProbe ${earlyProbe}`).toEqual(earlyProbe ? [0, 9001, 10_001] : [0, 10_000])
      }
    }))

  it.effect("an ordinary 429 does count: with maxAttempts 1 it is the end of the call", () =>
    Effect.gen(function*() {
      const h = timed([json(429, { error: { code: "rate_limited" } }, { "retry-after": "1" })], { maxAttempts: 1 })
      const error = failureOf(yield* Effect.exit(h.revoke("tok_1").pipe(Effect.provide(h.layer))))
      expect(error).toMatchObject({ _tag: "RateLimited", status: 429, attempts: 1 })
      expect(h.arrivals).toHaveLength(1)
    }))
})

describe("after a 429 the gate closes until the hint, then lets one probe through", () => {
  it.effect("nobody sends before the hint; one probe; the rest once it is answered", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const probe: Reply = { delay: 100, then: ok("tok_probe") }
      const h = timed([json(429, { error: { code: "rate_limited" } }, { "retry-after": "5" }), probe])
      yield* Effect.gen(function*() {
        const first = yield* Effect.fork(h.revoke("tok_0"))
        yield* advance(1)
        const others = yield* burst(h.revoke, 3)
        yield* advance(4998)
        expect(h.arrivals).toEqual([0]) // nobody sends before the hint
        yield* advance(1)
        expect(h.arrivals).toEqual([0, 5000]) // one probe at the hinted time
        yield* advance(99)
        expect(h.arrivals).toEqual([0, 5000]) // the rest wait for the probe's answer
        yield* advance(1)
        expect(h.arrivals).toEqual([0, 5000, 5100, 5100]) // answered: the others go
        // The first caller's own retry: the hint plus its jitter, floor(0.5 · 251) = 125 ms.
        yield* advance(25)
        expect(h.arrivals).toEqual([0, 5000, 5100, 5100, 5125])
        yield* advance(100)
        expect(yield* Fiber.join(others)).toEqual([{ tokenId: "tok_probe" }, { tokenId: "tok_probe" }, {
          tokenId: "tok_probe"
        }])
        expect(yield* Fiber.join(first)).toEqual({ tokenId: "tok_probe" })
      }).pipe(Effect.provide(h.layer), jitter(0.5))
    }))

  it.effect("a probe that draws another 429 closes the gate again until its own hint", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const limited = json(429, { error: { code: "rate_limited" } }, { "retry-after": "2" })
      const h = timed([limited, limited, ok("tok")])
      yield* Effect.gen(function*() {
        const call = yield* Effect.fork(h.revoke("tok"))
        const other = yield* Effect.fork(Effect.zipRight(Effect.sleep(10), h.revoke("tok_b")))
        yield* advance(1999)
        expect(h.arrivals).toEqual([0])
        yield* advance(1) // the waiting caller probes at 2 s and is refused again
        expect(h.arrivals).toEqual([0, 2000])
        yield* advance(1999)
        expect(h.arrivals).toEqual([0, 2000]) // the first caller's retry (2.125 s) waits too
        yield* advance(1)
        expect(h.arrivals).toEqual([0, 2000, 4000]) // it probes at the new hint
        yield* advance(125)
        expect(h.arrivals).toEqual([0, 2000, 4000, 4125]) // the other caller's own retry
        expect(yield* Fiber.join(call)).toEqual({ tokenId: "tok" })
        expect(yield* Fiber.join(other)).toEqual({ tokenId: "tok" })
      }).pipe(Effect.provide(h.layer), jitter(0.5))
    }))
})

describe("the retry budget and 429s", () => {
  // Retries only while more than 2.5 tokens are left; nothing is earned back.
  const budget = { retryBudget: { maxTokens: 5, tokenRatio: 0 } }

  it.effect("a 429 whose hint was obeyed costs no budget", () =>
    Effect.gen(function*() {
      let n = 0
      const h = timed(() => {
        const i = n++
        // Five calls each drawing a hinted 429 first, then a 503 that needs the budget to be retried.
        if (i < 10) return i % 2 === 0 ? json(429, {}, { "retry-after": "1" }) : ok("tok_1")
        return i === 10 ? json(503, {}) : ok("tok_1")
      }, budget)
      yield* Effect.gen(function*() {
        for (let i = 0; i < 5; i++) {
          const call = yield* Effect.fork(h.revoke("tok_1"))
          yield* advance(2000)
          expect(yield* Fiber.join(call)).toEqual({ tokenId: "tok_1" })
        }
        // 5 tokens, none spent: a 503 costs 1 and leaves 4, so it is retried.
        const call = yield* Effect.fork(h.revoke("tok_1"))
        yield* advance(2000)
        expect(yield* Fiber.join(call)).toEqual({ tokenId: "tok_1" })
        expect(h.arrivals).toHaveLength(12)
      }).pipe(Effect.provide(h.layer), jitter(0))
    }))

  it.effect("a 429 without a hint costs budget like any retryable failure", () =>
    Effect.gen(function*() {
      let n = 0
      const h = timed(() => {
        const i = n++
        if (i < 4) return i % 2 === 0 ? json(429, {}) : ok("tok_1")
        return i === 4 ? json(503, {}) : ok("tok_1")
      }, budget)
      yield* Effect.gen(function*() {
        for (let i = 0; i < 2; i++) {
          const call = yield* Effect.fork(h.revoke("tok_1"))
          yield* advance(2000)
          expect(yield* Fiber.join(call)).toEqual({ tokenId: "tok_1" })
        }
        // Two unhinted 429s spent 2 of 5 tokens: the 503 leaves 2, not more than 2.5, so no retry.
        const error = failureOf(yield* Effect.exit(h.revoke("tok_1")))
        expect(error).toMatchObject({ _tag: "ServerError", status: 503, attempts: 1 })
        expect(h.arrivals).toHaveLength(5)
      }).pipe(Effect.provide(h.layer), jitter(0))
    }))
})

describe("a hold beyond what the call may wait is refused before it queues for a slot", () => {
  /** The memory store, counting what the engine asks of it. */
  const counting = () => {
    const asked = { hold: [] as Array<string>, take: [] as Array<string> }
    const make: GateStore.Make = (credential) =>
      Effect.map(GateStore.memory(credential), (store): GateStore.GateStore => ({
        take: (bucket, now, options) =>
          Effect.suspend(() => {
            asked.take.push(bucket)
            return store.take(bucket, now, options)
          }),
        hold: (bucket, now, options) =>
          Effect.suspend(() => {
            asked.hold.push(bucket)
            return store.hold(bucket, now, options)
          }),
        give: store.give
      }))
    return { asked, make }
  }

  const scenario = (maxConcurrent: number) =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const store = counting()
      // One left in a window resetting in 45 s; the hung request spends it and holds the only slot.
      const h = timed(
        (_request, url) => idOf(url) === "tok_hung" ? Effect.never : ok(idOf(url), windowHeaders(1, 45)),
        { maxConcurrent, attemptTimeout: "2 minutes" },
        { gate: store.make }
      )
      return yield* Effect.gen(function*() {
        yield* h.revoke("tok_a")
        const hung = yield* Effect.fork(h.revoke("tok_hung"))
        yield* yieldAll
        const before = { hold: store.asked.hold.length, take: store.asked.take.length }
        const exit = yield* Effect.exit(h.revoke("tok_b"))
        const asked = {
          hold: store.asked.hold.length - before.hold,
          take: store.asked.take.length - before.take
        }
        yield* Fiber.interrupt(hung)
        return { error: failureOf(exit), asked, now: (yield* Clock.currentTimeMillis) - T0, arrivals: h.arrivals }
      }).pipe(Effect.provide(h.layer))
    })

  it.effect("all slots taken: the store's hold() refuses it, at once, with attempts 0, and nothing is taken", () =>
    Effect.gen(function*() {
      const { arrivals, asked, error, now } = yield* scenario(1)
      expect(error).toMatchObject({ _tag: "RateLimited", attempts: 0, limit: 100, remaining: 1 })
      expect((error as { retryAt: Date }).retryAt.getTime()).toBe(T0 + 44_001)
      expect(asked).toEqual({ hold: 1, take: 0 })
      expect(now).toBe(0)
      expect(arrivals).toEqual([0, 0])
    }))

  it.effect("a slot free: the store's take() refuses it the same way, without a peek first", () =>
    Effect.gen(function*() {
      const { asked, error, now } = yield* scenario(2)
      expect(error).toMatchObject({ _tag: "RateLimited", attempts: 0, limit: 100, remaining: 1 })
      expect(asked).toEqual({ hold: 0, take: 1 })
      expect(now).toBe(0)
    }))
})

describe("the gate's scope", () => {
  it.effect("is per layer instance: another client is not held", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const a = timed([ok("tok_1", windowHeaders(0, 10))])
      const b = timed([ok("tok_3")])
      yield* Effect.gen(function*() {
        yield* a.revoke("tok_1")
        const held = yield* Effect.fork(a.revoke("tok_2"))
        yield* advance(100)
        expect(a.arrivals).toEqual([0])
        expect(yield* b.revoke("tok_3").pipe(Effect.provide(b.layer))).toEqual({ tokenId: "tok_3" })
        expect(b.arrivals).toEqual([100])
        yield* Fiber.interrupt(held)
      }).pipe(Effect.provide(a.layer))
    }))

  it.effect("limits requests in flight to maxConcurrent", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      // The first call is answered (a fresh client sends its first request alone); the rest hang.
      const h = timed([ok("tok_0"), "hang"], { maxConcurrent: 2, attemptTimeout: "1 minute" })
      yield* Effect.gen(function*() {
        const calls = yield* burst(h.revoke, 5)
        yield* advance(1000)
        expect(h.arrivals).toEqual([0, 0, 0])
        yield* Fiber.interrupt(calls)
      }).pipe(Effect.provide(h.layer))
    }))
})
