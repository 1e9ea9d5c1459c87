/**
 * Item 3 of the hardening issue: a caller the gate would hold past its deadline or `maxServerWait` is
 * refused at once with `RateLimited` (`retryAt` set, `attempts: 0`), without first queueing for a
 * concurrency slot, even while that slot is held by a hung request. On the TestClock: with zero
 * clock advance.
 */
import { describe, expect, it } from "@effect/vitest"
import { MockHttpClient } from "@vercel-auth/testing"
import { Clock, Effect, Fiber, TestClock } from "effect"
import { client, expectNoSecret, failureOf, httpDate, idOf, pick, T0 } from "./hardening.support.js"

/** Lets every runnable fiber run, without moving the clock. */
const settleFibers = Effect.repeatN(Effect.yieldNow(), 100)

const scenarios: ReadonlyArray<{ readonly name: string; readonly resetInSeconds: number }> = [
  { name: "beyond maxServerWait (reset in 120 s; deadline 30 s, maxServerWait 60 s)", resetInSeconds: 120 },
  { name: "beyond the deadline only (reset in 45 s; deadline 30 s, maxServerWait 60 s)", resetInSeconds: 45 }
]

describe("refusals do not queue behind the concurrency limit", () => {
  for (const { name, resetInSeconds } of scenarios) {
    it.effect(`a window spent until ${name} refuses new calls at once while a hung request holds the slot`, () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(T0)
        const reset = T0 + resetInSeconds * 1000
        // The first answer leaves one request in the window; the hung request spends it.
        const h = client(
          (_request, url) =>
            idOf(url) === "tok_hung"
              ? Effect.never
              : MockHttpClient.json(200, { tokenId: idOf(url) }, {
                "x-ratelimit-limit": "5",
                "x-ratelimit-remaining": "1",
                "x-ratelimit-reset": String(reset / 1000),
                date: httpDate(T0)
              }),
          { maxConcurrent: 1, deadline: "30 seconds", maxServerWait: "60 seconds", attemptTimeout: "2 minutes" }
        )
        yield* Effect.gen(function*() {
          expect(yield* h.revoke("tok_a")).toEqual({ tokenId: "tok_a" })
          const hung = yield* Effect.fork(h.revoke("tok_hung"))
          yield* settleFibers
          expect(h.requests.map(({ url }) => idOf(url))).toEqual(["tok_a", "tok_hung"])

          const calls = yield* Effect.forEach(["tok_b", "tok_c", "tok_d"], (id) => Effect.fork(h.revoke(id)))
          yield* settleFibers
          expect(yield* Clock.currentTimeMillis).toBe(T0)
          const settled = calls.map((fiber) => fiber.unsafePoll())
          expect(
            settled.map((exit) => exit === null ? "still waiting" : exit._tag),
            "every new call is refused with zero clock advance"
          ).toEqual(["Failure", "Failure", "Failure"])
          for (const exit of settled) {
            const error = failureOf(exit!)
            expect(pick(error, "_tag", "attempts", "status")).toEqual({
              _tag: "RateLimited",
              attempts: 0,
              status: undefined
            })
            // When the window resets, give or take the second its whole-second headers leave open.
            const retryAt = (error as { retryAt?: Date }).retryAt
            expect(retryAt).toBeInstanceOf(Date)
            expect(retryAt!.getTime()).toBeGreaterThanOrEqual(reset - 1000)
            expect(retryAt!.getTime()).toBeLessThanOrEqual(reset)
            expectNoSecret(error)
          }
          expect(h.requests).toHaveLength(2)
          yield* Fiber.interrupt(hung)
        }).pipe(Effect.provide(h.layer))
      }))
  }

  it.effect("(control) a 429 with Retry-After: 120 refuses its own call and every new one at once, while a request hangs", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const limited = MockHttpClient.json(
        429,
        { error: { code: "rate_limited", message: "Rate limit exceeded" } },
        { "retry-after": "120", date: httpDate(T0) }
      )
      // With one slot a 429 and a hung request cannot be in flight together, so this uses two: the
      // hung request keeps one, the 429 frees the other.
      // A fresh client sends its first request alone: one answered call first, so that the hung request
      // and the 429 can be in flight together.
      const h = client((_request, url) =>
        idOf(url) === "tok_hung"
          ? Effect.never
          : idOf(url) === "tok_warm"
          ? MockHttpClient.json(200, { tokenId: "tok_warm" }, { date: httpDate(T0) })
          : limited, {
        maxConcurrent: 2,
        deadline: "30 seconds",
        maxServerWait: "60 seconds",
        attemptTimeout: "2 minutes"
      })
      yield* Effect.gen(function*() {
        expect(yield* h.revoke("tok_warm")).toEqual({ tokenId: "tok_warm" })
        const hung = yield* Effect.fork(h.revoke("tok_hung"))
        yield* settleFibers
        const first = failureOf(yield* Effect.exit(h.revoke("tok_a")))
        expect(pick(first, "_tag", "attempts", "status")).toEqual({ _tag: "RateLimited", attempts: 1, status: 429 })
        const calls = yield* Effect.forEach(["tok_b", "tok_c", "tok_d"], (id) => Effect.fork(h.revoke(id)))
        yield* settleFibers
        expect(yield* Clock.currentTimeMillis).toBe(T0)
        const settled = calls.map((fiber) => fiber.unsafePoll())
        expect(settled.map((exit) => exit === null ? "still waiting" : exit._tag)).toEqual([
          "Failure",
          "Failure",
          "Failure"
        ])
        for (const exit of settled) {
          const error = failureOf(exit!)
          expect(pick(error, "_tag", "attempts")).toEqual({ _tag: "RateLimited", attempts: 0 })
          expect((error as { retryAt?: Date }).retryAt?.getTime()).toBe(T0 + 120_000)
        }
        expect(h.requests.map(({ url }) => idOf(url))).toEqual(["tok_warm", "tok_hung", "tok_a"])
        yield* Fiber.interrupt(hung)
      }).pipe(Effect.provide(h.layer))
    }))
})
