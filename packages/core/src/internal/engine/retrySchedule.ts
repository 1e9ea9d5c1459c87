/**
 * Whether and when to try again, as one `Schedule` over the retryable failures of a call: an
 * exponential envelope with full jitter, bounded by `maxAttempts` (an early probe's expected 429 is not
 * counted), with the server's hints as floors,
 * the deadline, `maxServerWait` and the shared retry budget applied at each step. None of them can
 * pull a retry earlier than a hint.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import type { ResolvedPolicy } from "../../Resilience.js"
import type { Budget } from "../budget.js"
import type { Retry } from "./verdict.js"

/** A retryable failure of one call, as the schedule's input. */
export interface RetryRequest {
  readonly _tag: "Retry"
  readonly retry: Retry
  readonly deadlineAt: number
  /** Requests sent so far. */
  readonly attempts: number
  /** Those that count against `maxAttempts`: all but the early probes answered 429 as expected. */
  readonly counted: number
}

export type Decision =
  | { readonly _tag: "Retry"; readonly delayMs: number; readonly reason: string }
  | { readonly _tag: "GiveUp"; readonly reason: string }

// RESILIENCE.md: a 429 without any hint backs off from 1 s.
const unhintedRateLimitBaseMs = 1000

/** What was decided, for the log and the span: called once per step. */
export type OnDecision = (request: RetryRequest, decision: Decision) => Effect.Effect<void>

export const retrySchedule = (
  policy: ResolvedPolicy,
  budget: Budget,
  onDecision: OnDecision
): Schedule.Schedule<Decision, RetryRequest> => {
  const maxDelayMs = Duration.toMillis(policy.maxDelay)
  const maxServerWaitMs = Duration.toMillis(policy.maxServerWait)

  const decide = (envelope: Duration.Duration, request: RetryRequest): Effect.Effect<Decision> =>
    Effect.gen(function*() {
      const { deadlineAt, retry } = request
      const { hint } = retry
      const now = yield* Clock.currentTimeMillis
      // Waiting out the server's own hint is what it asked for: no sign of a sick service.
      const obeyedRateLimit = retry.rateLimited && hint !== undefined
      if (!obeyedRateLimit) budget.spend()
      if (request.counted >= policy.maxAttempts) return { _tag: "GiveUp", reason: "attempts exhausted" }
      if (hint !== undefined) {
        if (hint.waitMs > maxServerWaitMs) return { _tag: "GiveUp", reason: "server hint exceeds maxServerWait" }
        if (now + hint.waitMs >= deadlineAt) return { _tag: "GiveUp", reason: "server hint beyond the deadline" }
      }
      if (!obeyedRateLimit && !budget.allowsRetry()) return { _tag: "GiveUp", reason: "retry budget exhausted" }
      const envelopeMs = Duration.toMillis(envelope)
      const capMs = Math.min(
        maxDelayMs,
        retry.rateLimited && hint === undefined
          ? Math.max(envelopeMs, unhintedRateLimitBaseMs * 2 ** Math.max(0, request.counted - 1))
          : envelopeMs
      )
      // Full jitter: whole milliseconds, uniform over [0, cap] inclusive.
      const jitter = Math.floor((yield* Random.next) * (Math.floor(capMs) + 1))
      const delayMs = (hint?.waitMs ?? 0) + jitter
      if (now + delayMs < deadlineAt) {
        return { _tag: "Retry", delayMs, reason: hint === undefined ? "backoff" : "server hint plus backoff" }
      }
      // The jitter alone would cross the deadline: keep the floor the server asked for, drop the spread.
      return hint === undefined
        ? { _tag: "GiveUp", reason: "backoff beyond the deadline" }
        : { _tag: "Retry", delayMs: hint.waitMs, reason: "server hint" }
    })

  return Schedule.exponential(policy.baseDelay).pipe(
    Schedule.intersect(Schedule.identity<RetryRequest>()),
    Schedule.mapEffect(([envelope, request]) =>
      Effect.tap(decide(envelope, request), (decision) => onDecision(request, decision))
    ),
    Schedule.check((_, decision) => decision._tag === "Retry"),
    Schedule.modifyDelay((decision) => Duration.millis(decision._tag === "Retry" ? decision.delayMs : 0))
  )
}
