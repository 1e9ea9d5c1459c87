/**
 * An operation, described as data: what to send, how to read the answer, and what retrying it means.
 * The engine runs any description with the whole resilience policy; each operation of the token
 * group is a few lines of description.
 */
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type { Answer } from "./attempt.js"
import type { CallContext } from "./errors.js"

export interface Operation<A> {
  /** The call's span: `TokenService.delete` … */
  readonly span: string
  /** Vercel limits each endpoint on its own: calls in one bucket share a rate-limit window. */
  readonly bucket: string
  readonly context: CallContext
  /** Method, path relative to the base URL, query and body. */
  readonly request: HttpClientRequest.HttpClientRequest
  /**
   * Sending it twice does what sending it once does (DELETE, GET): retried after ambiguous attempts
   * too. Otherwise it is retried only when the attempt certainly did not reach Vercel.
   */
  readonly idempotent: boolean
  /** The largest valid 2xx body: a larger one is `UnexpectedResponse`. */
  readonly maxSuccessBytes: number
  /** The value of a 2xx body, or `undefined` when it is not the documented answer. */
  readonly decode: (text: string) => A | undefined
  /** The success body carries a secret (a new token): never quote it in an error. */
  readonly secretBody?: boolean | undefined
  /**
   * An answer that means success although it is not a 2xx: for a revocation, a 404 after an attempt
   * that may have deleted the token. `ambiguousBefore` says whether an earlier attempt may have acted.
   */
  readonly reconcile?: ((answer: Answer, ambiguousBefore: boolean) => A | undefined) | undefined
  /** More strings to scrub from errors than the bearer token (an SSO code, a client secret). */
  readonly secrets?: ReadonlyArray<string> | undefined
  /** Span attributes of the call (never a secret). */
  readonly attributes?: Readonly<Record<string, unknown>> | undefined
}
