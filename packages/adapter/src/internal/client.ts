/**
 * One client: one `ManagedRuntime` over core's layers and the undici transport, so that its calls
 * share one connection pool, one rate-limit gate and one retry budget, and `dispose` can release all
 * of it. A Promise call is one fiber of the runtime, kept in a `FiberSet`, so that `dispose` ends the
 * calls in flight before the transport goes away.
 */
import * as IntegrationSso from "@vercel-auth/core/IntegrationSso"
import * as Resilience from "@vercel-auth/core/Resilience"
import type { DeleteResult } from "@vercel-auth/core/Schemas"
import * as TokenService from "@vercel-auth/core/TokenService"
import * as VercelAuth from "@vercel-auth/core/VercelAuth"
import * as VercelConfig from "@vercel-auth/core/VercelConfig"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import * as FiberId from "effect/FiberId"
import * as FiberSet from "effect/FiberSet"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { ClientDisposed } from "../ClientDisposed.js"
import * as UndiciHttpClient from "../UndiciHttpClient.js"
import type { Options, VercelAuthClient } from "../VercelAuthClient.js"
import { iterate } from "./asyncIterable.js"
import { inputOrder } from "./deleteMany.js"
import { missingToken, type Resolved, resolveOptions } from "./options.js"
import { abortError, type Scrub, settle } from "./outcome.js"

type Services = TokenService.TokenService | IntegrationSso.IntegrationSso

/** The token service of a client made without a token: every operation is refused, sending nothing. */
const withoutToken: TokenService.Service = {
  delete: () => Effect.die(missingToken()),
  get: () => Effect.die(missingToken()),
  list: () => Stream.die(missingToken()),
  create: () => Effect.die(missingToken()),
  deleteMany: () => Stream.die(missingToken())
}

const layerOf = ({ config, endpoint, options, policy }: Resolved): Layer.Layer<Services> => {
  const services = config === undefined
    ? Layer.merge(
      IntegrationSso.layer(endpoint).pipe(Layer.provide(Resilience.layer(options.resilience))),
      Layer.succeed(TokenService.TokenService, withoutToken)
    )
    : VercelAuth.layerFromConfig(options).pipe(Layer.provide(Layer.succeed(VercelConfig.VercelConfig, config)))
  // The options were checked when the client was made, so building cannot fail with a ConfigError.
  return services.pipe(
    Layer.provide(UndiciHttpClient.layer({ connections: policy.maxConcurrent })),
    Layer.orDie
  )
}

const scrubberOf = (config: VercelConfig.Service | undefined): Scrub => {
  if (config === undefined) return (text) => text
  // eslint-disable-next-line no-restricted-syntax -- only to cut it out of a defect's description
  const secret = Redacted.value(config.token)
  return (text) => text.split(secret).join("<redacted>")
}

