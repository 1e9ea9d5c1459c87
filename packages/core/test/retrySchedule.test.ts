/**
 * The retry schedule's decisions (`src/internal/engine/retrySchedule.ts`), stepped one retryable
 * failure at a time as `Effect.retry` steps it, on the TestClock with fixed random draws.
 */
import { describe, expect, it } from "@effect/vitest"
import { Resilience, TokenError } from "@vercel-auth/core"
import { Clock, Effect, Either, Random, type Schedule, ScheduleDecision, ScheduleIntervals, TestClock } from "effect"
import { type Budget, makeBudget } from "../src/internal/budget.js"
import { type Decision, type RetryRequest, retrySchedule } from "../src/internal/engine/retrySchedule.js"
import type { Retry } from "../src/internal/engine/verdict.js"
import type { Hint } from "../src/internal/hints.js"
import { T0 } from "./support.js"

const policy = (overrides: Partial<Resilience.ResiliencePolicy> = {}) =>
  Either.getOrThrow(Resilience.resolve(overrides))

const serverError = new TokenError.ServerError({ operation: "delete", tokenId: "tok_1", attempts: 1, status: 503 })
const tooMany = new TokenError.RateLimited({ operation: "delete", tokenId: "tok_1", attempts: 1, status: 429 })

const failure = (overrides: Partial<Retry> = {}): Retry => ({
  _tag: "Retry",
  error: serverError,
  hint: undefined,
  ambiguous: true,
  rateLimited: false,
  ...overrides
})
const limited = (hint?: Hint): Retry => failure({ error: tooMany, hint, ambiguous: false, rateLimited: true })
const retryAfter = (waitMs: number): Hint => ({ waitMs, source: "retry-after" })

interface Step {
  readonly decision: Decision
  /** The delay the schedule asks for, or `undefined` when it stops. */
  readonly delayMs: number | undefined
}

/**
 * Steps `schedule` with the `n`-th retryable failure of a call started at T0 (`counted` = `attempts`
 * unless given), sleeping each delay as `Effect.retry` would, until it stops.
 */
const steps = (
  schedule: Schedule.Schedule<Decision, RetryRequest>,
  failures: ReadonlyArray<Retry | { readonly retry: Retry; readonly counted: number }>,
  deadlineAt = T0 + 30_000
) =>
  Effect.gen(function*() {
    let state = schedule.initial
    const out: Array<Step> = []
    for (const [i, item] of failures.entries()) {
      const retry = "retry" in item ? item.retry : item
      const attempts = i + 1
      const counted = "counted" in item ? item.counted : attempts
      const now = yield* Clock.currentTimeMillis
      const [next, decision, step] = yield* schedule.step(
        now,
        { _tag: "Retry", retry, deadlineAt, attempts, counted },
        state
      )
      state = next
      if (ScheduleDecision.isDone(step)) {
        out.push({ decision, delayMs: undefined })
        break
      }
      const delayMs = ScheduleIntervals.start(step.intervals) - now
      out.push({ decision, delayMs })
      yield* TestClock.adjust(delayMs)
    }
    return out
  })

/** A schedule for `overrides`, with its budget and a record of every decision reported. */
const make = (overrides: Partial<Resilience.ResiliencePolicy> = {}, budget?: Budget) => {
  const resolved = policy(overrides)
  const spent = budget ?? makeBudget(resolved.retryBudget)
  const reported: Array<readonly [number, string]> = []
  const schedule = retrySchedule(resolved, spent, (request, decision) =>
    Effect.sync(() => {
      reported.push([request.attempts, decision.reason])
    }))
  return { schedule, budget: spent, reported }
}

const draw = (value: number) => Effect.withRandom(Random.fixed([value]))
const retryAt = (delayMs: number, reason = "backoff"): Step => ({
  decision: { _tag: "Retry", delayMs, reason },
  delayMs
})
const giveUp = (reason: string): Step => ({ decision: { _tag: "GiveUp", reason }, delayMs: undefined })

