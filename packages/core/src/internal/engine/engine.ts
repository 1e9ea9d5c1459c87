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
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Exit from "effect/Exit"
import type * as Scope from "effect/Scope"
import { type AttemptLimits, TransportEnforcesLimits } from "../../AttemptLimits.js"
import type * as GateStore from "../../GateStore.js"
import type * as Resilience from "../../Resilience.js"
import type * as TokenError from "../../TokenError.js"
import { type Late, late, type Refused } from "../gate/gate.js"
import { observeRateLimit, rateLimitedHint } from "../hints.js"
import { stateOf } from "../resilienceState.js"
import { type Outcome, send } from "./attempt.js"
import * as Errors from "./errors.js"
import type { Operation } from "./operation.js"
import { type RetryRequest, retrySchedule } from "./retrySchedule.js"
import { logDecision, outcomeAttributes, tracingWith } from "./tracing.js"
import { judge } from "./verdict.js"

export interface Engine {
  /**
   * Runs `op`. `E` narrows the failures to what `op` can produce: an operation without a token id in
   * its context never yields `TokenNotFound`.
   */
  readonly run: <A, E extends TokenError.TokenGroupError = TokenError.AttemptError>(op: Operation<A>) => Effect.Effect<A, E>
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

type Final<A> = Either.Either<A, TokenError.AttemptError>

const notAnswered: GateStore.Learned = { answered: false }

/** What the gate learns from an attempt: every answer's rate-limit headers, and a 429's hold. */
const learnedFrom = (exit: Exit.Exit<Outcome, Late>): GateStore.Learned => {
  if (exit._tag !== "Success" || exit.value._tag !== "Answered") return notAnswered
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

    const sendNow = <A>(op: Operation<A>, call: Call, traced: boolean): Effect.Effect<Outcome, Late> =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        // No attempt starts at or past the deadline, wherever the call waited before.
        if (now >= call.deadlineAt) return Effect.fail(late)
        call.attempts++
        const attemptEnd = now + attemptTimeoutMs
        const limits: AttemptLimits = {
          deadlineAt: Math.min(attemptEnd, call.deadlineAt),
          deadlineIsCall: call.deadlineAt <= attemptEnd,
          maxSuccessBytes: op.maxSuccessBytes,
          maxErrorBytes
        }
        if (!traced) return send(client, op.request, { enforced, limits, sentAt: now, serverClock })
        return Effect.useSpan(
          `http.client ${op.request.method}`,
          { kind: "client", captureStackTrace: false },
          (span) => {
            span.attribute("http.request.method", op.request.method)
            span.attribute("url.path", op.request.url)
            // Like the platform's own client, so that the server side can join the trace.
            const request = HttpClientRequest.setHeaders(op.request, HttpTraceContext.toHeaders(span))
            return Effect.tap(send(client, request, { enforced, limits, sentAt: now, serverClock }), (outcome) => {
              for (const [key, value] of Object.entries(outcomeAttributes(outcome, scrubSecrets))) span.attribute(key, value)
            })
          }
        )
      })

    const refused = <A>(op: Operation<A>, call: Call, stop: Refused | Late): Final<A> =>
      Either.left(
        stop._tag === "Refused"
          ? Errors.heldAtGate(op.context, call.attempts, stop.until, stop.limit, stop.remaining)
          : Errors.timeout(op.context, call.attempts, "deadline", call.ambiguousBefore)
      )

    /** One pass: a slot, the gate, one request, and what it means. Fails only to be retried. */
    const attempt = <A>(op: Operation<A>, call: Call, traced: boolean, scrub: Errors.Scrub) =>
      Effect.flatMap(Clock.currentTimeMillis, (now): Effect.Effect<Final<A>, RetryRequest> => {
        if (now >= call.deadlineAt) {
          return Effect.succeed(Either.left(Errors.timeout(op.context, call.attempts, "deadline", call.ambiguousBefore)))
        }
        const latestStart = Math.min(call.deadlineAt, now + maxServerWaitMs)
        let early = false
        const queued = limiter.withPermit(
          call.deadlineAt,
          () => late,
          Effect.acquireUseRelease(
            gate.acquire(op.bucket, latestStart, call.deadlineAt),
            (permit) => {
              early = permit.early === true
              return sendNow(op, call, traced)
            },
            (permit, exit) => gate.release(permit, learnedFrom(exit))
          )
        )
        // A hold that outlasts what the call may wait is refused before the call queues for a slot.
        return (limiter.full() ? Effect.zipRight(gate.precheck(op.bucket, now, latestStart), queued) : queued).pipe(
          Effect.matchEffect({
            onFailure: (stop: Refused | Late): Effect.Effect<Final<A>, RetryRequest> =>
              Effect.succeed(refused(op, call, stop)),
            onSuccess: (outcome): Effect.Effect<Final<A>, RetryRequest> => {
              const verdict = judge(op, call, outcome, scrub)
              switch (verdict._tag) {
                case "Done":
                  budget.earn()
                  return Effect.succeed(Either.right(verdict.value))
                case "Fail":
                  return Effect.succeed(Either.left(verdict.error))
                case "Retry":
                  call.ambiguousBefore = call.ambiguousBefore || verdict.ambiguous
                  // The deliberate early probe of an exhausted window expects its 429.
                  if (early && verdict.rateLimited) call.expected++
                  return Effect.fail({
                    retry: verdict,
                    deadlineAt: call.deadlineAt,
                    attempts: call.attempts,
                    counted: call.attempts - call.expected
                  })
              }
            }
          })
        )
      })

    const runCall = <A>(op: Operation<A>, traced: boolean): Effect.Effect<A, TokenError.AttemptError> =>
      Effect.flatMap(Clock.currentTimeMillis, (startedAt) => {
        const call: Call = { deadlineAt: startedAt + deadlineMs, attempts: 0, expected: 0, ambiguousBefore: false }
        const scrub = op.secrets === undefined ? scrubSecrets : Errors.makeScrub([...secrets, ...op.secrets])
        const result = Effect.retry(attempt(op, call, traced, scrub), schedule).pipe(
          Effect.catchAll((request) => Effect.succeed(Either.left(request.retry.error))),
          Effect.flatMap((final: Final<A>) => final)
        )
        return traced ? Effect.ensuring(result, Effect.suspend(() => Effect.annotateCurrentSpan("vercel.attempts", call.attempts))) : result
      })

    const run = <A, E extends TokenError.TokenGroupError>(op: Operation<A>) =>
      tracingWith((traced) =>
        traced
          ? Effect.withSpan(runCall(op, true), op.span, { attributes: op.attributes, captureStackTrace: false })
          : runCall(op, false)
      ) as Effect.Effect<A, E>

    return { run, policy }
  })
