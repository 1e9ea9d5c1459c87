/**
 * How the end of a call becomes what a Promise user sees: the value, the typed error instance itself,
 * an `AbortError`, "client disposed", or, for a defect, an `Error` that says it is our bug.
 */
import * as Cause from "effect/Cause"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"

/** Thrown (and died with, in the Effect API) when a client is used after `dispose()`. */
export class ClientDisposed extends Error {
  constructor() {
    super(
      "@vercel-auth/adapter: client disposed. This client's dispose() was called, so it sends nothing more; " +
        "create a new one with createVercelAuth()."
    )
  }
}

/** The reason of the caller's signal when it is already an `AbortError`, or a fresh one carrying it. */
export const abortError = (signal: AbortSignal): Error => {
  const reason: unknown = signal.reason
  if (reason instanceof Error && reason.name === "AbortError") return reason
  return new DOMException("The token revocation was aborted; nothing more is sent.", {
    name: "AbortError",
    cause: reason
  })
}

const scrub = (text: string, secret: string): string => text.split(secret).join("<redacted>")

/**
 * A defect means a bug of ours. Its description travels as text with the token cut out, because a
 * defect is arbitrary and may have captured a request, a header or the options.
 */
export const bugError = (cause: Cause.Cause<unknown>, secret: string): Error => {
  const details = new Error(scrub(Cause.pretty(cause, { renderErrorCause: true }), secret))
  details.name = "Defect"
  details.stack = details.message
  return new Error(
    "@vercel-auth/adapter: tokens.delete failed unexpectedly. This is a bug in @vercel-auth, not in your code " +
      "or in Vercel's answer; please report it with the `cause` of this error (the token is not in it). " +
      "The token may or may not have been revoked.",
    { cause: details }
  )
}

/** The value of a finished call, or what its promise rejects with. */
export const settle = <A, E>(
  exit: Exit.Exit<A, E>,
  signal: AbortSignal | undefined,
  disposed: boolean,
  secret: string
): A => {
  if (Exit.isSuccess(exit)) return exit.value
  const cause = exit.cause
  if (signal?.aborted === true && Cause.isInterruptedOnly(cause)) throw abortError(signal)
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) throw failure.value
  const defect = Cause.dieOption(cause)
  if (Option.isSome(defect) && defect.value instanceof ClientDisposed) throw defect.value
  // A call that raced dispose() can end on the torn-down runtime; that is the disposal, not a bug.
  if (disposed) throw new ClientDisposed()
  throw bugError(cause, secret)
}
