/**
 * Item 4 of the hardening issue on the real clock, through undici, against MockVercelServer's fixed
 * window (5 requests per 1.5 s, opened by the first request after a reset). 30 revocations at once:
 * all succeed, and every window after the first draws at most one 429 (the early probe RESILIENCE.md
 * allows), instead of a burst at every other boundary because the gate forgot the limit.
 */
import { describe, expect, it } from "@effect/vitest"
import { createVercelAuth } from "@vercel-auth/adapter"
import { MockVercelServer } from "@vercel-auth/testing"
import { TOKEN } from "./hardening.support.js"
import { expectNoUnhandledRejections } from "./support.js"

expectNoUnhandledRejections()

const LIMIT = 5
const WINDOW_MS = 1500
const CALLS = 30

/** The server's windows, rebuilt from its log the way it opens them: at the first request after a reset. */
const windowsOf = (requests: ReadonlyArray<MockVercelServer.RecordedRequest>) => {
  const windows: Array<{ ok: number; limited: number }> = []
  let resetAt = -Infinity
  for (const request of requests) {
    if (request.at >= resetAt) {
      resetAt = request.at + WINDOW_MS
      windows.push({ ok: 0, limited: 0 })
    }
    const current = windows[windows.length - 1]!
    if (request.status === 429) current.limited++
    else if (request.status === 200) current.ok++
  }
  return windows
}

describe("the gate keeps the limit across window boundaries (real clock)", () => {
  it("30 revocations under 5 per 1.5 s: all succeed, at most one 429 per window after the first", async () => {
    const ids = Array.from({ length: CALLS }, (_, i) => `tok_${String(i).padStart(2, "0")}`)
    const server = await MockVercelServer.start({
      tokens: { [TOKEN]: ids },
      rateLimit: { limit: LIMIT, windowMs: WINDOW_MS }
    })
    const vercel = createVercelAuth({ token: TOKEN, baseUrl: server.url })
    try {
      const results = await Promise.allSettled(ids.map((id) => vercel.tokens.delete(id)))
      expect(results.map((result) => result.status === "fulfilled" ? result.value : String(result.reason))).toEqual(
        ids.map((tokenId) => ({ tokenId }))
      )
      const windows = windowsOf(server.requests)
      const summary = windows.map(({ limited, ok }, w) => `window ${w}: ${ok} ok, ${limited} × 429`).join("; ")
      expect(windows[0]!.limited, summary).toBeLessThanOrEqual(8 - LIMIT + 1)
      const over = windows.map((counts, window) => ({ window, ...counts })).slice(1).filter(({ limited }) =>
        limited > 1
      )
      expect(over, summary).toEqual([])
    } finally {
      await vercel.dispose()
      await server.close()
    }
  }, 30_000)
})
