import * as Headers from "@effect/platform/Headers"
import { describe, expect, it } from "@effect/vitest"
import {
  bodyReset,
  clocks,
  observeRateLimit,
  parseHttpDate,
  rateLimitedHint,
  retryAfter,
  toDate
} from "../src/internal/hints.js"

const now = Date.UTC(2026, 10, 29, 12, 0, 0)
const httpDate = (ms: number) => new Date(ms).toUTCString()
const c = (headers: Record<string, string>, localNow = now) => ({
  headers: Headers.fromInput(headers),
  clocks: clocks(Headers.fromInput(headers), localNow)
})
const ra = (value: string, extra: Record<string, string> = {}) => {
  const { clocks, headers } = c({ "retry-after": value, ...extra })
  return retryAfter(headers, clocks)?.waitMs
}

describe("Retry-After", () => {
  it("reads integer and decimal delta seconds, rounding up so the floor is never undercut", () => {
    expect(ra("2")).toBe(2000)
    expect(ra(" 7 ")).toBe(7000)
    expect(ra("1.5")).toBe(1500)
    expect(ra("0.0004")).toBe(1)
    expect(ra("0")).toBe(0)
  })

  it("ignores empty, negative and garbage values", () => {
    for (const value of ["", " ", "-1", "-0.5", "abc", "1e3", "1e309", "Infinity", "NaN", "0x10", "1,5", "+3", "2s"]) {
      expect(ra(value), value).toBeUndefined()
    }
  })

  it("keeps a huge value, for the policy to refuse", () => {
    expect(ra("99999999999")).toBe(99999999999000)
    expect(ra("1" + "0".repeat(400))).toBeUndefined()
  })

  it("reads HTTP-dates in all three formats against the server's Date header", () => {
    const serverNow = now + 3_600_000 // the local clock is an hour behind
    const date = httpDate(serverNow)
    expect(ra(httpDate(serverNow + 10_000), { date })).toBe(10_000)
    expect(ra("Sunday, 29-Nov-26 13:00:10 GMT", { date })).toBe(10_000)
    expect(ra("Sun Nov 29 13:00:10 2026", { date })).toBe(10_000)
  })

  it("reads an HTTP-date against the local clock without a Date header; a past date means no wait", () => {
    expect(ra(httpDate(now + 5000))).toBe(5000)
    expect(ra(httpDate(now - 5000))).toBe(0)
  })

  it("rejects dates that are not HTTP-dates", () => {
    expect(ra("2026-11-29T12:00:10Z")).toBeUndefined()
    expect(ra("Sun, 32 Nov 2026 12:00:10 GMT")).toBeUndefined()
    expect(parseHttpDate("Sun, 29 Nov 2026 12:00:10 PST")).toBeUndefined()
  })
})

