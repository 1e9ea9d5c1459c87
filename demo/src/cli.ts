/**
 * What the command line does, apart from the process it runs in: `main.ts` only wires this to
 * `process`, so a test can drive every path.
 */
import { type Command, usage } from "./args.js"
import { runLive } from "./live.js"
import { runDemo } from "./runDemo.js"

export interface Io {
  readonly env: Readonly<Record<string, string | undefined>>
  readonly log: (line: string) => void
  readonly error: (line: string) => void
  readonly signal?: AbortSignal | undefined
}

/** Runs `command` and returns the exit code. */
export const run = async (command: Command, io: Io): Promise<number> => {
  switch (command._tag) {
    case "Help":
      io.log(usage)
      return 0
    case "Usage":
      io.error(`${command.problem}\n\n${usage}`)
      return 2
    case "Live": {
      const token = io.env.VERCEL_TOKEN?.trim()
      if (token === undefined || token === "") {
        io.error(
          `--live revokes a real token at Vercel and needs an API token to do it: set VERCEL_TOKEN ` +
            `(vercel.com → Account Settings → Tokens). Nothing was sent.`
        )
        return 1
      }
      const baseUrl = io.env.VERCEL_API_URL?.trim() || undefined
      const row = await runLive({ tokenId: command.tokenId, token, baseUrl, signal: io.signal, log: io.log })
      return row.ok ? 0 : 1
    }
    case "Demo": {
      const rows = await runDemo({ log: io.log })
      return rows.every((row) => row.ok) ? 0 : 1
    }
  }
}
