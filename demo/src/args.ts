/**
 * The command line: the demo by default, a real revocation only with `--live <tokenId>`.
 */

export type Command =
  | { readonly _tag: "Demo" }
  | { readonly _tag: "Live"; readonly tokenId: string }
  | { readonly _tag: "Help" }
  | { readonly _tag: "Usage"; readonly problem: string }

export const usage = `usage: pnpm demo [-- --live <tokenId>]

  (no arguments)      run the demo against a local Vercel-like server (loopback only, no token needed)
  --live <tokenId>    revoke the real token <tokenId> at api.vercel.com (or VERCEL_API_URL),
                      authenticated by the token in VERCEL_TOKEN`

export const parseArgs = (argv: ReadonlyArray<string>): Command => {
  // `pnpm demo -- --live x` hands the "--" on to the script, and `pnpm demo --live x` does not: accept both.
  const args = argv.filter((arg) => arg !== "--")
  if (args.length === 0) return { _tag: "Demo" }
  if (args.length === 1 && (args[0] === "--help" || args[0] === "-h")) return { _tag: "Help" }
  const [flag, value, ...rest] = args
  const inline = flag?.startsWith("--live=") === true ? flag.slice("--live=".length) : undefined
  if (inline !== undefined && value === undefined) return live(inline)
  if (flag === "--live" && rest.length === 0) return live(value)
  return { _tag: "Usage", problem: `unexpected arguments: ${args.join(" ")}` }
}

const live = (tokenId: string | undefined): Command =>
  tokenId === undefined || tokenId.trim() === "" || tokenId.startsWith("-")
    ? { _tag: "Usage", problem: "--live needs the id of the token to revoke, e.g. --live tok_abc123" }
    : { _tag: "Live", tokenId }
