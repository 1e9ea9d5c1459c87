/**
 * What one HTTP attempt may take: until when it may run, and how much of a body is worth reading. The
 * engine sets these for every attempt it sends. With any `HttpClient` it enforces them itself, around
 * the transport (a timeout and a bounded read of the body stream). A transport that declares it
 * enforces them (the adapter's undici transport does) applies them inside the request instead: one
 * timer and one bounded read, with no fiber race, which is most of what an attempt costs on loopback.
 *
 * Only transport authors need this module.
 *
 * @since 0.2.0
 */
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Context from "effect/Context"
import * as FiberRef from "effect/FiberRef"
import * as GlobalValue from "effect/GlobalValue"
import * as Predicate from "effect/Predicate"

/**
 * @since 0.2.0
 * @category models
 */
export interface AttemptLimits {
  /** The local instant (`Clock`, epoch ms) by which the attempt, body included, must have ended. */
  readonly deadlineAt: number
  /** Whether reaching `deadlineAt` is the call's deadline rather than the attempt's own timeout. */
  readonly deadlineIsCall: boolean
  /** The most bytes of a 2xx body worth reading: more than any valid answer is `UnexpectedResponse`. */
  readonly maxSuccessBytes: number
  /** The most bytes of any other body worth reading: an error needs an excerpt, not the whole body. */
  readonly maxErrorBytes: number
}

/**
 * The limits of the attempt running on the current fiber; `undefined` outside of an attempt.
 *
 * @since 0.2.0
 * @category references
 */
export const currentAttemptLimits: FiberRef.FiberRef<AttemptLimits | undefined> = GlobalValue.globalValue(
  Symbol.for("@vercel-auth/core/AttemptLimits/current"),
  () => FiberRef.unsafeMake<AttemptLimits | undefined>(undefined)
)

/**
 * Provided as `true` beside a transport that enforces `currentAttemptLimits` itself: it ends an
 * attempt at `deadlineAt` by failing with an `AttemptDeadlineExceeded` cause, and answers with a
 * `BufferedResponse` holding at most the allowed bytes.
 *
 * @since 0.2.0
 * @category references
 */
export class TransportEnforcesLimits extends Context.Reference<TransportEnforcesLimits>()(
  "@vercel-auth/core/AttemptLimits/TransportEnforcesLimits",
  { defaultValue: () => false }
) {}

/**
 * The cause a limits-enforcing transport fails with (inside an `HttpClientError.RequestError` with
 * reason `"Transport"`) when `deadlineAt` passed. `afterHeaders` says whether the status line and
 * headers had arrived.
 *
 * @since 0.2.0
 * @category errors
 */
export class AttemptDeadlineExceeded extends Error {
  /** @since 0.2.0 */
  readonly _tag = "AttemptDeadlineExceeded"
  constructor(readonly afterHeaders: boolean) {
    super("the attempt reached its deadline")
    this.name = "AttemptDeadlineExceeded"
  }
}

/**
 * @since 0.2.0
 * @category guards
 */
export const isAttemptDeadlineExceeded = (u: unknown): u is AttemptDeadlineExceeded =>
  Predicate.isTagged(u, "AttemptDeadlineExceeded")

/**
 * @since 0.2.0
 * @category type ids
 */
export const BufferedBodyTypeId: unique symbol = Symbol.for("@vercel-auth/core/AttemptLimits/BufferedBody")

/**
 * @since 0.2.0
 * @category type ids
 */
export type BufferedBodyTypeId = typeof BufferedBodyTypeId

/**
 * A response whose body the transport already read, up to the limit of `currentAttemptLimits`.
 *
 * @since 0.2.0
 * @category models
 */
export interface BufferedResponse extends HttpClientResponse.HttpClientResponse {
  readonly [BufferedBodyTypeId]: BufferedBody
}

/**
 * @since 0.2.0
 * @category models
 */
export interface BufferedBody {
  /** The bytes read: all of the body, or the first ones when `truncated`. */
  readonly bytes: Uint8Array
  /** The body was longer than the limit; the rest was discarded and the connection closed. */
  readonly truncated: boolean
  /** Reading stopped because the connection failed, not because of the limit. */
  readonly incomplete: boolean
}

/**
 * @since 0.2.0
 * @category guards
 */
export const isBufferedResponse = (u: unknown): u is BufferedResponse => Predicate.hasProperty(u, BufferedBodyTypeId)
