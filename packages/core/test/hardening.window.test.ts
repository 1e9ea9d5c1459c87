/**
 * Item 4 of the hardening issue: the gate never forgets a limit it has learned. When a window resets,
 * the next one is presumed to hold `X-RateLimit-Limit` requests (less those in flight), so a limit
 * below `maxConcurrent` does not draw a burst of 429s at every window boundary. The client may probe
 * an exhausted window once, early, so each window after the first may draw at most one 429.
 *
 * The server is a deterministic fixed window on the TestClock, shaped like Vercel's: a window opens
 * with the first request after a reset, `X-RateLimit-Reset` is in epoch seconds rounded up, `Date` is
 * in whole seconds, and a 429 carries `Retry-After` and the body's `limit.resetMs`.
 */
import { describe, expect, it } from "@effect/vitest"
import { MockHttpClient } from "@vercel-auth/testing"
import { Clock, Effect, Exit, Fiber, Random, TestClock } from "effect"
import { client, failureOf, httpDate, idOf, pick, T0 } from "./hardening.support.js"

const LIMIT = 5
const WINDOW_MS = 1500
const LATENCY_MS = 20
const CALLS = 30
const MAX_CONCURRENT = 8

interface Served {
  readonly tokenId: string
  readonly at: number
  readonly window: number
  readonly status: number
}

/** A fixed-window rate-limited DELETE endpoint, on the TestClock. */
const fixedWindowServer = () => {
  const served: Array<Served> = []
  let window: { readonly index: number; readonly end: number; used: number } | undefined
  const handler: MockHttpClient.Handler = (_request, url) =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      if (window === undefined || now >= window.end) {
        window = { index: (window?.index ?? -1) + 1, end: now + WINDOW_MS, used: 0 }
      }
      const w = window
      w.used++
      const exceeded = w.used > LIMIT
      const reset = Math.ceil(w.end / 1000)
      const status = exceeded ? 429 : 200
      served.push({ tokenId: idOf(url), at: now, window: w.index, status })
      const rateLimit = {
        "x-ratelimit-limit": String(LIMIT),
        "x-ratelimit-remaining": String(Math.max(0, LIMIT - w.used)),
        "x-ratelimit-reset": String(reset)
      }
      yield* Effect.sleep(LATENCY_MS)
      const date = { date: httpDate(yield* Clock.currentTimeMillis) }
      return exceeded
        ? MockHttpClient.json(
          429,
          {
            error: {
              code: "rate_limited",
              message: "Rate limit exceeded",
              limit: { remaining: 0, reset, resetMs: w.end, total: LIMIT }
            }
          },
          { ...rateLimit, ...date, "retry-after": String(Math.max(1, Math.ceil((w.end - now) / 1000))) }
        )
        : MockHttpClient.json(200, { tokenId: idOf(url) }, { ...rateLimit, ...date })
    })
  return { served, handler }
}

describe("the gate keeps the limit across window boundaries", () => {
  it.effect("30 revocations under 5 per 1.5 s: all succeed, at most one 429 per window after the first", () =>
    Effect.gen(function*() {
      // Not on a second boundary, so that the rounding of the whole-second headers matters.
      yield* TestClock.setTime(T0 + 250)
      const server = fixedWindowServer()
      const h = client(server.handler, { maxConcurrent: MAX_CONCURRENT })
      const ids = Array.from({ length: CALLS }, (_, i) => `tok_${String(i).padStart(2, "0")}`)
      yield* Effect.gen(function*() {
        const fibers = yield* Effect.forEach(ids, (id) => Effect.fork(Effect.exit(h.revoke(id))))
        // 30 s of policy deadline, in 100 ms steps; every fiber is done well before.
        for (let step = 0; step < 400 && fibers.some((fiber) => fiber.unsafePoll() === null); step++) {
          yield* TestClock.adjust(100)
          yield* Effect.repeatN(Effect.yieldNow(), 20)
        }
        const exits = yield* Effect.forEach(fibers, Fiber.join)
        const outcomes = exits.map((exit) =>
          Exit.isSuccess(exit) ? exit.value : pick(failureOf(exit), "_tag", "attempts", "status")
        )
        expect(outcomes).toEqual(ids.map((tokenId) => ({ tokenId })))

        const windows = Math.max(...server.served.map(({ window }) => window)) + 1
        const per = Array.from({ length: windows }, (_, w) => ({
          ok: server.served.filter((s) => s.window === w && s.status === 200).length,
          limited: server.served.filter((s) => s.window === w && s.status === 429).length
        }))
        const summary = per.map(({ limited, ok }, w) => `window ${w}: ${ok} ok, ${limited} × 429`).join("; ")
        // 30 successes at 5 per window fill exactly 6 windows when no window is left half used.
        expect(windows, summary).toBe(CALLS / LIMIT)
        // The first window may draw the burst a fresh client cannot avoid, and its probe.
        expect(per[0]!.limited, summary).toBeLessThanOrEqual(MAX_CONCURRENT - LIMIT + 1)
        // Every later window: at most the one early probe.
        const over = per.map((counts, window) => ({ window, ...counts })).slice(1).filter(({ limited }) => limited > 1)
        expect(over, summary).toEqual([])
      }).pipe(Effect.provide(h.layer), Effect.withRandom(Random.make("hardening")))
    }))
})
