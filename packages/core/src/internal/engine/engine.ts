/**
 * The one engine every operation runs on: the gate, the concurrency limit, the attempt, hints,
 * backoff, budget, deadline, reconciliation, spans and logs live here, once. An operation only
 * describes itself (`Operation`).
 *
 * The deadline is kept by arithmetic, not by a fiber race around the call: every wait is bounded by
 * it (a gate hold beyond it is refused at once, a queued call leaves the queue at it, a backoff never
 * crosses it), no attempt starts at or after it, and the attempt's own timer ends at it.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpTraceContext from "@effect/platform/HttpTraceContext"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as FiberId from "effect/FiberId"
import * as FiberRef from "effect/FiberRef"
import type * as Scope from "effect/Scope"
import { type AttemptLimits, currentAttemptLimits, TransportEnforcesLimits } from "../../AttemptLimits.js"
import type * as GateStore from "../../GateStore.js"
import type * as Resilience from "../../Resilience.js"
import type * as TokenError from "../../TokenError.js"
import { type Late, late, type Now, type Refused } from "../gate/gate.js"
import { observeRateLimit, rateLimitedHint } from "../hints.js"
import { stateOf } from "../resilienceState.js"
import { type Outcome, send } from "./attempt.js"
import * as Errors from "./errors.js"
import type { Operation } from "./operation.js"
import { type RetryRequest, retrySchedule } from "./retrySchedule.js"
import { isBuiltIn, logDecision, outcomeAttributes } from "./tracing.js"
import { judge } from "./verdict.js"

export interface Engine {
  /**
   * Runs `op`. `E` narrows the failures to what `op` can produce: an operation without a token id in
   * its context never yields `TokenNotFound`.
   */
  readonly run: <A, E extends TokenError.TokenGroupError = TokenError.AttemptError>(
    op: Operation<A>
  ) => Effect.Effect<A, E>
  readonly policy: Resilience.ResolvedPolicy
}

// An error body is read for an excerpt and Vercel's code and message, never in full.
const maxErrorBytes = 8 * 1024

interface Call {
  readonly deadlineAt: number
  attempts: number
  /** Early probes answered 429, as expected: they do not count against `maxAttempts`. */
  expected: number
  ambiguousBefore: boolean
}

const notAnswered: GateStore.Learned = { answered: false }

const lateOf = () => late

const isRateLimited = (outcome: Outcome): boolean => outcome._tag === "Answered" && outcome.answer.status === 429

/** What the gate learns from an attempt: every answer's rate-limit headers, and a 429's hold. */
const lost: GateStore.Learned = { answered: false, lost: true }

const learnedFrom = (exit: Exit.Exit<Outcome, unknown>, sent: boolean): GateStore.Learned => {
  if (exit._tag !== "Success") return sent ? lost : notAnswered
  if (exit.value._tag === "TransportFailed") return exit.value.failure.ambiguous ? lost : notAnswered
  if (exit.value._tag === "TimedOut") return lost
  const { clocks, detail, headers, status } = exit.value.answer
  const window = observeRateLimit(headers, clocks)
  if (status !== 429) return { answered: true, window }
  // Without a hint there is no time to hold until, but the next request is still a lone probe.
  return { answered: false, window, closedUntil: clocks.now + (rateLimitedHint(headers, detail, clocks)?.waitMs ?? 0) }
}

