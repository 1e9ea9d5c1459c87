/**
 * Where the CLI talks: stdout for results (a table, JSON lines, or a new token alone), stderr for
 * everything said to the person (progress, the selection, notes, errors), and the terminal for the
 * one question it asks. Terminal text is sanitised: a token name or a leak URL could hold escape
 * sequences, and printing those raw would let them rewrite the responder's screen.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Readline from "node:readline"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** One line (or several) on stdout; a newline is added. */
  readonly out: (text: string) => Effect.Effect<void>
  /** One line (or several) on stderr; a newline is added. */
  readonly err: (text: string) => Effect.Effect<void>
  /** Raw text on stderr, for the progress bar that rewrites its own line. */
  readonly errRaw: (text: string) => Effect.Effect<void>
  readonly stdinIsTTY: boolean
  readonly stderrIsTTY: boolean
  /** Asks a yes/no question on the terminal; only "y" or "yes" is yes. End of input or Ctrl-C is no. */
  readonly confirm: (question: string) => Effect.Effect<boolean>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Io extends Context.Tag("@vercel-auth/cli/Io")<Io, Service>() {}

/**
 * Replaces control characters (escape sequences, newlines and bidirectional overrides included)
 * with `\ufffd`, so that text from the API cannot act on the terminal or break a table row.
 *
 * @since 0.1.0
 * @category formatting
 */
export const sanitize = (text: string): string =>
  // eslint-disable-next-line no-control-regex -- that is the point
  text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, "\ufffd")

/**
 * Removes ANSI styling, for `@effect/cli`'s help text when stdout is not a terminal (or `NO_COLOR`).
 *
 * @since 0.1.0
 * @category formatting
 */
// eslint-disable-next-line no-control-regex -- ANSI CSI sequences
export const stripAnsi = (text: string): string => text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, "")

const write = (stream: NodeJS.WriteStream) => (text: string) => Effect.sync(() => void stream.write(text))

const confirm = (question: string): Effect.Effect<boolean> =>
  Effect.async<boolean>((resume) => {
    const rl = Readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true })
    let answered = false
    const answer = (yes: boolean) => {
      if (answered) return
      answered = true
      rl.close()
      resume(Effect.succeed(yes))
    }
    rl.question(question, (text) => answer(/^\s*y(es)?\s*$/i.test(text)))
    // Without a listener, readline would only pause on Ctrl-C and leave the question hanging.
    rl.on("SIGINT", () => {
      process.stderr.write("\n")
      answer(false)
    })
    rl.on("close", () => answer(false))
    return Effect.sync(() => {
      answered = true
      rl.close()
    })
  })

/**
 * The process's own streams.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Io> = Layer.sync(Io, () => ({
  out: (text) => write(process.stdout)(`${text}\n`),
  err: (text) => write(process.stderr)(`${text}\n`),
  errRaw: write(process.stderr),
  stdinIsTTY: process.stdin.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
  confirm
}))
