/**
 * Core's `VercelAuth` layers with the transport wired in: the adapter's lean undici client, capped at
 * the policy's `maxConcurrent` sockets. For Effect applications on Node that want `TokenService` and
 * `IntegrationSso` without choosing an `HttpClient`.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Resilience from "@vercel-auth/core/Resilience"
import * as VercelAuth from "@vercel-auth/core/VercelAuth"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as UndiciHttpClient from "./UndiciHttpClient.js"

/**
 * The token (a `string` or `Redacted<string>`), `baseUrl`, `userAgent`, `resilience` and `gate`.
 *
 * @since 0.1.0
 * @category models
 */
export type Options = VercelAuth.Options

/**
 * The services the layers provide: `TokenService`, `IntegrationSso` and the ones under them.
 *
 * @since 0.1.0
 * @category models
 */
export type Services = VercelAuth.Services

const withTransport = <E>(
  resilience: Partial<Resilience.ResiliencePolicy> | undefined,
  layer: Layer.Layer<Services, E | ConfigError.ConfigError, HttpClient.HttpClient>
): Layer.Layer<Services, E | ConfigError.ConfigError> =>
  Layer.unwrapEffect(
    Effect.map(
      Resilience.resolve(resilience),
      (policy) => Layer.provide(layer, UndiciHttpClient.layer({ connections: policy.maxConcurrent }))
    )
  )

/**
 * `TokenService` and `IntegrationSso` for the given options. Each use of the returned layer value is
 * one client, with its own connection pool, rate-limit gate and retry budget.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<Services, ConfigError.ConfigError> =>
  withTransport(options.resilience, VercelAuth.layer(options))

/**
 * The same, configured from `VERCEL_TOKEN` (required) and `VERCEL_API_URL` (optional) through Effect
 * `Config`; the policy is passed in code.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  resilience?: Partial<Resilience.ResiliencePolicy>
): Layer.Layer<Services, ConfigError.ConfigError> => withTransport(resilience, VercelAuth.layerConfig(resilience))
