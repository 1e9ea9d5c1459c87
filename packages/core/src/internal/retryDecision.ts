/**
 * Whether and when to try again. The backoff envelope is an Effect `Schedule` (exponential, capped,
 * full jitter, bounded by `maxAttempts`); server hints, the deadline and the retry budget are
 * applied on top, and none of them can pull a retry earlier than a hint.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import type { ResolvedPolicy } from "../Resilience.js"
import type { Budget } from "./budget.js"
import type { Hint } from "./hints.js"

/** Full jitter: a uniformly random delay in `[0, min(maxDelay, base·2^(n-1))]` before retry n. */
export const backoff = (base: Duration.Duration, policy: ResolvedPolicy): Schedule.Schedule<Duration.Duration> =>
  Schedule.exponential(base).pipe(
    Schedule.modifyDelay((_, delay) => Duration.min(delay, policy.maxDelay)),
    Schedule.modifyDelayEffect((_, cap) =>
      // Whole milliseconds, uniform over [0, cap] inclusive.
      Effect.map(Random.next, (fraction) =>
        Duration.millis(Math.floor(fraction * (Math.floor(Duration.toMillis(cap)) + 1))))
    ),
    Schedule.intersect(Schedule.recurs(policy.maxAttempts - 1)),
    Schedule.delays
  )

// RESILIENCE.md: a 429 without any hint backs off from 1 s.
const unhintedRateLimitBase = Duration.seconds(1)

/** Steps a schedule by hand: the loop sleeps itself, after applying hints and the deadline. */
export interface Stepper {
  /** The next jittered delay in ms, or `undefined` once the schedule is done. */
  readonly next: (now: number) => Effect.Effect<number | undefined>
}

const stepper = (schedule: Schedule.Schedule<Duration.Duration>): Stepper => {
  let state = schedule.initial
  return {
    next: (now) =>
      Effect.map(schedule.step(now, undefined, state), ([next, delay, decision]) => {
        state = next
        return ScheduleDecision.isDone(decision) ? undefined : Duration.toMillis(delay)
      })
  }
}

/** The two envelopes of one call, stepped together so that both count the same retries. */
export interface Backoffs {
  readonly regular: Stepper
  readonly rateLimited: Stepper
}

export const makeBackoffs = (policy: ResolvedPolicy): () => Backoffs => {
  const regular = backoff(policy.baseDelay, policy)
  const rateLimited = backoff(Duration.max(policy.baseDelay, unhintedRateLimitBase), policy)
  return () => ({ regular: stepper(regular), rateLimited: stepper(rateLimited) })
}

export type RetryDecision =
  | { readonly _tag: "Retry"; readonly delayMs: number; readonly reason: string }
  | { readonly _tag: "GiveUp"; readonly reason: string }

export interface RetryInput {
  readonly policy: ResolvedPolicy
  readonly budget: Budget
  readonly backoffs: Backoffs
  readonly deadlineAt: number
  readonly hint: Hint | undefined
  readonly rateLimited: boolean
}

export const retryDecision = (input: RetryInput): Effect.Effect<RetryDecision> =>
  Effect.gen(function*() {
    const { backoffs, budget, deadlineAt, hint, policy } = input
    const now = yield* Clock.currentTimeMillis
    // Waiting out the server's own hint is what it asked for: no sign of a sick service.
    const obeyedRateLimit = input.rateLimited && hint !== undefined
    if (!obeyedRateLimit) budget.spend()
    const regular = yield* backoffs.regular.next(now)
    const rateLimited = yield* backoffs.rateLimited.next(now)
    const jitter = input.rateLimited && hint === undefined ? rateLimited : regular
    if (jitter === undefined) return { _tag: "GiveUp", reason: "attempts exhausted" }
    if (hint !== undefined) {
      if (hint.waitMs > Duration.toMillis(policy.maxServerWait)) {
        return { _tag: "GiveUp", reason: "server hint exceeds maxServerWait" }
      }
      if (now + hint.waitMs >= deadlineAt) return { _tag: "GiveUp", reason: "server hint beyond the deadline" }
    }
    if (!obeyedRateLimit && !budget.allowsRetry()) return { _tag: "GiveUp", reason: "retry budget exhausted" }
    const delayMs = (hint?.waitMs ?? 0) + jitter
    if (now + delayMs < deadlineAt) {
      return { _tag: "Retry", delayMs, reason: hint === undefined ? "backoff" : "server hint plus backoff" }
    }
    // The jitter alone would cross the deadline: keep the floor the server asked for, drop the spread.
    return hint === undefined
      ? { _tag: "GiveUp", reason: "backoff beyond the deadline" }
      : { _tag: "Retry", delayMs: hint.waitMs, reason: "server hint" }
  })