export const make = (options: Options): VercelAuthClient => {
  const resolved = resolveOptions(options)
  const runtime = ManagedRuntime.make(layerOf(resolved))
  const scope = Effect.runSync(Scope.make())
  const calls = Effect.runSync(Scope.extend(FiberSet.make<unknown, unknown>(), scope))
  const scrub = scrubberOf(resolved.config)
  let disposed = false
  let disposing: Promise<void> | undefined
  const disposal = Effect.runSync(Deferred.make<void>())

  // The services, once the runtime is built: read from the built context without a lookup per call.
  let built: Context.Context<Services> | undefined
  const services = Effect.suspend(() =>
    built !== undefined ? Effect.succeed(built) : Effect.map(runtime.runtimeEffect, (rt) => (built = rt.context))
  )
  const tokens = <A, E>(f: (service: TokenService.Service) => Effect.Effect<A, E>): Effect.Effect<A, E> =>
    built !== undefined
      ? f(Context.get(built, TokenService.TokenService))
      : Effect.flatMap(services, (context) => f(Context.get(context, TokenService.TokenService)))
  const sso = <A, E>(f: (service: IntegrationSso.Service) => Effect.Effect<A, E>): Effect.Effect<A, E> =>
    Effect.flatMap(services, (context) => f(Context.get(context, IntegrationSso.IntegrationSso)))

  /** Runs `effect` as one fiber of the client, settled as a Promise. */
  const run = <A, E>(effect: Effect.Effect<A, E>, signal: AbortSignal | undefined): Promise<A> => {
    if (disposed) return Promise.reject(new ClientDisposed())
    // Checked before running, so that an aborted signal certainly sends nothing and costs nothing.
    if (signal?.aborted === true) return Promise.reject(abortError(signal))
    return new Promise<A>((resolve, reject) => {
      const fiber = runtime.runFork(effect)
      FiberSet.unsafeAdd(calls, fiber as Fiber.RuntimeFiber<unknown, unknown>)
      const abort = () => fiber.unsafeInterruptAsFork(FiberId.none)
      signal?.addEventListener("abort", abort, { once: true })
      fiber.addObserver((exit) => {
        signal?.removeEventListener("abort", abort)
        try {
          resolve(settle(exit, signal, disposed, scrub))
        } catch (error) {
          reject(error)
        }
      })
    })
  }

  const disposedDefect = Effect.suspend(() => Effect.die(new ClientDisposed()))

  /**
   * The Effect API: the caller waits for a fiber of the client, so that `dispose` can end the call
   * without interrupting the caller's own fiber.
   */
  const inClient = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
    Effect.suspend(() => {
      if (disposed) return disposedDefect
      return Effect.flatMap(FiberSet.run(calls, effect), (fiber) =>
        Effect.flatMap(
          Effect.onInterrupt(fiber.await, () => fiber.interruptAsFork(FiberId.none)),
          (exit) => Exit.isFailure(exit) && disposed ? disposedDefect : exit
        ))
    })

  const inClientStream = <A, E>(
    f: (service: TokenService.Service) => Stream.Stream<A, E>
  ): Stream.Stream<A, E> =>
    Stream.suspend(() =>
      disposed ?
        Stream.fromEffect(disposedDefect) :
        Stream.unwrap(tokens((service) => Effect.succeed(f(service)))).pipe(
          Stream.interruptWhen(Effect.zipRight(Deferred.await(disposal), disposedDefect))
        )
    )

  return {
    tokens: {
      delete: (tokenId, { missingOk, signal } = {}) =>
        run(tokens((service) => service.delete(tokenId, { missingOk })), signal),
      get: (tokenId, { signal } = {}) => run(tokens((service) => service.get(tokenId)), signal),
      list: ({ signal, ...listOptions } = {}) =>
        iterate(Stream.unwrap(tokens((service) => Effect.succeed(service.list(listOptions)))), signal, run),
      create: (input, { signal } = {}) => run(tokens((service) => service.create(input)), signal),
      deleteMany: (tokenIds, { missingOk, onResult, signal } = {}) => {
        const ids = Array.from(tokenIds, String)
        const order = inputOrder(ids)
        const collect = tokens((service) =>
          Stream.runForEach(service.deleteMany(ids, { missingOk }), (result: DeleteResult) =>
            Effect.sync(() => {
              order.add(result)
              onResult?.(result)
            }))
        )
        return run(collect, signal).then(order.results, (error: unknown) => {
          // No completed revocation goes unreported: the abort carries every result known so far.
          if (error instanceof Error && error.name === "AbortError") {
            throw Object.assign(error, { results: order.known() })
          }
          throw error
        })
      }
    },
    sso: {
      exchange: (grant, { signal } = {}) => run(sso((service) => service.exchange(grant)), signal)
    },
    effect: {
      tokens: {
        delete: (tokenId, deleteOptions) => inClient(tokens((service) => service.delete(tokenId, deleteOptions))),
        get: (tokenId) => inClient(tokens((service) => service.get(tokenId))),
        list: (listOptions) => inClientStream((service) => service.list(listOptions)),
        create: (input) => inClient(tokens((service) => service.create(input))),
        deleteMany: (tokenIds, deleteOptions) =>
          inClientStream((service) => service.deleteMany(tokenIds, deleteOptions))
      },
      sso: {
        exchange: (grant) => inClient(sso((service) => service.exchange(grant)))
      }
    },
    dispose: () => {
      if (disposing === undefined) {
        disposed = true
        Deferred.unsafeDone(disposal, Exit.void)
        disposing = Effect.runPromise(Effect.zipRight(Scope.close(scope, Exit.void), runtime.disposeEffect))
      }
      return disposing
    },
    [Symbol.asyncDispose]() {
      return this.dispose()
    }
  }
}
