/**
 * `pnpm demo`: the demo against a local server, or with `-- --live <tokenId>` a real revocation.
 */
import { parseArgs } from "./args.js"
import { run } from "./cli.js"

const command = parseArgs(process.argv.slice(2))

// Ctrl-C during a live revocation aborts the call (the connection closes, nothing more is sent)
// instead of killing the process mid-request. `once`: a second Ctrl-C kills it as usual.
const interrupt = new AbortController()
const onSigint = () => interrupt.abort()
if (command._tag === "Live") process.once("SIGINT", onSigint)

try {
  process.exitCode = await run(command, {
    env: process.env,
    log: (line) => console.log(line),
    error: (line) => console.error(line),
    signal: interrupt.signal
  })
} catch (error) {
  console.error("the demo failed:", error instanceof Error ? error.message : error)
  process.exitCode = 1
} finally {
  process.off("SIGINT", onSigint)
}
