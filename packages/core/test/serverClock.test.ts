import { describe, expect, it } from "@effect/vitest"
import { makeServerClock } from "../src/internal/serverClock.js"

const T = Date.UTC(2026, 10, 29, 12, 0, 0)
/** An HTTP `Date` header: whole seconds, the milliseconds dropped, as servers write it. */
const date = (ms: number) => new Date(ms).toUTCString()

describe("the server clock estimate", () => {
  it("starts from the Date header: the server's time was at least Date when the response arrived", () => {
    const clock = makeServerClock()
    // Sent at T, received 200 ms later, Date written at some instant in between: 12:00:42.
    expect(clock.observe(date(T + 42_750), T, T + 200)).toBe(T + 42_000)
  })

  it("keeps the largest lower bound: never ahead of the real server clock, and closing in on it", () => {
    const clock = makeServerClock()
    const trueOffset = 42_750 // the server is 42.75 s ahead
    const errors: Array<number> = []
    for (let local = T; local < T + 5000; local += 130) {
      const serverNow = local + trueOffset
      // The request took 20 ms; the server wrote Date when it received it, 10 ms in.
      const estimate = clock.observe(date(serverNow - 10), local - 20, local)!
      expect(estimate).toBeLessThanOrEqual(serverNow)
      errors.push(serverNow - estimate)
    }
    // Each sample says "offset ≥ Date − received", that is, the error is the milliseconds Date
    // dropped plus the 10 ms before it was written; the estimate keeps the smallest error seen so far.
    const dropped = errors.map((_, k) => ((trueOffset - 10 + 130 * k) % 1000) + 10)
    expect(errors).toEqual(dropped.map((_, k) => Math.min(...dropped.slice(0, k + 1))))
    expect(errors[0]).toBe(750)
    expect(errors.at(-1)).toBe(10)
  })

  it("does not lower the estimate for a sample whose bound is looser (a slow response)", () => {
    const clock = makeServerClock()
    expect(clock.observe(date(T + 10_000), T, T)).toBe(T + 10_000)
    // Received 900 ms after sending: this Date says only that the offset is at least 9.1 s.
    expect(clock.observe(date(T + 10_000), T + 100, T + 1000)).toBe(T + 11_000)
  })

  it("follows a server clock stepped back at once: the new sample's upper bound crosses the kept lower bound", () => {
    const clock = makeServerClock()
    expect(clock.observe(date(T + 10_000), T, T)).toBe(T + 10_000) // offset in [10 s, 11 s)
    // The server's clock went back by 9 s: offset in [0, 1 s), below everything kept. Start afresh.
    expect(clock.observe(date(T + 1000), T + 1000, T + 1000)).toBe(T + 1000)
    // The fresh bounds hold from then on.
    expect(clock.observe(date(T + 2000), T + 2000, T + 2000)).toBe(T + 2000)
  })

  it("follows a server clock stepped forward: the new lower bound crosses the kept upper bound", () => {
    const clock = makeServerClock()
    expect(clock.observe(date(T + 10_000), T, T)).toBe(T + 10_000)
    // The upper bound tightens to 10.5 s (offset < Date + 1 s − sent) without changing the estimate.
    expect(clock.observe(date(T + 10_000), T + 500, T + 500)).toBe(T + 10_500)
    // Stepped 5 s forward: offset ≥ 15 s, beyond the kept upper bound; the newest sample alone holds.
    expect(clock.observe(date(T + 16_000), T + 1000, T + 1000)).toBe(T + 16_000)
    // From then on the new bounds hold: "offset ≥ 15.9 s" raises the lower bound, below the 16 s upper one.
    expect(clock.observe(date(T + 17_000), T + 1100, T + 1100)).toBe(T + 17_000)
  })

  it("forgets a bound after a minute, so a server clock stepped back by less than a second is followed", () => {
    const clock = makeServerClock()
    clock.observe(date(T + 10_000), T, T)
    expect(clock.observe(date(T + 11_000), T + 1000, T + 1000)).toBe(T + 11_000) // offset ≥ 10 s, at T + 1 s
    // The server's clock went back by 100 ms (offset 9.9 s). Slow responses (900 ms) bracket it too
    // loosely to cross the kept bounds: while the 10 s bound is at most a minute old, the estimate
    // stays 100 ms ahead of the true T + 70.9 s ...
    expect(clock.observe(date(T + 70_000), T + 60_100, T + 61_000)).toBe(T + 71_000)
    // ... and once it is older, it is dropped and the newest sample's bound (8.9 s) holds.
    expect(clock.observe(date(T + 70_000), T + 60_200, T + 61_100)).toBe(T + 70_000)
  })

  it("has nothing to say without a Date header", () => {
    expect(makeServerClock().observe(undefined, T, T)).toBeUndefined()
    expect(makeServerClock().observe("yesterday", T, T)).toBeUndefined()
  })
})
