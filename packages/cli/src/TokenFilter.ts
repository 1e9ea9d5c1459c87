/**
 * The filters of `list` and `revoke`: `--leaked`, `--expired`, `--unused-for`, `--older-than` and
 * `--name <glob>`. They combine with AND; no filter at all selects every token.
 *
 * @since 0.1.0
 */
import * as Options from "@effect/cli/Options"
import type { AuthToken } from "@vercel-auth/adapter"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type { UsageError } from "./CliError.js"
import * as Duration from "./Duration.js"

/**
 * The filters as given on the command line, durations already in milliseconds.
 *
 * @since 0.1.0
 * @category models
 */
export interface TokenFilter {
  /** Vercel reported the token leaked (`leakedAt` is set). */
  readonly leaked: boolean
  /** `expiresAt` is in the past. */
  readonly expired: boolean
  /** Last used (`activeAt`) more than this long ago. */
  readonly unusedForMs: number | undefined
  /** Created (`createdAt`) more than this long ago. */
  readonly olderThanMs: number | undefined
  /** A glob on the name: `*` any run of characters, `?` one character; the whole name must match. */
  readonly name: string | undefined
}

/**
 * The filter options, shared by `list` and `revoke`.
 *
 * @since 0.1.0
 * @category options
 */
export const options = {
  leaked: Options.boolean("leaked").pipe(Options.withDescription("Only tokens Vercel reported leaked.")),
  expired: Options.boolean("expired").pipe(Options.withDescription("Only tokens whose expiry has passed.")),
  unusedFor: Options.text("unused-for").pipe(
    Options.withPseudoName("duration"),
    Options.withDescription("Only tokens last used longer ago than this (45s, 30m, 12h, 90d, 2w)."),
    Options.optional
  ),
  olderThan: Options.text("older-than").pipe(
    Options.withPseudoName("duration"),
    Options.withDescription("Only tokens created longer ago than this (45s, 30m, 12h, 90d, 2w)."),
    Options.optional
  ),
  name: Options.text("name").pipe(
    Options.withPseudoName("glob"),
    Options.withDescription("Only tokens whose whole name matches this glob (* any characters, ? one character)."),
    Options.optional
  )
}

/**
 * The raw option values, as `@effect/cli` parses them.
 *
 * @since 0.1.0
 * @category models
 */
export interface Raw {
  readonly leaked: boolean
  readonly expired: boolean
  readonly unusedFor: Option.Option<string>
  readonly olderThan: Option.Option<string>
  readonly name: Option.Option<string>
}

/**
 * Checks the durations; a bad one is a `UsageError` naming its flag.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromRaw = (raw: Raw): Either.Either<TokenFilter, UsageError> => {
  const duration = (flag: string, value: Option.Option<string>) =>
    Option.match(value, {
      onNone: () => Either.right(undefined),
      onSome: (input) => Duration.parse(flag, input)
    })
  return Either.all({
    unusedForMs: duration("--unused-for", raw.unusedFor),
    olderThanMs: duration("--older-than", raw.olderThan)
  }).pipe(Either.map(({ olderThanMs, unusedForMs }) => ({
    leaked: raw.leaked,
    expired: raw.expired,
    unusedForMs,
    olderThanMs,
    name: Option.getOrUndefined(raw.name)
  })))
}

/**
 * Whether any filter is set. `revoke` with filters lists, selects and asks; with none it revokes only
 * the ids it is given.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isActive = (filter: TokenFilter): boolean =>
  filter.leaked || filter.expired || filter.unusedForMs !== undefined || filter.olderThanMs !== undefined ||
  filter.name !== undefined

/**
 * The glob as an anchored regular expression: `*` and `?` are the only special characters.
 *
 * @since 0.1.0
 * @category constructors
 */
export const globToRegExp = (glob: string): RegExp =>
  new RegExp(
    `^${
      Array.from(
        glob,
        (char) => char === "*" ? "[\\s\\S]*" : char === "?" ? "[\\s\\S]" : char.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")
      ).join("")
    }$`,
    "u"
  )

/**
 * The predicate of `filter` at the instant `now` (epoch ms).
 *
 * @since 0.1.0
 * @category predicates
 */
export const matches = (filter: TokenFilter, now: number): (token: AuthToken) => boolean => {
  const name = filter.name === undefined ? undefined : globToRegExp(filter.name)
  return (token) =>
    (!filter.leaked || token.leakedAt !== undefined) &&
    (!filter.expired || (token.expiresAt !== undefined && token.expiresAt.getTime() <= now)) &&
    (filter.unusedForMs === undefined || token.activeAt.getTime() < now - filter.unusedForMs) &&
    (filter.olderThanMs === undefined || token.createdAt.getTime() < now - filter.olderThanMs) &&
    (name === undefined || name.test(token.name))
}

/**
 * The filters in words, for the selection's heading: `leaked, unused for 90d`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const describe = (raw: Raw): string =>
  [
    raw.leaked ? "leaked" : undefined,
    raw.expired ? "expired" : undefined,
    Option.match(raw.unusedFor, { onNone: () => undefined, onSome: (d) => `unused for ${d}` }),
    Option.match(raw.olderThan, { onNone: () => undefined, onSome: (d) => `older than ${d}` }),
    Option.match(raw.name, { onNone: () => undefined, onSome: (glob) => `name ${JSON.stringify(glob)}` })
  ].filter((part) => part !== undefined).join(", ")
