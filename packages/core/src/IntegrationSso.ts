/**
 * Exchanging a Vercel integration's SSO authorization code (or refresh token) for tokens:
 * `POST /v1/integrations/sso/token`. It sends no bearer token; every secret in and out is `Redacted`,
 * and an exchange that may have reached Vercel is never sent again (a code works once).
 *
 * @since 0.2.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { checkGrant } from "./internal/inputs.js"
import { makeSso } from "./internal/sso.js"
import type { Resilience } from "./Resilience.js"
import type { SsoTokens } from "./Schemas.js"
import type { InvalidInput, SsoExchangeError } from "./TokenError.js"
import * as VercelConfig from "./VercelConfig.js"

/**
 * @since 0.2.0
 * @category models
 */
export type SsoGrant =
  | {
    readonly grantType: "authorization_code"
    readonly code: Redacted.Redacted<string>
    readonly clientId: string
    readonly clientSecret: Redacted.Redacted<string>
    readonly redirectUri?: string | undefined
    readonly state?: string | undefined
  }
  | {
    readonly grantType: "refresh_token"
    readonly refreshToken: Redacted.Redacted<string>
    readonly clientId: string
    readonly clientSecret: Redacted.Redacted<string>
  }

/**
 * @since 0.2.0
 * @category models
 */
export interface Service {
  readonly exchange: (grant: SsoGrant) => Effect.Effect<SsoTokens, SsoExchangeError>
}

/**
 * @since 0.2.0
 * @category tags
 */
export class IntegrationSso extends Context.Tag("@vercel-auth/core/IntegrationSso")<IntegrationSso, Service>() {}

/**
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /** Defaults to `https://api.vercel.com`. */
  readonly baseUrl?: string | undefined
  /** Your application's product token, put before this package's own. */
  readonly userAgent?: string | undefined
}

/**
 * The checks `exchange` makes before sending: the grant, or the `InvalidInput` naming the field at
 * fault (`grant.code` …). The test double checks with it too.
 *
 * @since 0.2.0
 * @category validation
 */
export const decodeGrant: (grant: SsoGrant) => Either.Either<SsoGrant, InvalidInput> = checkGrant

/**
 * The service over the `HttpClient.HttpClient` in context, with the policy and state of `Resilience`
 * (its own rate-limit bucket). Fails with a `ConfigError` for a bad base URL or User-Agent.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (
  options: Options = {}
): Effect.Effect<Service, ConfigError.ConfigError, HttpClient.HttpClient | Resilience | Scope.Scope> =>
  Effect.gen(function*() {
    return yield* makeSso(yield* VercelConfig.endpoint(options))
  })

/**
 * @since 0.2.0
 * @category layers
 */
export const layer = (
  options: Options = {}
): Layer.Layer<IntegrationSso, ConfigError.ConfigError, HttpClient.HttpClient | Resilience> =>
  Layer.scoped(IntegrationSso, make(options))

/**
 * The service at the base URL and User-Agent of `VercelConfig` (its token is not sent).
 *
 * @since 0.2.0
 * @category layers
 */
export const layerFromConfig: Layer.Layer<
  IntegrationSso,
  never,
  HttpClient.HttpClient | Resilience | VercelConfig.VercelConfig
> = Layer.scoped(
  IntegrationSso,
  Effect.gen(function*() {
    const { baseUrl, userAgent } = yield* VercelConfig.VercelConfig
    return yield* makeSso({ baseUrl, userAgent })
  })
)
