import { describe, expect, it } from "@effect/vitest"
import { makeServerClock } from "../src/internal/serverClock.js"

const T = Date.UTC(2026, 10, 29, 12, 0, 0)
const date = (ms: number) => new Date(ms).toUTCString()

describe("the server clock estimate", () => {
  it("starts from the Date header and never runs ahead of the real server clock", () => {
    const clock = makeServerClock()
    const trueOffset = 42_750 // the server is 42.75 s ahead
    const estimates: Array<number> = []
    for (let local = T; local < T + 5000; local += 130) {
      const serverNow = local + trueOffset
      const estimate = clock.observe(date(serverNow), local)!
      expect(estimate).toBeLessThanOrEqual(serverNow)
      estimates.push(serverNow - estimate)
    }
    expect(estimates[0]).toBe(750)
    expect(estimates.at(-1)!).toBeLessThan(130)
  })

  it("forgets a sample after a minute, so a server clock stepped back is followed", () => {
    const clock = makeServerClock()
    clock.observe(date(T + 10_000), T)
    expect(clock.observe(date(T + 1000), T + 1000)).toBe(T + 11_000)
    expect(clock.observe(date(T + 61_000), T + 61_001)).toBe(T + 61_000)
  })

  it("has nothing to say without a Date header", () => {
    expect(makeServerClock().observe(undefined, T)).toBeUndefined()
    expect(makeServerClock().observe("yesterday", T)).toBeUndefined()
  })
})
