/**
 * `vercel-auth tokens create --name <name> [--expires-in <duration>] [--project <id>] [--team <id>]`:
 * creates a token and prints its secret once, alone on stdout (`> file` or `| secret-store put`), and
 * what was made on stderr.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { fromTokenError } from "./CliError.js"
import * as Credentials from "./Credentials.js"
import * as Duration from "./Duration.js"
import { Io, sanitize } from "./Io.js"
import * as Session from "./Session.js"

const spec = {
  name: Options.text("name").pipe(
    Options.withPseudoName("name"),
    Options.withDescription("The new token's name, as the dashboard shows it.")
  ),
  expiresIn: Options.text("expires-in").pipe(
    Options.withPseudoName("duration"),
    Options.withDescription("Expire the token this long from now (45s, 30m, 12h, 90d, 2w); never, without it."),
    Options.optional
  ),
  project: Options.text("project").pipe(
    Options.withPseudoName("id"),
    Options.withDescription("Limit the token to this project id."),
    Options.optional
  ),
  team: Options.text("team").pipe(
    Options.withPseudoName("id"),
    Options.withDescription("Create the token in this team's context."),
    Options.optional
  ),
  ...Credentials.options
}

/**
 * @since 0.1.0
 * @category handlers
 */
export const handler = (config: Command.Command.ParseConfig<typeof spec>) =>
  Effect.gen(function*() {
    const io = yield* Io
    const expiresInMs = Option.isSome(config.expiresIn)
      ? yield* Duration.parse("--expires-in", config.expiresIn.value)
      : undefined
    yield* Session.withTokens(config, (tokens) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const created = yield* Effect.mapError(
          tokens.create({
            name: config.name,
            expiresAt: expiresInMs === undefined ? undefined : now + expiresInMs,
            projectId: Option.getOrUndefined(config.project),
            teamId: Option.getOrUndefined(config.team)
          }),
          (error) => fromTokenError(error)
        )
        // The only place the secret leaves its Redacted: stdout, alone, once.
        // eslint-disable-next-line no-restricted-syntax -- printing the new token is this command's job
        yield* io.out(Redacted.value(created.bearerToken))
        yield* io.err(
          `Created ${created.token.id} (${JSON.stringify(sanitize(created.token.name))}, ${
            created.token.expiresAt === undefined ? "never expires" : `expires ${created.token.expiresAt.toISOString()}`
          }). Its secret is on stdout and is shown only this once.`
        )
      }))
  })

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("create", spec, handler).pipe(
  Command.withDescription("Create a token; its secret is printed once, alone on stdout.")
)
