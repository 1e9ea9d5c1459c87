/**
 * What one attempt's outcome means for the call: succeed, fail, or wait and try again.
 */
import type * as TokenError from "../../TokenError.js"
import { type Hint, rateLimitedHint, retryAfter } from "../hints.js"
import type { Outcome } from "./attempt.js"
import * as Errors from "./errors.js"
import type { Operation } from "./operation.js"

export type Verdict<A> =
  | { readonly _tag: "Done"; readonly value: A }
  | { readonly _tag: "Fail"; readonly error: TokenError.AttemptError; readonly ambiguous: boolean }
  | Retry

export interface Retry {
  readonly _tag: "Retry"
  readonly error: TokenError.AttemptError
  readonly hint: Hint | undefined
  /** The request may have been acted on; for a revocation, a later 404 then means it was. */
  readonly ambiguous: boolean
  readonly rateLimited: boolean
}

export interface CallState {
  readonly attempts: number
  /** An earlier attempt of the call may have been acted on. */
  readonly ambiguousBefore: boolean
}

const retryableStatuses = new Set([408, 429, 500, 502, 503, 504])

const judgeAnswer = <A>(
  op: Operation<A>,
  call: CallState,
  outcome: Outcome & { _tag: "Answered" },
  scrub: Errors.Scrub
): Verdict<A> => {
  const { answer } = outcome
  const { attempts } = call
  const status = answer.status
  if (status >= 200 && status < 300) {
    if (answer.truncated) {
      return {
        _tag: "Fail",
        error: Errors.unexpected(op.context, answer, attempts, "too-large", scrub, op.secretBody),
        ambiguous: true
      }
    }
    const value = answer.incomplete ? undefined : op.decode(answer.text)
    return value === undefined
      ? {
        _tag: "Fail",
        error: Errors.unexpected(op.context, answer, attempts, "body", scrub, op.secretBody),
        ambiguous: true
      }
      : { _tag: "Done", value }
  }
  const reconciled = op.reconcile?.(answer, call.ambiguousBefore)
  if (reconciled !== undefined) return { _tag: "Done", value: reconciled }
  const rateLimited = status === 429
  // Only a 429 certainly left a non-idempotent request undone.
  if (!retryableStatuses.has(status) || (!op.idempotent && !rateLimited)) {
    return {
      _tag: "Fail",
      error: Errors.fromAnswer(op.context, answer, attempts, undefined, scrub),
      ambiguous: status >= 500
    }
  }
  const hint = rateLimited
    ? rateLimitedHint(answer.headers, answer.detail, answer.clocks)
    : retryAfter(answer.headers, answer.clocks)
  const retryAt = hint === undefined ? undefined : answer.clocks.now + hint.waitMs
  const error = status === 408
    ? Errors.unexpected(op.context, answer, attempts, "status", scrub)
    : Errors.fromAnswer(op.context, answer, attempts, retryAt, scrub)
  // A 5xx may come from a proxy after the origin acted; a broken body says nothing either way.
  return { _tag: "Retry", error, hint, ambiguous: status >= 500 || answer.incomplete, rateLimited }
}

export const judge = <A>(op: Operation<A>, call: CallState, outcome: Outcome, scrub: Errors.Scrub): Verdict<A> => {
  switch (outcome._tag) {
    case "Answered":
      return judgeAnswer(op, call, outcome, scrub)
    case "TransportFailed": {
      const { ambiguous, retryable } = outcome.failure
      const error = Errors.network(op.context, call.attempts, outcome.failure, scrub)
      return retryable && (op.idempotent || !ambiguous)
        ? { _tag: "Retry", error, hint: undefined, ambiguous, rateLimited: false }
        : { _tag: "Fail", error, ambiguous }
    }
    case "TimedOut": {
      const error = Errors.timeout(op.context, call.attempts, outcome.phase, true)
      // Once headers arrived the server has acted; sending again would only blur the outcome.
      return outcome.phase === "attempt" && !outcome.afterHeaders && op.idempotent
        ? { _tag: "Retry", error, hint: undefined, ambiguous: true, rateLimited: false }
        : { _tag: "Fail", error, ambiguous: true }
    }
  }
}
