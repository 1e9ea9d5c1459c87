/**
 * `vercel-auth tokens rotate <id|current> [--name <name>] [--expires-in <duration>]`: creates the
 * replacement (the old token's name, and its lifetime counted from now, unless told otherwise),
 * prints its secret alone on stdout, then revokes the old token. The new secret is printed before the
 * revocation is tried, so that a failed revocation never loses it; then both tokens are live, and
 * stderr says so with both ids.
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import type { AuthToken } from "@vercel-auth/adapter"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { CommandFailed, fromTokenError, UsageError } from "./CliError.js"
import * as Credentials from "./Credentials.js"
import * as Duration from "./Duration.js"
import * as Ids from "./Ids.js"
import { Io, sanitize } from "./Io.js"
import * as Session from "./Session.js"

const spec = {
  id: Args.text({ name: "id" }).pipe(
    Args.withDescription("The token to replace, or `current` for the token this command runs as.")
  ),
  name: Options.text("name").pipe(
    Options.withPseudoName("name"),
    Options.withDescription("The new token's name; the old token's name without it."),
    Options.optional
  ),
  expiresIn: Options.text("expires-in").pipe(
    Options.withPseudoName("duration"),
    Options.withDescription(
      "Expire the new token this long from now (45s, 30m, 12h, 90d, 2w); the old token's lifetime without it."
    ),
    Options.optional
  ),
  ...Credentials.options
}

/** The old token's lifetime (`expiresAt − createdAt`) from now; `undefined` (never) when it had none. */
const inheritedExpiry = (old: AuthToken, now: number): Effect.Effect<number | undefined, UsageError> => {
  if (old.expiresAt === undefined) return Effect.succeed(undefined)
  const lifetime = old.expiresAt.getTime() - old.createdAt.getTime()
  return lifetime > 0
    ? Effect.succeed(now + lifetime)
    : Effect.fail(
      new UsageError({
        message: `${old.id} has no positive lifetime (it expires before it was created); pass --expires-in`
      })
    )
}

/**
 * @since 0.1.0
 * @category handlers
 */
export const handler = (config: Command.Command.ParseConfig<typeof spec>) =>
  Effect.gen(function*() {
    const io = yield* Io
    const [id] = yield* Ids.check([config.id], ["--name", "--expires-in", "--token-file", "--api-url"])
    const expiresInMs = Option.isSome(config.expiresIn)
      ? yield* Duration.parse("--expires-in", config.expiresIn.value)
      : undefined
    yield* Session.withTokens(config, (tokens) =>
      Effect.gen(function*() {
        const old = yield* Effect.mapError(tokens.get(id!), (error) => fromTokenError(error))
        const now = yield* Clock.currentTimeMillis
        const expiresAt = expiresInMs === undefined ? yield* inheritedExpiry(old, now) : now + expiresInMs
        const teams = (old.scopes ?? []).flatMap((scope) => "teamId" in scope ? [scope.teamId] : [])
        const created = yield* Effect.mapError(
          tokens.create({ name: Option.getOrElse(config.name, () => old.name), expiresAt }),
          (error) => fromTokenError(error, ` The old token ${old.id} was not revoked.`)
        )
        // eslint-disable-next-line no-restricted-syntax -- printing the new token is this command's job
        yield* io.out(Redacted.value(created.bearerToken))
        yield* io.err(
          `Created ${created.token.id} (${JSON.stringify(sanitize(created.token.name))}, ${
            created.token.expiresAt === undefined ? "never expires" : `expires ${created.token.expiresAt.toISOString()}`
          }) to replace ${old.id}. Its secret is on stdout and is shown only this once.`
        )
        if (teams.length > 0) {
          yield* io.err(
            `note: ${old.id} had team scopes (${
              teams.join(", ")
            }); the new token was created with the account's default scope`
          )
        }
        // `current` stays `current`: the old token is still the one authenticating this request.
        yield* tokens.delete(id === "current" ? "current" : old.id, { missingOk: true }).pipe(
          Effect.mapError((error) =>
            new CommandFailed({
              message:
                `both tokens are live: the new token ${created.token.id} was created, but revoking the old token ${old.id} failed: ${error.message} Revoke ${old.id} once the cause is fixed.`
            })
          )
        )
        yield* io.err(`Revoked ${old.id}.`)
      }))
  })

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("rotate", spec, handler).pipe(
  Command.withDescription("Replace a token: create the new one (same name and lifetime), then revoke the old one.")
)
