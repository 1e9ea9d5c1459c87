/**
 * The undici transport: `HttpClient.makeWith` over one undici `Pool` per origin, each request one
 * `dispatch` inside one `Effect.async`.
 *
 * @internal
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { currentAttemptLimits, TransportEnforcesLimits } from "@vercel-auth/core/AttemptLimits"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import type * as Undici from "undici"
import type { Options } from "../UndiciHttpClient.js"
import { Exchange } from "./undiciExchange.js"
import { payload, target } from "./undiciRequest.js"

type UndiciModule = typeof Undici

/**
 * One pool per origin, not an `Agent`: an `Agent` drops an origin's pool when its last connection
 * closes and opens a new one for the next request while the old one still serves its queue, so a burst
 * of aborts (each closes its connection) can hold more than `connections` sockets open at once.
 */
class Pools {
  private readonly pools = new Map<string, Undici.Pool>()
  // A client usually talks to one origin: remember the last one rather than look it up each time.
  private lastOrigin = ""
  private lastPool: Undici.Pool | undefined = undefined
  private closed = false

  constructor(private readonly undici: UndiciModule, private readonly connections: number) {}

  /** The pool of `origin`, or the reason there is none (the client is closed, the origin is not one). */
  get(origin: string): Undici.Pool | Error {
    if (origin === this.lastOrigin && this.lastPool !== undefined) return this.lastPool
    if (this.closed) return new this.undici.errors.ClientDestroyedError()
    let pool = this.pools.get(origin)
    if (pool === undefined) {
      try {
        pool = new this.undici.Pool(origin, {
          connections: this.connections,
          pipelining: 1,
          // Timeouts belong to the caller (`currentAttemptLimits`, or its own `Effect.timeout`): undici's
          // own would cut a slow body at 300 s whatever the caller asked for.
          headersTimeout: 0,
          bodyTimeout: 0
        })
      } catch (error) {
        return error as Error
      }
      this.pools.set(origin, pool)
    }
    this.lastOrigin = origin
    this.lastPool = pool
    return pool
  }

  /** Closes every connection now, ending the requests still in flight. */
  destroy(): Promise<void> {
    this.closed = true
    this.lastPool = undefined
    const pools = [...this.pools.values()]
    this.pools.clear()
    return Promise.all(pools.map((pool) => pool.destroy())).then(() => undefined)
  }
}

const invalidUrl = (request: HttpClientRequest.HttpClientRequest) =>
  Effect.fail(
    new HttpClientError.RequestError({
      request,
      reason: "InvalidUrl",
      description: "the URL must be an absolute http: or https: URL"
    })
  )

const execute = (pools: Pools) => (request: HttpClientRequest.HttpClientRequest) =>
  Effect.withFiberRuntime<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((fiber) => {
    const destination = target(request)
    if (destination === undefined) return invalidUrl(request)
    const body = payload(request.body)
    if (body !== null && typeof body === "object" && !(body instanceof Uint8Array)) {
      return Effect.fail(new HttpClientError.RequestError({ request, reason: "Encode", description: body.unsupported }))
    }
    const pool = pools.get(destination.origin)
    if (pool instanceof Error) {
      return Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause: pool }))
    }
    const limits = fiber.getFiberRef(currentAttemptLimits)
    let timeLeft = Infinity
    if (limits !== undefined) {
      timeLeft = limits.deadlineAt - Context.get(fiber.currentDefaultServices, Clock.Clock).unsafeCurrentTimeMillis()
    }
    return Effect.async<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError>((resume) => {
      const exchange = limits === undefined ?
        new Exchange(request, resume, Infinity, Infinity) :
        new Exchange(request, resume, limits.maxSuccessBytes, limits.maxErrorBytes)
      if (timeLeft <= 0) {
        // Out of time before sending: nothing goes out.
        exchange.deadline()
        return
      }
      if (timeLeft !== Infinity) exchange.startTimer(timeLeft)
      pool.dispatch({
        origin: destination.origin,
        path: destination.path,
        method: request.method as Undici.Dispatcher.HttpMethod,
        headers: request.headers,
        body
      }, exchange)
      return Effect.sync(() => exchange.interrupt())
    })
  })

const load: Effect.Effect<UndiciModule> = Effect.promise(() => import("undici"))

export const make = (options: Options): Effect.Effect<HttpClient.HttpClient, never, Scope.Scope> => {
  const { connections } = options
  if (!Number.isSafeInteger(connections) || connections < 1) {
    // undici reads 0 as "no limit"; a cap this transport cannot keep is a programming error.
    return Effect.dieMessage(`UndiciHttpClient: connections must be a positive integer, got ${connections}`)
  }
  return Effect.flatMap(load, (undici) =>
    Effect.map(
      Effect.acquireRelease(
        Effect.sync(() => new Pools(undici, connections)),
        (pools) => Effect.promise(() => pools.destroy())
      ),
      (pools) => {
        const send = execute(pools)
        return HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>(
          (request) => Effect.flatMap(request, send),
          Effect.succeed
        )
      }
    ))
}

export const layer = (options: Options): Layer.Layer<HttpClient.HttpClient | TransportEnforcesLimits> =>
  Layer.merge(Layer.scoped(HttpClient.HttpClient, make(options)), Layer.succeed(TransportEnforcesLimits, true))
