/**
 * A stand-in for the transport: an `HttpClient.HttpClient` layer that answers every request from a
 * handler function, and records what was sent. Use it to test code over the real `TokenService`
 * without a network.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/**
 * What a handler may answer with: a web `Response` (the easy way) or an `HttpClientResponse`.
 *
 * @since 0.1.0
 * @category models
 */
export type Reply = Response | HttpClientResponse.HttpClientResponse

/**
 * Answers one request. It may return the reply itself, a `Promise` of it, or an `Effect` of it.
 * Throwing, rejecting or failing becomes an `HttpClientError.RequestError` with reason `"Transport"`
 * (an `HttpClientError` is passed through as it is), which is how a real transport reports a
 * refused or reset connection. An `Effect` that never completes is a hung request; interrupting the
 * caller interrupts it and aborts `signal`.
 *
 * @since 0.1.0
 * @category models
 */
export type Handler = (
  request: HttpClientRequest.HttpClientRequest,
  url: URL,
  signal: AbortSignal
) => Reply | PromiseLike<Reply> | Effect.Effect<Reply, unknown>

/**
 * One request as the transport received it. `headers` include `authorization`: keep this record in
 * your test, do not print it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Recorded {
  readonly request: HttpClientRequest.HttpClientRequest
  readonly method: HttpClientRequest.HttpClientRequest["method"]
  readonly url: URL
  readonly headers: HttpClientRequest.HttpClientRequest["headers"]
  /** Aborted when the caller gives up on the request (interruption, timeout). */
  readonly signal: AbortSignal
}

/**
 * @since 0.1.0
 * @category models
 */
export interface MockHttpClient {
  readonly client: HttpClient.HttpClient
  readonly layer: Layer.Layer<HttpClient.HttpClient>
  /** Every request, in the order it was sent; appended to as requests arrive. */
  readonly requests: ReadonlyArray<Recorded>
}

const isThenable = (u: unknown): u is PromiseLike<Reply> =>
  typeof u === "object" && u !== null && "then" in u && typeof u.then === "function"

const transportError = (request: HttpClientRequest.HttpClientRequest, cause: unknown) =>
  HttpClientError.isHttpClientError(cause) ? cause : new HttpClientError.RequestError({
    request,
    reason: "Transport",
    cause,
    description: cause instanceof Error ? cause.message : String(cause)
  })

/**
 * A copy of `reply` for one request. A clone lets a handler return the same constant Response for
 * every request (a body reads once), but a clone's body is one branch of a tee, and cancelling a
 * branch waits for its twin to be cancelled too, which the handler's original never is. The copy's
 * body cancels at once, as a body off a real socket does.
 */
const copyOf = (reply: Response): Response => {
  const clone = reply.clone()
  if (clone.body === null) return clone
  const reader = clone.body.getReader()
  const body = new ReadableStream<Uint8Array>({
    pull: (controller) =>
      reader.read().then(
        ({ done, value }) => done ? controller.close() : controller.enqueue(value),
        (error) => controller.error(error)
      ),
    cancel: (reason) => {
      reader.cancel(reason).catch(() => {})
    }
  })
  return new Response(body, { status: clone.status, statusText: clone.statusText, headers: clone.headers })
}

const toResponse = (request: HttpClientRequest.HttpClientRequest, reply: Reply) =>
  reply instanceof Response ? HttpClientResponse.fromWeb(request, copyOf(reply)) : reply

const answer = (handler: Handler, request: HttpClientRequest.HttpClientRequest, url: URL, signal: AbortSignal) =>
  Effect.suspend((): Effect.Effect<Reply, unknown> => {
    const result = handler(request, url, signal)
    if (Effect.isEffect(result)) return result
    if (isThenable(result)) return Effect.tryPromise({ try: () => result, catch: (cause) => cause })
    return Effect.succeed(result)
  }).pipe(
    Effect.map((reply) => toResponse(request, reply)),
    // Defects count too: a handler that throws is a transport that broke, not a bug in the caller.
    Effect.catchAllCause((cause) =>
      Cause.isInterruptedOnly(cause)
        ? Effect.failCause(cause as Cause.Cause<never>)
        : Effect.fail(transportError(request, Cause.squash(cause)))
    )
  )

/**
 * Builds a mock client and the array it records into. A plain function rather than an `Effect`, so
 * that a test can keep `requests` at hand beside the layer it provides.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (handler: Handler): MockHttpClient => {
  const requests: Array<Recorded> = []
  const client = HttpClient.make((request, url, signal) =>
    Effect.suspend(() => {
      requests.push({ request, method: request.method, url, headers: request.headers, signal })
      return answer(handler, request, url, signal)
    })
  )
  return { client, layer: Layer.succeed(HttpClient.HttpClient, client), requests }
}

/**
 * The `HttpClient.HttpClient` layer answering from `handler`, when the requests need not be read.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (handler: Handler): Layer.Layer<HttpClient.HttpClient> => make(handler).layer

/**
 * A JSON `Response`, for handlers: `json(404, { error: { code: "not_found", message: "…" } })`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const json = (status: number, body: unknown, headers?: Record<string, string>): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } })
