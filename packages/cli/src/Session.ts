/**
 * The connection to Vercel for one command: the credentials checked, then the adapter's
 * `VercelAuthNode.layer` (undici transport, the rate-limit gate, the retry budget) providing
 * `TokenService` to the command, and closed (sockets and timers) when the command ends.
 *
 * @since 0.1.0
 */
import type { TokenService, VercelAuthNode } from "@vercel-auth/adapter"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { UsageError } from "./CliError.js"
import * as Credentials from "./Credentials.js"

/**
 * The client's modules, loaded on first use (see `internal/services.ts`).
 *
 * @since 0.1.0
 * @category loading
 */
export const services = Effect.promise(() => import("./internal/services.js"))

/**
 * Runs `use` with a `TokenService` for the command's credentials. A configuration mistake is a
 * `UsageError`, found before any request.
 *
 * @since 0.1.0
 * @category combinators
 */
export const withTokens = <A, E, R>(
  raw: Credentials.Raw,
  use: (tokens: TokenService.Service) => Effect.Effect<A, E, R>
): Effect.Effect<A, E | UsageError, Exclude<R, VercelAuthNode.Services>> =>
  Effect.flatMap(
    services,
    (loaded) =>
      Effect.flatMap(Credentials.resolve(raw, loaded.VercelConfig), (options) =>
        Effect.flatMap(loaded.TokenService.TokenService, use).pipe(
          Effect.provide(
            // Credentials.resolve ran the same checks, so this is only a safety net.
            Layer.mapError(
              loaded.VercelAuthNode.layer(options),
              (error) =>
                new UsageError({ message: Credentials.configMessage(error) })
            )
          )
        ))
  )
