/**
 * `TokenService.delete`: the retry loop around single attempts. Each attempt's outcome is turned
 * into exactly one decision: succeed, fail, or wait and try again.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { Resilience } from "../Resilience.js"
import type { DeletedToken } from "../Schemas.js"
import type * as TokenError from "../TokenError.js"
import type { DeleteOptions, Service } from "../TokenService.js"
import { VercelHttpClient } from "../VercelHttpClient.js"
import { type Answer, type Outcome, send } from "./attempt.js"
import * as Errors from "./errors.js"
import type { Feedback } from "./gate.js"
import { type Hint, observeRateLimit, rateLimitedHint, retryAfter } from "./hints.js"
import { makeBackoffs, retryDecision } from "./retryDecision.js"
import { tokenPath, validate } from "./tokenId.js"

/** What one attempt means for the call. */
type Verdict =
  | { readonly _tag: "Done"; readonly value: DeletedToken }
  | { readonly _tag: "Fail"; readonly error: TokenError.DeleteTokenError }
  | {
    readonly _tag: "Retry"
    readonly error: TokenError.DeleteTokenError
    readonly hint: Hint | undefined
    /** The request may have been acted on; a later 404 then means it was. */
    readonly ambiguous: boolean
    readonly rateLimited: boolean
  }

const retryableStatuses = new Set([408, 429, 500, 502, 503, 504])

const alreadyDeleted = (tokenId: string): DeletedToken => ({ tokenId, alreadyDeleted: true })

interface CallContext {
  readonly tokenId: string
  readonly missingOk: boolean
  readonly attempts: number
  readonly ambiguousBefore: boolean
}

/** Reads an answer in the light of what earlier attempts of the same call did. */
const judgeAnswer = (call: CallContext, answer: Answer, bodyOk: boolean): Verdict => {
  const { ambiguousBefore, attempts, tokenId } = call
  const status = answer.status
  if (status >= 200 && status < 300) {
    return { _tag: "Fail", error: Errors.unexpected(tokenId, answer, attempts) }
  }
  if (status === 404 || status === 410) {
    if (ambiguousBefore || call.missingOk) return { _tag: "Done", value: alreadyDeleted(tokenId) }
  }
  // Our own token is gone: an earlier attempt revoked it, and nothing more can be sent with it.
  if (
    tokenId === "current" && ambiguousBefore &&
    (status === 401 || (status === 403 && answer.detail?.invalidToken === true))
  ) {
    return { _tag: "Done", value: alreadyDeleted(tokenId) }
  }
  if (!retryableStatuses.has(status)) {
    return { _tag: "Fail", error: Errors.fromAnswer(tokenId, answer, attempts, undefined) }
  }
  const rateLimited = status === 429
  const hint = rateLimited ? rateLimitedHint(answer.headers, answer.detail, answer.clocks) : retryAfter(
    answer.headers,
    answer.clocks
  )
  const retryAt = hint === undefined ? undefined : answer.clocks.now + hint.waitMs
  const error = status === 408
    ? Errors.unexpected(tokenId, answer, attempts)
    : Errors.fromAnswer(tokenId, answer, attempts, retryAt)
  // A 5xx may come from a proxy after the origin acted; a truncated body says nothing either way.
  return { _tag: "Retry", error, hint, ambiguous: status >= 500 || !bodyOk, rateLimited }
}

const judge = (call: CallContext, outcome: Outcome): Verdict => {
  switch (outcome._tag) {
    case "Deleted":
      return { _tag: "Done", value: { tokenId: outcome.tokenId } }
    case "Answered":
      return judgeAnswer(call, outcome.answer, outcome.bodyOk)
    case "TransportFailed": {
      const { ambiguous, cause, retryable } = outcome.failure
      const error = Errors.network(call.tokenId, call.attempts, ambiguous, cause)
      return retryable
        ? { _tag: "Retry", error, hint: undefined, ambiguous, rateLimited: false }
        : { _tag: "Fail", error }
    }
    case "TimedOut": {
      const error = Errors.timeout(call.tokenId, call.attempts, "attempt")
      // Once headers arrived the server has acted; sending again would only blur the outcome.
      return outcome.afterHeaders
        ? { _tag: "Fail", error }
        : { _tag: "Retry", error, hint: undefined, ambiguous: true, rateLimited: false }
    }
  }
}

/** What the gate learns from an outcome. */
const feedbackOf = (outcome: Outcome): Feedback | undefined => {
  if (outcome._tag !== "Deleted" && outcome._tag !== "Answered") return undefined
  const { clocks, detail, headers, status } = outcome.answer
  const rateLimit = observeRateLimit(headers, clocks)
  if (status !== 429) return { rateLimit, answered: true }
  // Without a hint there is no time to hold until, but the next request is still a lone probe.
  const hint = rateLimitedHint(headers, detail, clocks)
  return { rateLimit, closedUntil: clocks.now + (hint?.waitMs ?? 0) }
}

