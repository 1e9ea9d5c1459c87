/**
 * One-stop wiring: `TokenService` with everything under it, needing only an
 * `HttpClient.HttpClient` (`NodeHttpClient.layerUndici`, `FetchHttpClient.layer`, or a test double).
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as ConfigError from "effect/ConfigError"
import * as Layer from "effect/Layer"
import * as Resilience from "./Resilience.js"
import * as TokenService from "./TokenService.js"
import * as VercelConfig from "./VercelConfig.js"
import * as VercelHttpClient from "./VercelHttpClient.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options extends VercelConfig.Options {
  readonly resilience?: Partial<Resilience.ResiliencePolicy> | undefined
}

/**
 * The services `layer` and `layerConfig` provide.
 *
 * @since 0.1.0
 * @category models
 */
export type Services =
  | TokenService.TokenService
  | VercelHttpClient.VercelHttpClient
  | VercelConfig.VercelConfig
  | Resilience.Resilience

const wire = <E>(
  config: Layer.Layer<VercelConfig.VercelConfig, E>,
  resilience: Layer.Layer<Resilience.Resilience>
): Layer.Layer<Services, E, HttpClient.HttpClient> => {
  const http = Layer.provideMerge(VercelHttpClient.layer, config)
  return Layer.provideMerge(TokenService.layer, Layer.merge(http, resilience))
}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<Services, ConfigError.ConfigError, HttpClient.HttpClient> =>
  wire(VercelConfig.layer(options), Resilience.layer(options.resilience))

/**
 * Reads `VERCEL_TOKEN` and `VERCEL_API_URL` through Effect `Config`; the policy is passed in code.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  resilience?: Partial<Resilience.ResiliencePolicy>
): Layer.Layer<Services, ConfigError.ConfigError, HttpClient.HttpClient> =>
  wire(VercelConfig.layerConfig, Resilience.layer(resilience))
