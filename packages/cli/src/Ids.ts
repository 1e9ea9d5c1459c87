/**
 * Token ids from the command line, checked before anything is sent. `@effect/cli` takes an unknown
 * `--flag` placed among positional arguments for an argument, so a leading `-` is refused here as
 * the unknown option it almost certainly is (no Vercel token id starts with one).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { UsageError } from "./CliError.js"
import { sanitize } from "./Io.js"
import { services } from "./Session.js"

/**
 * The ids, each checked as core would check it, duplicates dropped (first one kept).
 *
 * @since 0.1.0
 * @category constructors
 */
export const check = (
  ids: ReadonlyArray<string>,
  known: ReadonlyArray<string>
): Effect.Effect<ReadonlyArray<string>, UsageError> =>
  Effect.flatMap(services, ({ TokenService }) => {
    const seen = new Set<string>()
    for (const id of ids) {
      if (id.startsWith("-")) {
        const flag = id.split("=")[0]!
        return Effect.fail(
          new UsageError({
            message: known.includes(flag)
              ? `${sanitize(flag)} needs a value; see --help`
              : `unknown option ${JSON.stringify(sanitize(flag))}; see --help`
          })
        )
      }
      const decoded = TokenService.decodeTokenId(id, "delete")
      if (Either.isLeft(decoded)) {
        return Effect.fail(
          new UsageError({ message: `${JSON.stringify(sanitize(id))} is not a token id: ${decoded.left.message}` })
        )
      }
      seen.add(id)
    }
    return Effect.succeed(Array.from(seen))
  })
