/**
 * Where the CLI gets its token and base URL: `VERCEL_TOKEN` or `--token-file <path>` (never an
 * argument, which `ps` and shell history would show), and `--api-url` or `VERCEL_API_URL`. Every
 * mistake is one `UsageError` line, found before anything is sent, that never contains the token.
 *
 * @since 0.1.0
 */
import * as Options from "@effect/cli/Options"
import type { VercelAuthNode } from "@vercel-auth/adapter"
import type * as VercelConfig from "@vercel-auth/core/VercelConfig"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Fs from "node:fs"
import { UsageError } from "./CliError.js"
import { userAgent } from "./internal/version.js"

/**
 * `--token-file` and `--api-url`, accepted by every command.
 *
 * @since 0.1.0
 * @category options
 */
export const options = {
  tokenFile: Options.text("token-file").pipe(
    Options.withPseudoName("path"),
    Options.withDescription(
      "Read the Vercel token from this file (a trailing newline is ignored) instead of VERCEL_TOKEN."
    ),
    Options.optional
  ),
  apiUrl: Options.text("api-url").pipe(
    Options.withPseudoName("url"),
    Options.withDescription("The API's base URL instead of VERCEL_API_URL or https://api.vercel.com."),
    Options.optional
  )
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Raw {
  readonly tokenFile: Option.Option<string>
  readonly apiUrl: Option.Option<string>
}

/**
 * The CLI's policy: a bulk revocation waits as long as Vercel's rate limit asks (a window is a
 * minute or so) rather than failing the tokens past the library's 30 s default. Ctrl-C still stops
 * everything at once.
 *
 * @since 0.1.0
 * @category constants
 */
export const resilience = {
  deadline: Duration.minutes(5),
  maxServerWait: Duration.minutes(5)
}

// Bigger than any token; a bigger "token file" is the wrong file, and is not read into memory whole.
const maxTokenFileBytes = 64 * 1024

const readTokenFile = (path: string): Effect.Effect<Redacted.Redacted<string>, UsageError> =>
  Effect.try({
    try: () => {
      const stat = Fs.statSync(path)
      if (!stat.isFile()) throw Object.assign(new Error("not a file"), { code: "ENOTFILE" })
      if (stat.size > maxTokenFileBytes) throw Object.assign(new Error("too large"), { code: "ETOOBIG" })
      return Fs.readFileSync(path, "utf8")
    },
    catch: (error) => {
      const code = (error as { code?: unknown }).code
      const why = code === "ENOENT"
        ? "no such file"
        : code === "EACCES" || code === "EPERM"
        ? "permission denied"
        : code === "ENOTFILE" || code === "EISDIR"
        ? "not a regular file"
        : code === "ETOOBIG"
        ? `larger than ${maxTokenFileBytes} bytes, so not a token`
        : typeof code === "string"
        ? code
        : "unreadable"
      return new UsageError({ message: `--token-file ${JSON.stringify(path)}: cannot read it (${why})` })
    }
  }).pipe(
    // Only the trailing line break goes: other surrounding whitespace is refused by the token check below.
    Effect.map((text) => Redacted.make(text.replace(/\r?\n$/, "")))
  )

/**
 * The one line a `ConfigError` says.
 *
 * @since 0.1.0
 * @category formatting
 */
export const configMessage = (error: ConfigError.ConfigError): string =>
  ConfigError.isInvalidData(error) || ConfigError.isMissingData(error) ? error.message : String(error)

/**
 * The options of `VercelAuthNode.layer`, checked with core's `VercelConfig.make` (passed in, as it is
 * loaded lazily): a token is present and can be sent, the base URL is an absolute http(s) origin.
 * Errors name the flag or variable, never the token's value.
 *
 * @since 0.1.0
 * @category constructors
 */
export const resolve = (
  raw: Raw,
  config: Pick<typeof VercelConfig, "make">
): Effect.Effect<VercelAuthNode.Options, UsageError> =>
  Effect.gen(function*() {
    const env = yield* Config.all({
      token: Config.option(Config.redacted("VERCEL_TOKEN")),
      apiUrl: Config.option(Config.string("VERCEL_API_URL"))
    }).pipe(Effect.orElseSucceed(() => ({ token: Option.none(), apiUrl: Option.none() })))
    const fromFile = Option.isSome(raw.tokenFile)
    const token = fromFile
      ? yield* readTokenFile(raw.tokenFile.value)
      : Option.getOrUndefined(env.token)
    if (token === undefined) {
      return yield* new UsageError({
        message: "no Vercel token: set VERCEL_TOKEN or pass --token-file <path> (never the token itself as an argument)"
      })
    }
    const baseUrl = Option.isSome(raw.apiUrl)
      ? { value: raw.apiUrl.value, source: "--api-url" }
      : Option.isSome(env.apiUrl) && env.apiUrl.value.trim() !== ""
      ? { value: env.apiUrl.value.trim(), source: "VERCEL_API_URL" }
      : undefined
    const checked = yield* config.make(
      { token, baseUrl: baseUrl?.value, userAgent },
      {
        token: fromFile
          ? `--token-file ${JSON.stringify(raw.tokenFile.pipe(Option.getOrElse(() => "")))}`
          : "VERCEL_TOKEN",
        baseUrl: baseUrl?.source ?? "baseUrl",
        userAgent: "userAgent"
      }
    ).pipe(Effect.mapError((error) => new UsageError({ message: configMessage(error) })))
    return { token: checked.token, baseUrl: checked.baseUrl, userAgent, resilience }
  })