/** The span attributes of an outcome: never the request, which holds the bearer header. */
const outcomeAttributes = (outcome: Outcome): Record<string, unknown> => {
  switch (outcome._tag) {
    case "Deleted":
    case "Answered":
      return {
        "http.response.status_code": outcome.answer.status,
        ...(outcome.answer.requestId === undefined ? {} : { "vercel.request_id": outcome.answer.requestId })
      }
    case "TransportFailed":
      return { "error.type": outcome.failure.code ?? "transport" }
    case "TimedOut":
      return { "error.type": "timeout" }
  }
}

export const make: Effect.Effect<Service, never, VercelHttpClient | Resilience> = Effect.gen(function*() {
  // The platform's own span would keep the request, bearer header included, as its exit value;
  // each attempt gets a span of ours instead, whose exit is the token-free outcome.
  const client = HttpClient.withTracerDisabledWhen(yield* VercelHttpClient, () => true)
  const { policy, state } = yield* Resilience
  const { budget, concurrency, gate, serverClock } = state
  const deadlineMs = Duration.toMillis(policy.deadline)
  const maxServerWaitMs = Duration.toMillis(policy.maxServerWait)
  const newBackoffs = makeBackoffs(policy)

  const attemptOnce = (request: HttpClientRequest.HttpClientRequest, latestStart: number, onSend: () => void) =>
    concurrency.withPermit(
      Effect.acquireUseRelease(
        gate.acquire(latestStart),
        (permit) =>
          Effect.suspend(() => {
            onSend()
            return send(client, request, policy.attemptTimeout, serverClock).pipe(
              Effect.tap((outcome) => {
                permit.feedback = feedbackOf(outcome)
                return Effect.annotateCurrentSpan(outcomeAttributes(outcome))
              }),
              Effect.withSpan("http.client DELETE", {
                kind: "client",
                captureStackTrace: false,
                attributes: { "http.request.method": "DELETE", "url.path": request.url }
              })
            )
          }),
        (permit) => gate.release(permit)
      )
    )

  // No stack trace captured for the span: it costs more than the rest of the span on every call.
  const remove = Effect.fn("TokenService.delete", { captureStackTrace: false })(
    function*(tokenId: string, options?: DeleteOptions) {
      yield* Effect.annotateCurrentSpan("vercel.token_id", typeof tokenId === "string" ? tokenId : typeof tokenId)
      const invalid = validate(tokenId)
      if (invalid !== undefined) return yield* invalid
      const request = HttpClientRequest.del(tokenPath(tokenId))
      const startedAt = yield* Clock.currentTimeMillis
      const deadlineAt = startedAt + deadlineMs
      const backoffs = newBackoffs()
      let attempts = 0
      let ambiguousBefore = false

      const loop: Effect.Effect<DeletedToken, TokenError.DeleteTokenError> = Effect.gen(function*() {
        // Bounded by maxAttempts: every pass sends one request or returns.
        while (true) {
          const now = yield* Clock.currentTimeMillis
          const outcome = yield* Effect.catchAll(
            attemptOnce(request, Math.min(deadlineAt, now + maxServerWaitMs), () => attempts++),
            (hold) => Effect.fail(Errors.heldAtGate(tokenId, hold.until, hold.rateLimit, attempts))
          )
          const verdict = judge({ tokenId, missingOk: options?.missingOk === true, attempts, ambiguousBefore }, outcome)
          if (verdict._tag === "Done") {
            budget.earn()
            return verdict.value
          }
          if (verdict._tag === "Fail") return yield* Effect.fail(verdict.error)
          ambiguousBefore = ambiguousBefore || verdict.ambiguous
          const decision = yield* retryDecision({
            policy,
            budget,
            backoffs,
            deadlineAt,
            hint: verdict.hint,
            rateLimited: verdict.rateLimited
          })
          if (decision._tag === "GiveUp") {
            yield* Effect.logDebug(`giving up after ${verdict.error._tag}: ${decision.reason}`)
            return yield* Effect.fail(verdict.error)
          }
          yield* logRetry(tokenId, attempts, verdict.error, decision.delayMs, verdict.hint, decision.reason)
          yield* Effect.sleep(decision.delayMs)
        }
      })

      return yield* loop.pipe(
        Effect.timeoutFail({
          duration: policy.deadline,
          onTimeout: () => Errors.timeout(tokenId, attempts, "deadline")
        }),
        Effect.ensuring(Effect.suspend(() => Effect.annotateCurrentSpan("vercel.attempts", attempts)))
      )
    }
  )

  return { delete: remove }
})

const logRetry = (
  tokenId: string,
  attempts: number,
  error: TokenError.DeleteTokenError,
  delayMs: number,
  hint: Hint | undefined,
  reason: string
) =>
  Effect.gen(function*() {
    const attributes = {
      "vercel.token_id": tokenId,
      "retry.attempt": attempts,
      "retry.reason": error._tag,
      "retry.status": "status" in error && error.status !== undefined ? error.status : "none",
      "retry.delay_ms": delayMs,
      "retry.hint_source": hint?.source ?? "none",
      "retry.hint_ms": hint?.waitMs ?? 0,
      "retry.decision": reason
    }
    const span = yield* Effect.option(Effect.currentSpan)
    if (span._tag === "Some") span.value.event("retry", yield* Clock.currentTimeNanos, attributes)
    yield* Effect.logDebug(`retrying after ${error._tag}`).pipe(Effect.annotateLogs(attributes))
  })
