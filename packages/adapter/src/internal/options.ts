/**
 * The synchronous checks of `createVercelAuth`: a client that cannot work fails where it is made,
 * with a message that says which option to fix, instead of on its first revocation.
 */
import * as Resilience from "@vercel-auth/core/Resilience"
import type * as VercelAuth from "@vercel-auth/core/VercelAuth"
import * as VercelConfig from "@vercel-auth/core/VercelConfig"
import * as Cause from "effect/Cause"
import * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import type { Options } from "../VercelAuthClient.js"

const prefix = "createVercelAuth"

const missingToken = () =>
  new Error(
    `${prefix}: no Vercel token. Pass the \`token\` option, or set the VERCEL_TOKEN environment variable ` +
      "(create a token at https://vercel.com/account/tokens). Nothing was sent."
  )

const describeConfigError = (error: ConfigError.ConfigError): string =>
  ConfigError.reduceWithContext(error, undefined, {
    andCase: (_, left, right) => `${left}; ${right}`,
    orCase: (_, left, right) => `${left}; ${right}`,
    invalidDataCase: (_, path, message) => `invalid option \`${path.join(".")}\`: ${message}`,
    missingDataCase: (_, path, message) => `missing option \`${path.join(".")}\`: ${message}`,
    sourceUnavailableCase: (_, path, message) => `option \`${path.join(".")}\`: ${message}`,
    unsupportedCase: (_, path, message) => `option \`${path.join(".")}\`: ${message}`
  })

/**
 * The options core's layers get, with the token and base URL taken from the environment when they
 * were not passed. Throws an `Error` for a missing token or a bad base URL, and core's `RangeError`
 * for a policy that cannot work.
 */
export const resolveOptions = (options: Options): VercelAuth.Options & { readonly token: string } => {
  const token = options.token ?? process.env.VERCEL_TOKEN
  // An empty or blank token is as good as none; sending it would only earn a 401 later.
  if (typeof token !== "string" || token.trim() === "") throw missingToken()
  const baseUrl = options.baseUrl ?? nonEmpty(process.env.VERCEL_API_URL)
  const resolved = {
    token,
    baseUrl,
    userAgent: options.userAgent,
    resilience: options.resilience
  }
  const config = Effect.runSyncExit(VercelConfig.make(resolved))
  if (Exit.isFailure(config)) {
    const error = Cause.failureOption(config.cause)
    throw new Error(
      Option.isSome(error) ? `${prefix}: ${describeConfigError(error.value)}` : `${prefix}: invalid options`
    )
  }
  Resilience.resolve(options.resilience)
  return resolved
}

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === "" ? undefined : value