describe("X-RateLimit-Reset and the 429 hint", () => {
  const hint = (headers: Record<string, string>, detail?: Parameters<typeof bodyReset>[0], localNow = now) => {
    const { clocks, headers: h } = c(headers, localNow)
    return rateLimitedHint(h, detail, clocks)
  }

  it("measures epoch seconds against the server's Date, so a skewed local clock changes nothing", () => {
    const serverNow = now
    const headers = { "x-ratelimit-reset": String(serverNow / 1000 + 10), date: httpDate(serverNow) }
    expect(hint(headers)).toEqual({ waitMs: 10_000, source: "x-ratelimit-reset" })
    expect(hint(headers, undefined, now - 300_000)).toEqual({ waitMs: 10_000, source: "x-ratelimit-reset" })
    expect(hint(headers, undefined, now + 300_000)).toEqual({ waitMs: 10_000, source: "x-ratelimit-reset" })
  })

  it("accepts epoch milliseconds when the value is clearly that large", () => {
    expect(hint({ "x-ratelimit-reset": String(now + 4000), date: httpDate(now) })?.waitMs).toBe(4000)
  })

  it("reads a small reset as delta seconds rather than a date in 1970", () => {
    expect(hint({ "x-ratelimit-reset": "30" })?.waitMs).toBe(30_000)
  })

  it("takes the longest of all sources so none is undercut", () => {
    const headers = {
      "retry-after": "3",
      "x-ratelimit-reset": String(now / 1000 + 8),
      "x-ratelimit-remaining": "0",
      date: httpDate(now)
    }
    expect(hint(headers)).toEqual({ waitMs: 8000, source: "x-ratelimit-reset" })
    expect(hint({ ...headers, "retry-after": "12" })).toEqual({ waitMs: 12_000, source: "retry-after" })
    // A body resetMs later than every header is the longest, and exact.
    expect(hint(headers, { limit: { resetMs: now + 9500 } })).toEqual({
      waitMs: 9500,
      source: "body-limit-reset",
      exact: true
    })
  })

  describe("an exact body resetMs within the whole-second rounding of the headers", () => {
    const headers = {
      "retry-after": "8",
      "x-ratelimit-reset": String(now / 1000 + 8),
      "x-ratelimit-remaining": "0",
      date: httpDate(now)
    }

    it("is preferred over Retry-After and X-RateLimit-Reset: up to a second earlier, never later", () => {
      for (const early of [1, 400, 999]) {
        expect(hint(headers, { limit: { resetMs: now + 8000 - early } }), `${early} ms early`).toEqual({
          waitMs: 8000 - early,
          source: "body-limit-reset",
          exact: true
        })
      }
    })

    it("is not preferred a whole second or more earlier: the headers' floor stands", () => {
      for (const early of [1000, 2500]) {
        expect(hint(headers, { limit: { resetMs: now + 8000 - early } }), `${early} ms early`).toEqual({
          waitMs: 8000,
          source: "retry-after"
        })
      }
    })

    it("must lie within the rounding of each header: a later Retry-After keeps its floor", () => {
      const later = { ...headers, "retry-after": "10" }
      expect(hint(later, { limit: { resetMs: now + 7500 } })).toEqual({ waitMs: 10_000, source: "retry-after" })
      // Within the rounding of both (9.5 s > 10 s − 1 s and > 8 s − 1 s).
      expect(hint(later, { limit: { resetMs: now + 9500 } })).toEqual({
        waitMs: 9500,
        source: "body-limit-reset",
        exact: true
      })
    })

    it("lies within the rounding of X-RateLimit-Reset alone when there is no Retry-After", () => {
      const { "retry-after": _, ...resetOnly } = headers
      expect(hint(resetOnly, { limit: { resetMs: now + 7200 } })).toEqual({
        waitMs: 7200,
        source: "body-limit-reset",
        exact: true
      })
      expect(hint(resetOnly, { limit: { resetMs: now + 6999 } })).toEqual({
        waitMs: 8000,
        source: "x-ratelimit-reset"
      })
    })

    it("does not undercut a decimal Retry-After, which is not rounded: the longer of the two wins", () => {
      const decimal = { ...headers, "retry-after": "7.8" }
      expect(hint(decimal, { limit: { resetMs: now + 7500 } })).toEqual({ waitMs: 7800, source: "retry-after" })
      expect(hint(decimal, { limit: { resetMs: now + 7900 } })).toEqual({
        waitMs: 7900,
        source: "body-limit-reset",
        exact: true
      })
    })

    it("a body reset in whole seconds is not exact, and is only one more source", () => {
      expect(hint(headers, { limit: { reset: now / 1000 + 7 } })).toEqual({ waitMs: 8000, source: "retry-after" })
    })
  })

  it("ignores a reset whose window still has requests left", () => {
    expect(hint({ "x-ratelimit-reset": String(now / 1000 + 8), "x-ratelimit-remaining": "5" })).toBeUndefined()
  })

  it("falls back to the body's limit.reset (seconds) and limit.resetMs", () => {
    const { clocks: cl } = c({ date: httpDate(now) })
    expect(bodyReset({ limit: { reset: now / 1000 + 2 } }, cl)).toEqual({ waitMs: 2000, source: "body-limit-reset" })
    expect(bodyReset({ limit: { resetMs: now + 2500 } }, cl)?.waitMs).toBe(2500)
    expect(bodyReset({ limit: { reset: -5 } }, cl)).toBeUndefined()
    expect(bodyReset({ limit: { reset: Number.NaN } }, cl)).toBeUndefined()
    expect(bodyReset(undefined, cl)).toBeUndefined()
  })

  it("ignores malformed reset headers", () => {
    for (const value of ["", "-1", "soon", "1e309", "Infinity"]) {
      expect(hint({ "x-ratelimit-reset": value }), value).toBeUndefined()
    }
  })
})

describe("rate-limit observations", () => {
  it("puts the reset on the local clock via the server's Date, with the earliest instant it may come", () => {
    const local = now - 60_000
    const { clocks: cl, headers } = c({
      "x-ratelimit-limit": "100",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": String(now / 1000 + 20),
      date: httpDate(now)
    }, local)
    // Reset at the 20th second: the window ends by then, and has certainly not ended a second before.
    expect(observeRateLimit(headers, cl)).toEqual({
      limit: 100,
      remaining: 0,
      resetAt: local + 20_000,
      earliestResetAt: local + 19_001,
      windowId: now / 1000 + 20
    })
  })

  it("treats a reset in epoch milliseconds as exact: the earliest reset is the reset", () => {
    const { clocks: cl, headers } = c({
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": String(now + 4200),
      date: httpDate(now)
    })
    expect(observeRateLimit(headers, cl)).toEqual({
      limit: undefined,
      remaining: 0,
      resetAt: now + 4200,
      earliestResetAt: now + 4200,
      windowId: now + 4200
    })
  })

  it("names a delta-seconds window by its local reset, which does not move while it counts down", () => {
    const { clocks: cl, headers } = c({ "x-ratelimit-remaining": "3", "x-ratelimit-reset": "30" })
    expect(observeRateLimit(headers, cl)).toEqual({
      limit: undefined,
      remaining: 3,
      resetAt: now + 30_000,
      earliestResetAt: now + 29_001,
      windowId: now + 30_000
    })
  })

  it("needs both Remaining and Reset, as whole numbers", () => {
    const obs = (h: Record<string, string>) => {
      const { clocks: cl, headers } = c(h)
      return observeRateLimit(headers, cl)
    }
    expect(obs({ "x-ratelimit-remaining": "0" })).toBeUndefined()
    expect(obs({ "x-ratelimit-reset": "10" })).toBeUndefined()
    expect(obs({ "x-ratelimit-remaining": "0.5", "x-ratelimit-reset": "10" })).toBeUndefined()
  })

  it("turns only representable instants into Dates", () => {
    expect(toDate(now)?.getTime()).toBe(now)
    expect(toDate(1e20)).toBeUndefined()
  })
})
