/**
 * The synchronous checks of `createVercelAuth`, made once: a client that cannot work fails where it
 * is made, with a message that names the option or environment variable to fix, instead of on its
 * first call. The environment is read through Effect `Config`, and the token is `Redacted` from the
 * moment it is read.
 */
import * as Resilience from "@vercel-auth/core/Resilience"
import * as VercelConfig from "@vercel-auth/core/VercelConfig"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type { Options } from "../VercelAuthClient.js"

const prefix = "createVercelAuth"

export interface Resolved {
  /** `undefined` when no token was given: the client can then only do the SSO exchange. */
  readonly config: VercelConfig.Service | undefined
  readonly endpoint: { readonly baseUrl: string; readonly userAgent: string }
  readonly policy: Resilience.ResolvedPolicy
  readonly options: Options
}

/** The error of a token operation on a client made without a token. */
export const missingToken = (): Error =>
  new Error(
    `${prefix}: no Vercel token. Pass the \`token\` option, or set the VERCEL_TOKEN environment variable ` +
      "(create a token at https://vercel.com/account/tokens). Nothing was sent."
  )

const describeConfigError = (error: ConfigError.ConfigError): string =>
  ConfigError.reduceWithContext(error, undefined, {
    andCase: (_, left, right) => `${left}; ${right}`,
    orCase: (_, left, right) => `${left}; ${right}`,
    invalidDataCase: (_, path, message) =>
      message.startsWith(path.join(".")) ? message : `${path.join(".")}: ${message}`,
    missingDataCase: (_, path, message) => `${path.join(".")}: ${message}`,
    sourceUnavailableCase: (_, path, message) => `${path.join(".")}: ${message}`,
    unsupportedCase: (_, path, message) => `${path.join(".")}: ${message}`
  })

const fromEnv = (name: string) => Config.option(Config.nonEmptyString(name))

const resolveEffect = (options: Options) =>
  Effect.gen(function*() {
    const envToken = options.token === undefined ? yield* Config.option(Config.redacted(fromEnvName)) : Option.none()
    const token = options.token !== undefined ? Option.some(Redacted.make(options.token)) : envToken
    const envUrl = options.baseUrl === undefined ? yield* fromEnv("VERCEL_API_URL") : Option.none()
    const sources: VercelConfig.Sources = {
      token: options.token === undefined ? fromEnvName : "token",
      baseUrl: Option.isSome(envUrl) ? "VERCEL_API_URL" : "baseUrl",
      userAgent: "userAgent"
    }
    const where = { baseUrl: options.baseUrl ?? Option.getOrUndefined(envUrl), userAgent: options.userAgent }
    // An empty or blank token is as good as none: the client then does only the SSO exchange.
    // eslint-disable-next-line no-restricted-syntax -- only its blankness is looked at
    const present = Option.filter(token, (value) => Redacted.value(value).trim() !== "")
    const config = Option.isSome(present)
      ? yield* VercelConfig.make({ ...where, token: present.value }, sources)
      : undefined
    const endpoint = config ?? (yield* VercelConfig.endpoint(where, sources))
    const policy = yield* Resilience.resolve(options.resilience)
    return {
      config,
      endpoint: { baseUrl: endpoint.baseUrl, userAgent: endpoint.userAgent },
      policy,
      options
    }
  })

const fromEnvName = "VERCEL_TOKEN"

/**
 * Checks the options once. Throws an `Error` naming the option or variable at fault: a token or
 * User-Agent that cannot go into a header, a bad base URL, a policy that cannot work.
 */
export const resolveOptions = (options: Options): Resolved => {
  const exit = Effect.runSyncExit(resolveEffect(options))
  if (Exit.isSuccess(exit)) return exit.value
  const error = Cause.failureOption(exit.cause)
  throw new Error(
    Option.isSome(error) ? `${prefix}: ${describeConfigError(error.value)}` : `${prefix}: invalid options`
  )
}
