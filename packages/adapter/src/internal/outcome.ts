/**
 * How the end of a call becomes what a Promise user sees: the value, the typed error instance itself,
 * an `AbortError`, `ClientDisposed`, or, for a defect, an `Error` that says it is our bug.
 */
import * as Cause from "effect/Cause"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import { ClientDisposed } from "../ClientDisposed.js"

/** An `AbortError` for the caller's signal: its reason when that already is one, or a fresh one carrying it. */
export const abortError = (signal: AbortSignal, what = "The call"): Error => {
  const reason: unknown = signal.reason
  if (reason instanceof Error && reason.name === "AbortError") return reason
  return new DOMException(`${what} was aborted; nothing more is sent.`, { name: "AbortError", cause: reason })
}

export type Scrub = (text: string) => string

/**
 * A defect means a bug of ours. Its description travels as text with the token cut out, because a
 * defect is arbitrary and may have captured a request, a header or the options.
 */
export const bugError = (cause: Cause.Cause<unknown>, scrub: Scrub): Error => {
  const details = new Error(scrub(Cause.pretty(cause, { renderErrorCause: true })))
  details.name = "Defect"
  details.stack = details.message
  return new Error(
    "@vercel-auth/adapter: the call failed unexpectedly. This is a bug in @vercel-auth, not in your code " +
      "or in Vercel's answer; please report it with the `cause` of this error (the token is not in it). " +
      "The operation may or may not have taken effect.",
    { cause: details }
  )
}

/** The value of a finished call, or what its promise rejects with. */
export const settle = <A, E>(
  exit: Exit.Exit<A, E>,
  signal: AbortSignal | undefined,
  disposed: boolean,
  scrub: Scrub
): A => {
  if (Exit.isSuccess(exit)) return exit.value
  const cause = exit.cause
  if (signal?.aborted === true && Cause.isInterruptedOnly(cause)) throw abortError(signal)
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) throw failure.value
  const defect = Cause.dieOption(cause)
  if (Option.isSome(defect) && defect.value instanceof Error && defect.value.name === "ClientDisposed") {
    throw defect.value
  }
  if (Option.isSome(defect) && defect.value instanceof Error && defect.value.message.startsWith("createVercelAuth:")) {
    throw defect.value
  }
  // A call that raced dispose() can end on the torn-down runtime; that is the disposal, not a bug.
  if (disposed) throw new ClientDisposed()
  throw bugError(cause, scrub)
}
