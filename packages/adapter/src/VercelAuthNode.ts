/**
 * Core's `VercelAuth` layers with the transport wired in: undici, through `@effect/platform-node`.
 * For Effect applications on Node that want `TokenService` without choosing an `HttpClient`.
 *
 * @since 0.1.0
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import type * as Resilience from "@vercel-auth/core/Resilience"
import * as VercelAuth from "@vercel-auth/core/VercelAuth"
import type * as ConfigError from "effect/ConfigError"
import * as Layer from "effect/Layer"

/**
 * The token (a `string` or `Redacted<string>`), `baseUrl`, `userAgent` and `resilience`.
 *
 * @since 0.1.0
 * @category models
 */
export type Options = VercelAuth.Options

/**
 * The services the layers provide: `TokenService` and the ones under it.
 *
 * @since 0.1.0
 * @category models
 */
export type Services = VercelAuth.Services

/**
 * `TokenService` for the given options. Each use of the returned layer value is one client, with its
 * own connection pool, rate-limit gate and retry budget.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<Services, ConfigError.ConfigError> =>
  VercelAuth.layer(options).pipe(Layer.provide(NodeHttpClient.layerUndici))

/**
 * `TokenService` configured from `VERCEL_TOKEN` (required) and `VERCEL_API_URL` (optional) through
 * Effect `Config`; the policy is passed in code.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  resilience?: Partial<Resilience.ResiliencePolicy>
): Layer.Layer<Services, ConfigError.ConfigError> =>
  VercelAuth.layerConfig(resilience).pipe(Layer.provide(NodeHttpClient.layerUndici))
