/**
 * The `vercel-auth` executable. A command line that only asks for help or the version
 * (`vercel-auth --help`, `vercel-auth tokens revoke -h`, `vercel-auth --version`) is answered from
 * the text `@effect/cli` rendered for it at build time; anything else imports the program (`main.ts`).
 * In the bundle that `import()` is a separate chunk, so the help path never loads, compiles or runs
 * Effect, `@effect/cli` or the client: someone reading `--help` in the middle of an incident gets it
 * at once.
 *
 * @since 0.1.0
 */
import { helpTexts } from "./internal/helpTexts.js"

const args = process.argv.slice(2)
const last = args.at(-1)
const key = last === "--help" || last === "-h" ? args.slice(0, -1).join(" ") : args.join(" ")
const text = args.length === 1 && last === "--version"
  ? helpTexts["--version"]
  : last === "--help" || last === "-h"
  ? helpTexts[key]
  : undefined

if (text !== undefined) {
  // The same rule as the program's own help output (Cli.ts).
  const forced = process.env.FORCE_COLOR
  const color = forced !== undefined && forced !== "" && forced !== "0"
    ? true
    : process.stdout.isTTY === true && process.env.NO_COLOR === undefined
  // eslint-disable-next-line no-control-regex -- ANSI CSI sequences
  process.stdout.write(color ? text : text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, ""))
} else {
  await import("./main.js")
}
