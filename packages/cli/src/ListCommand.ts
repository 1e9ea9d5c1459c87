/**
 * `vercel-auth tokens list [filters] [--json]`: every token of the account, newest first, or those
 * the filters select. The calling token is listed too, marked, since knowing that the token in hand
 * is the leaked one matters; only `revoke` leaves it out of a selection.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { fromTokenError } from "./CliError.js"
import * as Credentials from "./Credentials.js"
import { Io } from "./Io.js"
import * as Records from "./Records.js"
import * as Session from "./Session.js"
import * as TokenFilter from "./TokenFilter.js"
import * as TokenView from "./TokenView.js"

const spec = {
  ...TokenFilter.options,
  json: Options.boolean("json").pipe(Options.withDescription("One JSON object per token on stdout.")),
  ...Credentials.options
}

/**
 * @since 0.1.0
 * @category handlers
 */
export const handler = (config: Command.Command.ParseConfig<typeof spec>) =>
  Effect.gen(function*() {
    const io = yield* Io
    const filter = yield* TokenFilter.fromRaw(config)
    yield* Session.withTokens(config, (tokens) =>
      Effect.gen(function*() {
        const [self, all] = yield* Effect.all([
          // Only to mark the calling token: a token that may list but not read itself still lists.
          Effect.option(tokens.get("current")),
          Stream.runCollect(tokens.list({ pageSize: 100 }))
        ], { concurrency: 2 }).pipe(Effect.mapError((error) => fromTokenError(error)))
        const selfId = Option.getOrUndefined(Option.map(self, (token) => token.id))
        const now = yield* Clock.currentTimeMillis
        const selected = Chunk.toReadonlyArray(all).filter(TokenFilter.matches(filter, now))
        if (config.json) {
          for (const token of selected) yield* io.out(JSON.stringify(Records.token(token, token.id === selfId)))
        } else if (selected.length === 0) {
          yield* io.err(TokenFilter.isActive(filter) ? "No token matches the filters." : "The account has no tokens.")
        } else {
          yield* io.out(TokenView.tokens(selected, selfId))
        }
      }))
  })

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("list", spec, handler).pipe(
  Command.withDescription("List the account's tokens, newest first; the filters combine with AND.")
)
