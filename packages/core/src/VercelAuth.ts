/**
 * One-stop wiring: `TokenService` and `IntegrationSso` with everything under them, needing only an
 * `HttpClient.HttpClient` (`NodeHttpClient.layerUndici`, `FetchHttpClient.layer`, the adapter's
 * `UndiciHttpClient.layer`, or a test double).
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as ConfigError from "effect/ConfigError"
import * as Layer from "effect/Layer"
import type * as GateStore from "./GateStore.js"
import * as IntegrationSso from "./IntegrationSso.js"
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
  /** Where the rate-limit gate keeps its state; in memory, per layer instance, by default. */
  readonly gate?: GateStore.Make | undefined
}

/**
 * The services `layer` and `layerConfig` provide.
 *
 * @since 0.1.0
 * @category models
 */
export type Services =
  | TokenService.TokenService
  | IntegrationSso.IntegrationSso
  | VercelHttpClient.VercelHttpClient
  | VercelConfig.VercelConfig
  | Resilience.Resilience

/**
 * Everything above a `VercelConfig`: build it once, from options or from the environment.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerFromConfig = (
  options: {
    readonly resilience?: Partial<Resilience.ResiliencePolicy> | undefined
    readonly gate?: GateStore.Make | undefined
  } = {}
): Layer.Layer<
  Exclude<Services, VercelConfig.VercelConfig>,
  ConfigError.ConfigError,
  HttpClient.HttpClient | VercelConfig.VercelConfig
> => {
  const resilience = options.gate === undefined
    ? Resilience.layer(options.resilience)
    : Resilience.layerShared(options.resilience, options.gate)
  const http = Layer.merge(VercelHttpClient.layer, resilience)
  return Layer.provideMerge(Layer.merge(TokenService.layer, IntegrationSso.layerFromConfig), http)
}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<Services, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.provideMerge(layerFromConfig(options), VercelConfig.layer(options))

/**
 * Reads `VERCEL_TOKEN` and `VERCEL_API_URL` through Effect `Config`; the policy is passed in code.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  resilience?: Partial<Resilience.ResiliencePolicy>
): Layer.Layer<Services, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.provideMerge(layerFromConfig({ resilience }), VercelConfig.layerConfig)