export const makeEngine = (
  transport: HttpClient.HttpClient,
  resilience: Resilience.Service,
  /** Strings no error may carry: the bearer token. */
  secrets: ReadonlyArray<string>
): Effect.Effect<Engine, never, Scope.Scope> =>
  Effect.gen(function*() {
    const { policy } = resilience
    const { budget, gate, limiter, serverClock } = yield* stateOf(resilience)
    const enforced = yield* TransportEnforcesLimits
    // The platform's own span per request would keep the request, bearer header included, as its exit
    // value; each attempt gets a span of ours instead, whose attributes are token-free.
    const client = enforced ? transport : HttpClient.withTracerDisabledWhen(transport, () => true)
    const deadlineMs = Duration.toMillis(policy.deadline)
    const attemptTimeoutMs = Duration.toMillis(policy.attemptTimeout)
    const maxServerWaitMs = Duration.toMillis(policy.maxServerWait)
    const scrubSecrets = Errors.makeScrub(secrets)
    const schedule = retrySchedule(policy, budget, logDecision)

    const sendNow = <A>(op: Operation<A>, call: Call, traced: boolean, now: Now): Effect.Effect<Outcome, Late> => {
      const sentAt = now()
      // No attempt starts at or past the deadline, wherever the call waited before.
      if (sentAt >= call.deadlineAt) return Effect.fail(late)
      call.attempts++
      const attemptEnd = sentAt + attemptTimeoutMs
      const limits: AttemptLimits = {
        deadlineAt: Math.min(attemptEnd, call.deadlineAt),
        deadlineIsCall: call.deadlineAt <= attemptEnd,
        maxSuccessBytes: op.maxSuccessBytes,
        maxErrorBytes
      }
      const options = { enforced, limits, sentAt, serverClock, now }
      // The limits go to the transport on the fiber; the attempt's release step clears them. Set and
      // cleared by hand: `Effect.locally` costs more than the rest of the hand-over on every call.
      const sent = enforced
        ? Effect.zipRight(FiberRef.set(currentAttemptLimits, limits), send(client, op.request, options))
        : send(client, op.request, options)
      if (!traced) return sent
      // A span of our own, ended with a token-free exit: `useSpan` would keep the outcome (the body,
      // which may hold a new secret or an echoed token) as the span's exit value.
      return Effect.flatMap(
        Effect.makeSpan(`http.client ${op.request.method}`, { kind: "client", captureStackTrace: false }),
        (span) => {
          span.attribute("http.request.method", op.request.method)
          span.attribute("url.path", op.request.url)
          const traced = Effect.flatMap(FiberRef.get(HttpClient.currentTracerPropagation), (propagate) => {
            // Like the platform's own client, so that the server side can join the trace.
            const request = propagate
              ? HttpClientRequest.setHeaders(op.request, HttpTraceContext.toHeaders(span))
              : op.request
            return enforced
              ? Effect.zipRight(FiberRef.set(currentAttemptLimits, limits), send(client, request, options))
              : send(client, request, options)
          })
          return Effect.onExit(Effect.withParentSpan(traced, span), (exit) =>
            Effect.clockWith((clock) =>
              Effect.sync(() => {
                if (exit._tag === "Success") {
                  for (const [key, value] of Object.entries(outcomeAttributes(exit.value, scrubSecrets))) {
                    span.attribute(key, value)
                  }
                }
                span.end(
                  clock.unsafeCurrentTimeNanos(),
                  exit._tag === "Success" ? Exit.void : Exit.interrupt(FiberId.none)
                )
              })
            ))
        }
      )
    }

    const refused = (op: Operation<unknown>, call: Call, stop: Refused | Late): TokenError.AttemptError =>
      stop._tag === "Refused"
        ? Errors.heldAtGate(op.context, call.attempts, stop.until, stop.limit, stop.remaining)
        : Errors.timeout(op.context, call.attempts, "deadline", call.ambiguousBefore)

    /**
     * A slot, the gate, one request. The slot and the permit go back (the permit with what the answer
     * taught) in one finalizer, however the attempt ends; only the waits are interruptible.
     */
    const pass = <A>(op: Operation<A>, call: Call, traced: boolean, latestStart: number, now: Now) =>
      Effect.uninterruptibleMask((restore) => {
        let permit: GateStore.Permit | undefined
        const attemptsBefore = call.attempts
        return Effect.zipRight(
          restore(limiter.take(call.deadlineAt, lateOf)),
          Effect.onExit(
            Effect.flatMap(gate.acquire(op.bucket, latestStart, call.deadlineAt, now), (taken) => {
              permit = taken
              return restore(sendNow(op, call, traced, now))
            }),
            (exit) => {
              limiter.release()
              if (permit === undefined) {
                return Effect.void
              }
              // The deliberate early probe of an exhausted window expects its 429.
              if (permit.early === true && exit._tag === "Success" && isRateLimited(exit.value)) {
                call.expected++
              }
              const released = gate.release(permit, learnedFrom(exit, call.attempts > attemptsBefore), now())
              return enforced ? Effect.zipRight(FiberRef.set(currentAttemptLimits, undefined), released) : released
            }
          )
        )
      })

    /** What ends a call: its final error, or a retryable failure for the schedule. */
    type Stop = { readonly _tag: "Final"; readonly error: TokenError.AttemptError } | RetryRequest

    const final = (error: TokenError.AttemptError): Effect.Effect<never, Stop> =>
      Effect.fail({ _tag: "Final", error })

    /** One pass: a slot, the gate, one request, and what it means. */
    const attempt = <A>(op: Operation<A>, call: Call, traced: boolean, scrub: Errors.Scrub, now: Now) =>
      Effect.suspend((): Effect.Effect<A, Stop> => {
        const at = now()
        if (at >= call.deadlineAt) {
          return final(Errors.timeout(op.context, call.attempts, "deadline", call.ambiguousBefore))
        }
        const latestStart = Math.min(call.deadlineAt, at + maxServerWaitMs)
        const sent = pass(op, call, traced, latestStart, now)
        // A hold that outlasts what the call may wait is refused before the call queues for a slot.
        return Effect.matchEffect(
          limiter.full() ? Effect.zipRight(gate.precheck(op.bucket, at, latestStart), sent) : sent,
          {
            onFailure: (stop: Refused | Late) =>
              final(refused(op, call, stop)),
            onSuccess: (outcome): Effect.Effect<A, Stop> => {
              const verdict = judge(op, call, outcome, scrub)
              switch (verdict._tag) {
                case "Done":
                  budget.earn()
                  return Effect.succeed(verdict.value)
                case "Fail":
                  return final(verdict.error)
                case "Retry":
                  call.ambiguousBefore = call.ambiguousBefore || verdict.ambiguous
                  return Effect.fail({
                    _tag: "Retry",
                    retry: verdict,
                    deadlineAt: call.deadlineAt,
                    attempts: call.attempts,
                    counted: call.attempts - call.expected
                  })
              }
            }
          }
        )
      })

    const runCall = <A>(
      op: Operation<A>,
      traced: boolean,
      clock: Clock.Clock
    ): Effect.Effect<A, TokenError.AttemptError> => {
      const now = () => clock.unsafeCurrentTimeMillis()
      const call: Call = { deadlineAt: now() + deadlineMs, attempts: 0, expected: 0, ambiguousBefore: false }
      const scrub = op.secrets === undefined ? scrubSecrets : Errors.makeScrub([...secrets, ...op.secrets])
      const once = attempt(op, call, traced, scrub, now)
      // Most calls succeed at once: the schedule (and its driver) is only set up for a call that failed.
      const result = Effect.catchAll(once, (stop) => {
        if (stop._tag === "Final") return Effect.fail(stop.error)
        let replay: RetryRequest | undefined = stop
        // The schedule sees the retryable failures only; a final one ends the retries as a value.
        const again = Effect.suspend((): Effect.Effect<Either.Either<A, TokenError.AttemptError>, RetryRequest> => {
          const failed = replay
          replay = undefined
          if (failed !== undefined) return Effect.fail(failed)
          return Effect.catchAll(Effect.map(once, Either.right), (next) =>
            next._tag === "Final" ? Effect.succeed(Either.left(next.error)) : Effect.fail(next))
        })
        return Effect.retry(again, schedule).pipe(
          Effect.mapError((request) =>
            request.retry.error
          ),
          Effect.flatMap((ended) => ended)
        )
      })
      return traced
        ? Effect.ensuring(result, Effect.suspend(() => Effect.annotateCurrentSpan("vercel.attempts", call.attempts)))
        : result
    }

    const run = <A, E extends TokenError.TokenGroupError>(op: Operation<A>) =>
      // One look at the fiber for its clock and its tracer: Effect's built-in tracer keeps spans that
      // nobody reads, so spans are made only when the application installed a tracer of its own.
      Effect.withFiberRuntime<A, TokenError.AttemptError>((fiber) => {
        const clock = Context.get(fiber.currentDefaultServices, Clock.Clock)
        return fiber.getFiberRef(FiberRef.currentTracerEnabled) && !isBuiltIn(fiber.currentTracer)
          ? Effect.withSpan(runCall(op, true, clock), op.span, { attributes: op.attributes, captureStackTrace: false })
          : runCall(op, false, clock)
      }) as Effect.Effect<A, E>

    return { run, policy }
  })
