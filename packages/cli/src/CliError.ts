/**
 * How a command ends when it does not end well, and the exit code each way means: 2 for a usage or
 * configuration mistake (nothing was sent), 1 when something that was attempted failed.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"

/**
 * A usage or configuration mistake, or a refusal (no `--yes`): nothing was sent. Exit code 2.
 *
 * @since 0.1.0
 * @category errors
 */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

/**
 * An operation failed after requests were sent (the token was refused, Vercel answered an error).
 * Exit code 1; `message` is the one line said on stderr.
 *
 * @since 0.1.0
 * @category errors
 */
export class CommandFailed extends Data.TaggedError("CommandFailed")<{ readonly message: string }> {}

/**
 * Some items of a bulk command failed; each was already reported. Exit code 1, nothing more to say.
 *
 * @since 0.1.0
 * @category errors
 */
export class ItemsFailed extends Data.TaggedError("ItemsFailed")<{ readonly failed: number }> {}

/**
 * The CLI's error for a failed token operation: refused before sending (an invalid id or input, so
 * a usage mistake, exit 2), or failed after (exit 1). The message is the library's, written for the
 * person reading it, and never holds the token.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromTokenError = (
  error: { readonly _tag: string; readonly message: string },
  suffix = ""
): UsageError | CommandFailed =>
  error._tag === "InvalidInput" || error._tag === "InvalidTokenId"
    ? new UsageError({ message: error.message })
    : new CommandFailed({ message: `${error.message}${suffix}` })

/**
 * @since 0.1.0
 * @category errors
 */
export type CliError = UsageError | CommandFailed | ItemsFailed

/**
 * @since 0.1.0
 * @category exit codes
 */
export const exitCode = (error: CliError): 1 | 2 => error._tag === "UsageError" ? 2 : 1
