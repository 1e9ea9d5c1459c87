/**
 * Where and as whom to call the Vercel API: the bearer token (always `Redacted`), the base URL and
 * the User-Agent.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { normalizeBaseUrl } from "./internal/baseUrl.js"
import { defaultUserAgent } from "./internal/version.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly token: Redacted.Redacted<string>
  /** Absolute http(s) URL without a trailing slash. */
  readonly baseUrl: string
  /** The full User-Agent header value; it always names this package and its version. */
  readonly userAgent: string
}

/**
 * @since 0.1.0
 * @category tags
 */
export class VercelConfig extends Context.Tag("@vercel-auth/core/VercelConfig")<VercelConfig, Service>() {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly token: string | Redacted.Redacted<string>
  /** Defaults to `https://api.vercel.com`. Plain http is accepted only for loopback hosts. */
  readonly baseUrl?: string | undefined
  /** Your application's product token, put before this package's own. */
  readonly userAgent?: string | undefined
}

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultBaseUrl = "https://api.vercel.com"

/**
 * Validates the options. An empty token or a bad base URL fails with a `ConfigError` that names the
 * option, never the token's value.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service, ConfigError.ConfigError> =>
  Effect.suspend(() => {
    // A Redacted token is taken as given: looking inside would unwrap it outside the request.
    if (typeof options.token === "string" ? options.token.trim() === "" : !Redacted.isRedacted(options.token)) {
      return Effect.fail(ConfigError.InvalidData(["token"], "the Vercel token is missing or empty"))
    }
    const token = typeof options.token === "string" ? Redacted.make(options.token) : options.token
    const baseUrl = normalizeBaseUrl(options.baseUrl ?? defaultBaseUrl)
    if (Either.isLeft(baseUrl)) {
      return Effect.fail(ConfigError.InvalidData(["baseUrl"], baseUrl.left))
    }
    const userAgent = options.userAgent === undefined || options.userAgent.trim() === ""
      ? defaultUserAgent
      : `${options.userAgent.trim()} ${defaultUserAgent}`
    return Effect.succeed({ token, baseUrl: baseUrl.right, userAgent })
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<VercelConfig, ConfigError.ConfigError> =>
  Layer.effect(VercelConfig, make(options))

/**
 * Reads `VERCEL_TOKEN` (required, redacted) and `VERCEL_API_URL` (optional) through Effect `Config`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: Layer.Layer<VercelConfig, ConfigError.ConfigError> = Layer.effect(
  VercelConfig,
  Effect.flatMap(
    Config.all({
      token: Config.redacted("VERCEL_TOKEN"),
      baseUrl: Config.option(Config.nonEmptyString("VERCEL_API_URL"))
    }),
    ({ baseUrl, token }) => make({ token, baseUrl: baseUrl._tag === "Some" ? baseUrl.value : undefined })
  )
)
