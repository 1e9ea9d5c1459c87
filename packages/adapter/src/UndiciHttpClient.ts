/**
 * A lean `HttpClient` over undici, for the adapter: one connection pool per origin with a hard cap on
 * its sockets (aborts and timeouts included), keep-alive, no redirects followed, and each request one
 * undici `dispatch` whose body is read into memory.
 *
 * It enforces core's `currentAttemptLimits` itself: one timer to the attempt's deadline and a bounded
 * read of the body, answering with a `BufferedResponse`. Interrupting a request closes its connection
 * at once. Without limits (outside the engine) it reads whole bodies and sets no timer, like any
 * `HttpClient`; time it out with `Effect.timeout` then.
 *
 * @since 0.2.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type { TransportEnforcesLimits } from "@vercel-auth/core/AttemptLimits"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"

// The machinery (undici, `@effect/platform`'s HTTP modules) loads when a client is built, not at import.
const internal = () => import("./internal/undiciClient.js")

/**
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /**
   * The most sockets open at once to one origin (a Vercel client talks to one); requests beyond it
   * wait for a free connection. A positive integer.
   */
  readonly connections: number
}

/**
 * The client, over connection pools that are destroyed (sockets closed, requests in flight ended)
 * when the scope closes. `undici` is loaded when this runs, not when the module is imported.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<HttpClient.HttpClient, never, Scope.Scope> =>
  Effect.flatMap(Effect.promise(internal), (loaded) => loaded.make(options))

/**
 * The client, and `TransportEnforcesLimits` as `true` so that the engine leaves the attempt's deadline
 * and body limits to it.
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<HttpClient.HttpClient | TransportEnforcesLimits> =>
  Layer.unwrapEffect(Effect.map(Effect.promise(internal), (loaded) => loaded.layer(options)))