describe("the retry schedule", () => {
  it.effect("stops when the attempts are exhausted, counting the first attempt", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const { reported, schedule } = make({ maxAttempts: 3 })
      expect(yield* steps(schedule, [failure(), failure(), failure()]).pipe(draw(0))).toEqual([
        retryAt(0),
        retryAt(0),
        giveUp("attempts exhausted")
      ])
      // Each decision is reported once, with the attempt it follows.
      expect(reported).toEqual([[1, "backoff"], [2, "backoff"], [3, "attempts exhausted"]])
    }))

  it.effect("does not count an early probe's expected 429 against maxAttempts", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const { schedule } = make({ maxAttempts: 1 })
      const probe = { retry: limited(retryAfter(1000)), counted: 0 }
      expect(yield* steps(schedule, [probe, failure()]).pipe(draw(0))).toEqual([
        retryAt(1000, "server hint plus backoff"),
        giveUp("attempts exhausted")
      ])
    }))

  it.effect("gives up at once on a hint beyond maxServerWait, and accepts one exactly at it", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const wait = { maxServerWait: 60_000, deadline: 120_000 }
      expect(yield* steps(make(wait).schedule, [limited(retryAfter(60_001))], T0 + 120_000).pipe(draw(0))).toEqual([
        giveUp("server hint exceeds maxServerWait")
      ])
      expect(yield* steps(make(wait).schedule, [limited(retryAfter(60_000))], T0 + 120_000).pipe(draw(0))).toEqual([
        retryAt(60_000, "server hint plus backoff")
      ])
    }))

  it.effect("gives up at once on a hint that reaches the deadline; keeps one that fits, dropping the jitter that does not", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      expect(yield* steps(make().schedule, [failure({ hint: retryAfter(5000) })], T0 + 5000).pipe(draw(0))).toEqual([
        giveUp("server hint beyond the deadline")
      ])
      // 4999 ms fits; the 250 ms of jitter drawn on top would not.
      expect(yield* steps(make().schedule, [failure({ hint: retryAfter(4999) })], T0 + 5000).pipe(draw(0.999)))
        .toEqual([retryAt(4999, "server hint")])
    }))

  it.effect("gives up when the backoff alone would cross the deadline", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      // floor(0.999 · 251) = 250 ms, past a deadline 100 ms away; a draw of 0 still fits.
      expect(yield* steps(make().schedule, [failure()], T0 + 100).pipe(draw(0.999))).toEqual([
        giveUp("backoff beyond the deadline")
      ])
      expect(yield* steps(make().schedule, [failure()], T0 + 100).pipe(draw(0))).toEqual([retryAt(0)])
    }))

  it.effect("gives up when the shared budget is spent; an obeyed 429 neither spends nor needs it", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      // 3 tokens, retries only while more than 1.5 are left.
      const budget = makeBudget({ maxTokens: 3, tokenRatio: 0 })
      const { schedule } = make({ maxAttempts: 10 }, budget)
      expect(
        yield* steps(schedule, [limited(retryAfter(10)), limited(retryAfter(10)), failure(), failure()]).pipe(draw(0))
      ).toEqual([
        retryAt(10, "server hint plus backoff"),
        retryAt(10, "server hint plus backoff"),
        retryAt(0),
        giveUp("retry budget exhausted")
      ])
      expect(budget.tokens()).toBe(1)
      // Even a spent budget lets an obeyed 429 be retried, and it costs nothing.
      expect(yield* steps(schedule, [limited(retryAfter(10))]).pipe(draw(0))).toEqual([
        retryAt(10, "server hint plus backoff")
      ])
      expect(budget.tokens()).toBe(1)
      // An unhinted 429 is a retryable failure like any other: it spends, and is refused.
      expect(yield* steps(schedule, [limited()]).pipe(draw(0))).toEqual([giveUp("retry budget exhausted")])
      expect(budget.tokens()).toBe(0)
    }))

  it.effect("draws full jitter, uniform over [0, min(maxDelay, baseDelay·2^(n-1))] in whole milliseconds", () =>
    Effect.gen(function*() {
      for (const value of [0, 0.25, 0.5, 0.999]) {
        yield* TestClock.setTime(T0)
        const { schedule } = make({ maxAttempts: 5, baseDelay: 250, maxDelay: 600 })
        const caps = [250, 500, 600, 600]
        const expected = caps.map((cap) => retryAt(Math.floor(value * (cap + 1))))
        expect(yield* steps(schedule, caps.map(() => failure())).pipe(draw(value)), `draw ${value}`).toEqual(expected)
      }
    }))

  it.effect("puts the jitter on top of a hint, never below it", () =>
    Effect.gen(function*() {
      for (const value of [0, 0.5, 0.999]) {
        yield* TestClock.setTime(T0)
        const { schedule } = make()
        expect(yield* steps(schedule, [failure({ hint: retryAfter(3000) })]).pipe(draw(value))).toEqual([
          retryAt(3000 + Math.floor(value * 251), "server hint plus backoff")
        ])
      }
    }))

  it.effect("backs off an unhinted 429 from one second, doubling, within maxDelay", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const { schedule } = make({ maxAttempts: 6, maxDelay: 5000, retryBudget: { maxTokens: 100, tokenRatio: 0 } })
      // Caps 1000, 2000, 4000, 5000 (maxDelay), 5000; a draw of 0.5 takes half of each, rounded down.
      expect(yield* steps(schedule, Array.from({ length: 5 }, () => limited())).pipe(draw(0.5))).toEqual(
        [500, 1000, 2000, 2500, 2500].map((delay) => retryAt(delay))
      )
    }))
})
