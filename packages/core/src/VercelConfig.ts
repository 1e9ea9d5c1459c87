/**
 * Where and as whom to call the Vercel API: the bearer token (always `Redacted`), the base URL and
 * the User-Agent. Every mistake in them is a `ConfigError` at construction that names the option, or
 * the environment variable the value came from, and never contains the token.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { normalizeBaseUrl } from "./internal/baseUrl.js"
import { checkToken, checkUserAgent } from "./internal/headerValues.js"
import { defaultUserAgent } from "./internal/version.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly token: Redacted.Redacted<string>
  /** Absolute http(s) origin without a path or trailing slash. */
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
  /** Surrounding whitespace (the newline of a token read from a file) is trimmed. */
  readonly token: string | Redacted.Redacted<string>
  /** Defaults to `https://api.vercel.com`. No path: Vercel's API has none. Plain http only for loopback hosts. */
  readonly baseUrl?: string | undefined
  /** Your application's product token, put before this package's own. */
  readonly userAgent?: string | undefined
}

/**
 * What to call each setting in an error: the option's name, or the variable a value was read from.
 *
 * @since 0.2.0
 * @category models
 */
export interface Sources {
  readonly token: string
  readonly baseUrl: string
  readonly userAgent: string
}

/**
 * @since 0.2.0
 * @category constants
 */
export const optionSources: Sources = { token: "token", baseUrl: "baseUrl", userAgent: "userAgent" }

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultBaseUrl = "https://api.vercel.com"

const invalid = (source: string, message: string) => Effect.fail(ConfigError.InvalidData([source], message))

/**
 * Validates the options. A missing token, a token or User-Agent that cannot be sent in a header, or a
 * bad base URL fails with a `ConfigError` that names `sources` (the options by default), never the
 * token's value.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options,
  sources: Sources = optionSources
): Effect.Effect<Service, ConfigError.ConfigError> =>
  Effect.suspend(() => {
    const raw = options.token
    // eslint-disable-next-line no-restricted-syntax -- checked here, once, and wrapped again at once
    const value = typeof raw === "string" ? raw : Redacted.isRedacted(raw) ? Redacted.value(raw) : undefined
    if (typeof value !== "string" || value.trim() === "") {
      return invalid(sources.token, `${sources.token}: the Vercel token is missing or empty`)
    }
    const token = checkToken(value)
    if (Either.isLeft(token)) return invalid(sources.token, `${sources.token}: ${token.left}`)
    return Effect.map(endpoint(options, sources), (where) => ({ token: Redacted.make(token.right), ...where }))
  })

/**
 * Checks the base URL and User-Agent alone, for services that send no token (the SSO exchange).
 *
 * @since 0.2.0
 * @category constructors
 */
export const endpoint = (
  options: { readonly baseUrl?: string | undefined; readonly userAgent?: string | undefined },
  sources: Sources = optionSources
): Effect.Effect<Omit<Service, "token">, ConfigError.ConfigError> =>
  Effect.suspend(() => {
    const baseUrl = normalizeBaseUrl(options.baseUrl ?? defaultBaseUrl)
    if (Either.isLeft(baseUrl)) return invalid(sources.baseUrl, `${sources.baseUrl} ${baseUrl.left}`)
    const product = options.userAgent === undefined ? Either.right("") : checkUserAgent(options.userAgent)
    if (Either.isLeft(product)) return invalid(sources.userAgent, `${sources.userAgent}: ${product.left}`)
    return Effect.succeed({
      baseUrl: baseUrl.right,
      userAgent: product.right === "" ? defaultUserAgent : `${product.right} ${defaultUserAgent}`
    })
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<VercelConfig, ConfigError.ConfigError> =>
  Layer.effect(VercelConfig, make(options))

/**
 * Reads `VERCEL_TOKEN` (required, redacted) and `VERCEL_API_URL` (optional) through Effect `Config`;
 * an error names the variable.
 *
 * @since 0.2.0
 * @category constructors
 */
export const fromEnv: Effect.Effect<Service, ConfigError.ConfigError> = Effect.flatMap(
  Config.all({
    token: Config.redacted("VERCEL_TOKEN"),
    baseUrl: Config.option(Config.nonEmptyString("VERCEL_API_URL"))
  }),
  ({ baseUrl, token }) =>
    make({ token, baseUrl: Option.getOrUndefined(baseUrl) }, {
      token: "VERCEL_TOKEN",
      baseUrl: "VERCEL_API_URL",
      userAgent: "userAgent"
    })
)

/**
 * Reads `VERCEL_TOKEN` (required, redacted) and `VERCEL_API_URL` (optional) through Effect `Config`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: Layer.Layer<VercelConfig, ConfigError.ConfigError> = Layer.effect(VercelConfig, fromEnv)
