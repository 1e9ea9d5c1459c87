/**
 * Item 8 of the hardening issue: at most `maxConcurrent` sockets per client are open, aborts and
 * timeouts included, and `dispose()` closes them all. A raw node:http server on 127.0.0.1 counts the
 * connections open at once (from `connection` to the client's FIN or RST) and answers each request
 * after a small random delay; a seeded PRNG makes the schedule repeat.
 */
import { describe, expect, it } from "@effect/vitest"
import { createVercelAuth } from "@vercel-auth/adapter"
import type { IncomingMessage, ServerResponse } from "node:http"
import { poll, prng, type RawServer, TOKEN, withRawServer } from "./hardening.support.js"
import { expectNoUnhandledRejections } from "./support.js"

expectNoUnhandledRejections()

const MAX_CONCURRENT = 16

/** Answers `{ tokenId }` after 0–`maxDelayMs` ms; a request whose client hung up gets nothing. */
const slowly = (random: () => number, maxDelayMs: number) => (req: IncomingMessage, res: ServerResponse) => {
  req.resume()
  const tokenId = decodeURIComponent((req.url ?? "").split("/").pop() ?? "")
  const timer = setTimeout(() => {
    if (!res.destroyed) res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ tokenId }))
  }, Math.floor(random() * (maxDelayMs + 1)))
  res.on("close", () => clearTimeout(timer))
}

/**
 * Runs `calls` calls through `workers` callers, more than the slots, so that the limiter stays saturated
 * and calls also wait (and are aborted) in its queue; `call(i)` resolves to the kind of its outcome.
 */
const storm = async (
  calls: number,
  workers: number,
  call: (i: number) => Promise<string>
): Promise<Record<string, number>> => {
  const counts: Record<string, number> = {}
  let next = 0
  await Promise.all(Array.from({ length: workers }, async () => {
    while (next < calls) {
      const kind = await call(next++)
      counts[kind] = (counts[kind] ?? 0) + 1
    }
  }))
  return counts
}

const kindOf = (outcome: unknown): string => {
  if (typeof outcome === "object" && outcome !== null && "_tag" in outcome) return String(outcome._tag)
  if (outcome instanceof Error) return outcome.name
  return "ok"
}

/** Only the `allowed` kinds of outcome, and at least one of `required`. */
const expectOutcomes = (counts: Record<string, number>, allowed: ReadonlyArray<string>, required: string) => {
  expect(Object.keys(counts).filter((kind) => !allowed.includes(kind)), JSON.stringify(counts)).toEqual([])
  expect(counts[required] ?? 0, JSON.stringify(counts)).toBeGreaterThan(0)
}

/** The peak stayed within maxConcurrent, and nothing is left open after dispose() (both shown on failure). */
const expectBounded = (server: RawServer) => {
  const peak = server.peak()
  expect({
    peakOpenSockets: peak <= MAX_CONCURRENT ? `at most ${MAX_CONCURRENT}` : peak,
    openAfterDispose: server.open()
  }, `${server.accepted()} connections accepted in all`).toEqual({
    peakOpenSockets: `at most ${MAX_CONCURRENT}`,
    openAfterDispose: 0
  })
}

describe("sockets are bounded by maxConcurrent", () => {
  it("an abort storm: 1500 calls aborted at random moments never hold more than 16 sockets; dispose closes all", () => {
    const serverRandom = prng(0x5eed)
    const clientRandom = prng(0xab0de)
    return withRawServer(slowly(serverRandom, 20), async (server) => {
      const vercel = createVercelAuth({
        token: TOKEN,
        baseUrl: server.url,
        resilience: { maxConcurrent: MAX_CONCURRENT, baseDelay: 1, maxDelay: 5, deadline: 5_000 }
      })
      try {
        const counts = await storm(1500, 24, async (i) => {
          const controller = new AbortController()
          // Anywhere from before sending to after the answer: this loaded event loop answers in ~50 ms.
          const timer = setTimeout(() => controller.abort(), Math.floor(clientRandom() * 251))
          try {
            return kindOf(await vercel.tokens.delete(`tok_${i}`, { signal: controller.signal }))
          } catch (error) {
            return kindOf(error)
          } finally {
            clearTimeout(timer)
          }
        })
        expectOutcomes(counts, ["ok", "AbortError"], "AbortError")
      } finally {
        await vercel.dispose()
      }
      await poll(() => server.open() === 0)
      expectBounded(server)
    })
  }, 30_000)

  it(
    "a timeout storm: 900 calls, 30% of them never answered, 100 ms attemptTimeout: never more than 16 sockets",
    () => {
      const serverRandom = prng(0x7173)
      // Most answers come at once; the hung ones end only when the client gives up on them.
      const sometimesHung = (req: IncomingMessage, res: ServerResponse) => {
        if (serverRandom() < 0.3) return void req.resume()
        slowly(serverRandom, 10)(req, res)
      }
      return withRawServer(sometimesHung, async (server) => {
        const vercel = createVercelAuth({
          token: TOKEN,
          baseUrl: server.url,
          // One attempt, so that every timeout shows in the outcomes.
          resilience: { maxConcurrent: MAX_CONCURRENT, attemptTimeout: 100, maxAttempts: 1, deadline: 5_000 }
        })
        try {
          const counts = await storm(900, 48, async (i) => {
            try {
              return kindOf(await vercel.tokens.delete(`tok_${i}`))
            } catch (error) {
              return kindOf(error)
            }
          })
          expectOutcomes(counts, ["ok", "Timeout"], "Timeout")
        } finally {
          await vercel.dispose()
        }
        await poll(() => server.open() === 0)
        expectBounded(server)
      })
    },
    30_000
  )
})
