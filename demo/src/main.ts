/**
 * `pnpm demo`: a leaked-token incident on an embedded Vercel-like server, handled with the real
 * `vercel-auth` executable (built by the root `demo` script just before). Exit code 0 when every step
 * ended as expected, 1 otherwise, 2 for arguments it does not take.
 */
import { runIncident } from "./incident.js"

const usage = `usage: pnpm demo

Runs the vercel-auth CLI (packages/cli/dist/vercel-auth.mjs) through a leaked-token incident on a
local Vercel-like server: list, find the leaked tokens, dry-run, revoke them in bulk through a rate
limit and a flaky network, rotate the CI token, and show the JSON record. Loopback only, made-up
tokens, no Vercel account needed. For the real API: docs/incident-response.md.`

// `pnpm demo -- --help` hands the "--" on to the script.
const args = process.argv.slice(2).filter((arg) => arg !== "--")

if (args.length === 1 && (args[0] === "--help" || args[0] === "-h")) {
  console.log(usage)
} else if (args.length > 0) {
  console.error(`unexpected arguments: ${args.join(" ")}\n\n${usage}`)
  process.exitCode = 2
} else {
  try {
    const incident = await runIncident()
    process.exitCode = incident.ok ? 0 : 1
  } catch (error) {
    console.error("the demo failed:", error instanceof Error ? error.message : error)
    process.exitCode = 1
  }
}
