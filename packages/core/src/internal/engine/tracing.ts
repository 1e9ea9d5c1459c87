/**
 * Spans, span events and logs of the engine. Spans are made only when the application installed a
 * tracer: Effect's built-in one keeps spans nobody reads, and making them cost a tenth of a call.
 * Nothing here ever records a request (its headers hold the bearer token), only token-free facts.
 */
import * as Effect from "effect/Effect"
import type * as Tracer from "effect/Tracer"
import type { Outcome } from "./attempt.js"
import type { Scrub } from "./errors.js"
import type { Decision, RetryRequest } from "./retrySchedule.js"

let builtIn: Tracer.Tracer | undefined

/** Whether `tracer` is Effect's own default, which keeps spans nobody reads. */
export const isBuiltIn = (tracer: Tracer.Tracer): boolean => {
  builtIn ??= Effect.runSync(Effect.tracer)
  return tracer === builtIn
}

/** The span attributes of an outcome: never the request, which holds the bearer header. */
export const outcomeAttributes = (outcome: Outcome, scrub: Scrub): Record<string, string | number> => {
  switch (outcome._tag) {
    case "Answered": {
      const requestId = outcome.answer.headers["x-vercel-id"]
      return {
        "http.response.status_code": outcome.answer.status,
        ...(requestId === undefined ? {} : { "vercel.request_id": scrub(requestId).slice(0, 200) })
      }
    }
    case "TransportFailed":
      return { "error.type": outcome.failure.code ?? "transport" }
    case "TimedOut":
      return { "error.type": "timeout" }
  }
}

/** Each retry decision, logged at debug level and recorded as an event of the call's span. */
export const logDecision = (request: RetryRequest, decision: Decision): Effect.Effect<void> =>
  Effect.gen(function*() {
    const { error, hint } = request.retry
    const attributes = {
      ...(error.tokenId === undefined ? {} : { "vercel.token_id": error.tokenId }),
      "vercel.operation": error.operation,
      "retry.attempt": request.attempts,
      "retry.reason": error._tag,
      "retry.status": "status" in error && error.status !== undefined ? error.status : "none",
      "retry.delay_ms": decision._tag === "Retry" ? decision.delayMs : 0,
      "retry.hint_source": hint?.source ?? "none",
      "retry.hint_ms": hint?.waitMs ?? 0,
      "retry.decision": decision.reason
    }
    const span = yield* Effect.option(Effect.currentSpan)
    if (span._tag === "Some") {
      span.value.event(
        decision._tag === "Retry" ? "retry" : "give up",
        yield* Effect.clockWith((clock) => clock.currentTimeNanos),
        attributes
      )
    }
    yield* Effect.logDebug(
      decision._tag === "Retry" ? `retrying after ${error._tag}` : `giving up after ${error._tag}: ${decision.reason}`
    ).pipe(
      Effect.annotateLogs(attributes)
    )
  })
