/**
 * One client: one `ManagedRuntime` over core's layers and undici, so that its calls share one
 * connection pool and one rate-limit gate and retry budget, and `dispose` can release all of it.
 */
import * as TokenService from "@vercel-auth/core/TokenService"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Scope from "effect/Scope"
import type { Options, VercelAuthClient } from "../VercelAuthClient.js"
import * as VercelAuthNode from "../VercelAuthNode.js"
import { resolveOptions } from "./options.js"
import { abortError, ClientDisposed, settle } from "./outcome.js"

export const make = (options: Options): VercelAuthClient => {
  const resolved = resolveOptions(options)
  // The options were checked above, so building the layer cannot fail with a ConfigError.
  const runtime = ManagedRuntime.make(VercelAuthNode.layer(resolved).pipe(Layer.orDie))
  // Every call runs as a fiber of this scope: closing it ends the calls in flight (their sockets and
  // retry waits) before the transport goes away, instead of leaving them to fail against it.
  const calls = Effect.runSync(Scope.make())
  let disposed = false
  let disposing: Promise<void> | undefined

  const disposedDefect = Effect.suspend(() => Effect.die(new ClientDisposed()))

  const track = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.suspend(() =>
      disposed ?
        disposedDefect :
        Effect.uninterruptibleMask((restore) =>
          Effect.flatMap(Effect.forkIn(Effect.interruptible(effect), calls), (fiber) =>
            restore(Fiber.await(fiber)).pipe(
              // The caller's interruption (an aborted signal) must reach the request itself.
              Effect.onInterrupt(() => Fiber.interrupt(fiber)),
              Effect.flatMap((exit) =>
                Exit.isFailure(exit) && Cause.isInterruptedOnly(exit.cause) && disposed ? disposedDefect : exit
              )
            ))
        )
    )

  const revoke = (tokenId: string, deleteOptions?: TokenService.DeleteOptions) =>
    track(Effect.flatMap(TokenService.TokenService, (tokens) => tokens.delete(tokenId, deleteOptions)))

  return {
    tokens: {
      delete: (tokenId, { missingOk, signal } = {}) => {
        if (disposed) return Promise.reject(new ClientDisposed())
        // Checked before running, so that an aborted signal certainly sends nothing and costs nothing.
        if (signal?.aborted === true) return Promise.reject(abortError(signal))
        return runtime.runPromiseExit(revoke(tokenId, { missingOk }), { signal }).then((exit) =>
          settle(exit, signal, disposed, resolved.token)
        )
      }
    },
    effect: {
      tokens: {
        delete: (tokenId, deleteOptions) =>
          Effect.suspend(() => disposed ? disposedDefect : revoke(tokenId, deleteOptions).pipe(Effect.provide(runtime)))
      }
    },
    dispose: () => {
      if (disposing === undefined) {
        disposed = true
        disposing = Effect.runPromise(Effect.zipRight(Scope.close(calls, Exit.void), runtime.disposeEffect))
      }
      return disposing
    }
  }
}
