/**
 * `MockVercelServer` in a process of its own, so that its work does not share the event loop of the
 * client being measured. Argument: JSON `{ options, seed }`, the server's options and, for each
 * bearer in `seed`, `count` token ids `<prefix><i>` added to its account (too many ids to pass in argv). Reports `{ url }` over IPC; answers
 * `{ type: "stats" }` with the requests it saw and how many it answered 429; exits when the parent
 * disconnects.
 */
import { MockVercelServer } from "@vercel-auth/testing"

export interface MockServerConfig {
  readonly options: MockVercelServer.Options
  readonly seed?: ReadonlyArray<{ readonly bearer: string; readonly prefix: string; readonly count: number }>
}

export interface MockServerStats {
  readonly type: "stats"
  readonly requests: number
  readonly tooManyRequests: number
  readonly deleted: number
}

const main = async () => {
  const config = JSON.parse(process.argv[2] ?? "{}") as MockServerConfig
  const tokens: Record<string, Array<string>> = {}
  for (const { bearer, count, prefix } of config.seed ?? []) {
    const ids = (tokens[bearer] ??= [])
    for (let i = 0; i < count; i++) ids.push(`${prefix}${i}`)
  }
  const server = await MockVercelServer.start({ ...config.options, tokens: { ...config.options.tokens, ...tokens } })
  process.on("message", (message: { readonly type?: string }) => {
    if (message.type === "stats") {
      process.send?.(
        {
          type: "stats",
          requests: server.count(),
          tooManyRequests: server.count(429),
          deleted: server.deleted().length
        } satisfies MockServerStats
      )
    }
  })
  process.on("disconnect", () => {
    void server.close().then(() => process.exit(0))
  })
  process.send?.({ url: server.url })
}

void main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
