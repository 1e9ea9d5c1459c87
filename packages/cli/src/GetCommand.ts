/**
 * `vercel-auth tokens get <id|current> [--json]`: one token's metadata.
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import { fromTokenError } from "./CliError.js"
import * as Credentials from "./Credentials.js"
import * as Ids from "./Ids.js"
import { Io } from "./Io.js"
import * as Records from "./Records.js"
import * as Session from "./Session.js"
import * as TokenView from "./TokenView.js"

const spec = {
  id: Args.text({ name: "id" }).pipe(
    Args.withDescription("A token id, or `current` for the token this command runs as.")
  ),
  json: Options.boolean("json").pipe(Options.withDescription("The token as one JSON object on stdout.")),
  ...Credentials.options
}

/**
 * @since 0.1.0
 * @category handlers
 */
export const handler = (config: Command.Command.ParseConfig<typeof spec>) =>
  Effect.gen(function*() {
    const io = yield* Io
    const [id] = yield* Ids.check([config.id], ["--token-file", "--api-url"])
    yield* Session.withTokens(config, (tokens) =>
      Effect.gen(function*() {
        const token = yield* Effect.mapError(tokens.get(id!), (error) => fromTokenError(error))
        const current = id === "current"
        yield* io.out(config.json ? JSON.stringify(Records.token(token, current)) : TokenView.card(token, current))
      }))
  })

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("get", spec, handler).pipe(
  Command.withDescription("Show one token's metadata (never its secret).")
)
