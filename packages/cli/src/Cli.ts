/**
 * The command tree of `vercel-auth` and its one entry point, `run(argv)`, which turns every way a
 * run can end into an exit code: 0 all done, 1 something attempted failed, 2 a usage or
 * configuration mistake (nothing sent). A mistake is always one line on stderr: `@effect/cli` prints
 * its own parse errors as paragraphs on stderr, which are replaced by that line.
 *
 * @since 0.1.0
 */
import type * as CliApp from "@effect/cli/CliApp"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import { type CliError, exitCode, UsageError } from "./CliError.js"
import * as CreateCommand from "./CreateCommand.js"
import * as GetCommand from "./GetCommand.js"
import { packageVersion } from "./internal/version.js"
import { Io, sanitize, stripAnsi } from "./Io.js"
import * as ListCommand from "./ListCommand.js"
import * as RevokeCommand from "./RevokeCommand.js"
import * as RotateCommand from "./RotateCommand.js"

const commandNames = ["list", "get", "create", "revoke", "rotate"]

const missing = (what: string) => () => Effect.fail(new UsageError({ message: `missing command: ${what}; see --help` }))

/**
 * `vercel-auth tokens list | get | create | revoke | rotate`.
 *
 * @since 0.1.0
 * @category commands
 */
export const tokens = Command.make("tokens", {}, missing("vercel-auth tokens list | get | create | revoke | rotate"))
  .pipe(
    Command.withDescription("Find, revoke, create and rotate Vercel tokens."),
    Command.withSubcommands([
      ListCommand.command,
      GetCommand.command,
      CreateCommand.command,
      RevokeCommand.command,
      RotateCommand.command
    ])
  )

/**
 * @since 0.1.0
 * @category commands
 */
export const root = Command.make("vercel-auth", {}, missing("vercel-auth tokens <command>")).pipe(
  Command.withDescription(
    "Incident response for Vercel tokens. The token comes from VERCEL_TOKEN or --token-file <path>, never an argument."
  ),
  Command.withSubcommands([tokens])
)

const cli = Command.run(root, { name: "vercel-auth", version: packageVersion, executable: "vercel-auth" })

/**
 * `--help` (or `-h`) anywhere on the line shows the help of the command named before it:
 * `@effect/cli` honours it only right after the command, and otherwise refuses it as an unknown
 * argument, which is no answer for someone asking for help.
 */
const withHelpAnywhere = (argv: ReadonlyArray<string>): ReadonlyArray<string> => {
  const args = argv.slice(2)
  if (!args.includes("--help") && !args.includes("-h")) return argv
  const path = args[0] === "tokens" ? commandNames.includes(args[1] ?? "") ? args.slice(0, 2) : ["tokens"] : []
  return [...argv.slice(0, 2), ...path, "--help"]
}

const oneLine = (text: string): string => sanitize(stripAnsi(text).replace(/\s+/g, " ").trim())

/**
 * `@effect/cli` reports an unknown command from the top ("Invalid subcommand for vercel-auth - use
 * 'tokens'", even for `tokens lisst`); this names the word that is wrong and the commands at its level.
 */
const unknownCommand = (args: ReadonlyArray<string>): string | undefined => {
  const words = args.filter((arg) => !arg.startsWith("-"))
  if (words.length === 0) return undefined
  if (words[0] !== "tokens") return `unknown command ${JSON.stringify(words[0])}; use: tokens`
  if (words[1] !== undefined && !commandNames.includes(words[1])) {
    return `unknown command ${JSON.stringify(`tokens ${words[1]}`)}; use one of: ${commandNames.join(", ")}`
  }
  return undefined
}

/** Every option that takes a value, in any command. */
const valueFlags = [
  "--name",
  "--unused-for",
  "--older-than",
  "--expires-in",
  "--project",
  "--team",
  "--token-file",
  "--api-url"
]

/**
 * `@effect/cli` calls a flag it already consumed, or one left without its value, an "unknown
 * argument": say which of the two it is, for a flag that exists.
 */
const misusedFlag = (text: string, args: ReadonlyArray<string>): string | undefined => {
  const flag = /^Received unknown argument: '(--[a-z-]+)'$/.exec(text)?.[1]
  if (flag === undefined) return undefined
  const uses = args.filter((arg) => arg === flag || arg.startsWith(`${flag}=`)).length
  if (uses > 1) return `${flag} is given more than once; see --help`
  if (valueFlags.includes(flag)) return `${flag} needs a value; see --help`
  return undefined
}

/** What a failed run says on stderr (nothing when it was already said) and its exit code. */
const verdict = (
  error: unknown,
  args: ReadonlyArray<string>
): { readonly message: string | undefined; readonly code: number } => {
  if (ValidationError.isValidationError(error)) {
    const unknown = ValidationError.isCommandMismatch(error) ? unknownCommand(args) : undefined
    if (unknown !== undefined) return { message: sanitize(unknown), code: 2 }
    const text = oneLine(HelpDoc.toAnsiText(error.error))
    const misused = misusedFlag(text, args)
    if (misused !== undefined) return { message: misused, code: 2 }
    return {
      message: `${text === "" ? "invalid command line" : text}${/--help/.test(text) ? "" : "; see --help"}`,
      code: 2
    }
  }
  const tagged = error as Partial<CliError>
  if (tagged._tag === "UsageError" || tagged._tag === "CommandFailed") {
    return { message: oneLine(tagged.message ?? ""), code: exitCode(tagged as CliError) }
  }
  if (tagged._tag === "ItemsFailed") return { message: undefined, code: 1 }
  return { message: oneLine(error instanceof Error ? error.message : String(error)), code: 1 }
}

/**
 * Runs the command line `argv` (`process.argv`: node, script, then the arguments) and returns the
 * exit code. Never fails: every failure has been said on stderr by then.
 *
 * @since 0.1.0
 * @category running
 */
export const run = (argv: ReadonlyArray<string>): Effect.Effect<number, never, Io | CliApp.CliApp.Environment> =>
  Effect.gen(function*() {
    const io = yield* Io
    // FORCE_COLOR=1 is how the build captures the styled help texts `bin.ts` answers with.
    const forced = process.env.FORCE_COLOR
    const color = forced !== undefined && forced !== "" && forced !== "0"
      ? true
      : process.stdout.isTTY === true && process.env.NO_COLOR === undefined
    const console = yield* Console.consoleWith(Effect.succeed)
    const quiet: Console.Console = {
      ...console,
      // @effect/cli's help, version and wizard text: kept, without styling unless stdout is a terminal.
      log: (...args: ReadonlyArray<unknown>) =>
        io.out(args.map((arg) => color ? String(arg) : stripAnsi(String(arg))).join(" ")),
      // Its parse errors: replaced by one line below.
      error: () => Effect.void
    }
    return yield* cli(withHelpAnywhere(argv)).pipe(
      Effect.as(0),
      Effect.withConsole(quiet),
      // Debug logs (--log-level debug) go to stderr, never into the results on stdout.
      Effect.provide(Logger.replace(Logger.defaultLogger, Logger.withConsoleError(Logger.logfmtLogger))),
      Effect.catchAll((error) => {
        const { code, message } = verdict(error, argv.slice(2))
        return message === undefined ? Effect.succeed(code) : Effect.as(io.err(`vercel-auth: ${message}`), code)
      }),
      // A bug of this program: still one line and exit 1, rather than a silent exit or a stack trace.
      Effect.catchAllDefect((defect) =>
        Effect.as(
          io.err(`vercel-auth: internal error: ${oneLine(defect instanceof Error ? defect.message : String(defect))}`),
          1
        )
      )
    )
  })
