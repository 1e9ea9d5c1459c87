/**
 * Each client has its own resilience state: the calls of one client share its rate-limit gate and
 * concurrency limit, while another client's calls never wait for them.
 */
import { describe, expect, it } from "@effect/vitest"
import { eventually, expectNoUnhandledRejections, fast, OTHER_TOKEN, TOKEN, withClient, withServer } from "./support.js"

expectNoUnhandledRejections()

const timed = async <A>(promise: Promise<A>) => {
  const started = performance.now()
  const value = await promise
  return { value, ms: performance.now() - started }
}

describe("resilience state per client", () => {
  it("X-RateLimit-Remaining: 0 holds the same client's next call until the reset, not another client's", () =>
    withServer(
      {
        tokens: { [TOKEN]: ["tok_a1", "tok_a2"], [OTHER_TOKEN]: ["tok_b1"] },
        rateLimit: { limit: 1, windowMs: 1_000 }
      },
      (server) =>
        withClient(
          { token: TOKEN, baseUrl: server.url, resilience: fast },
          (a) =>
            withClient({ token: OTHER_TOKEN, baseUrl: server.url, resilience: fast }, async (b) => {
              expect(await a.tokens.delete("tok_a1")).toEqual({ tokenId: "tok_a1" })
              const held = timed(a.tokens.delete("tok_a2"))
              const free = await timed(b.tokens.delete("tok_b1"))
              expect(free.value).toEqual({ tokenId: "tok_b1" })
              expect(free.ms).toBeLessThan(500)
              // b finished while a's call was still held at a's gate.
              expect(server.isLive("tok_a2")).toBe(true)
              const slow = await held
              expect(slow.value).toEqual({ tokenId: "tok_a2" })
              expect(slow.ms).toBeGreaterThan(500)
              // The gate waited for the reset instead of drawing a 429.
              expect(server.count(429)).toBe(0)
            })
        )
    ))

  it("maxConcurrent is shared by the calls of one client only", () =>
    withServer({ tokens: { [TOKEN]: ["tok_a1", "tok_a2"], [OTHER_TOKEN]: ["tok_b1"] } }, (server) => {
      server.script.push({ kind: "normal", tokenId: "tok_a1", delayMs: 400 })
      const resilience = { ...fast, maxConcurrent: 1 }
      return withClient(
        { token: TOKEN, baseUrl: server.url, resilience },
        (a) =>
          withClient({ token: OTHER_TOKEN, baseUrl: server.url, resilience }, async (b) => {
            const first = a.tokens.delete("tok_a1")
            await eventually(() => server.requests.length === 1, "the first request to arrive")
            const second = a.tokens.delete("tok_a2")
            expect(await b.tokens.delete("tok_b1")).toEqual({ tokenId: "tok_b1" })
            expect(server.requests.map((r) => r.tokenId)).toEqual(["tok_a1", "tok_b1"])
            expect(await Promise.all([first, second])).toEqual([{ tokenId: "tok_a1" }, { tokenId: "tok_a2" }])
            expect(server.requests.map((r) => r.tokenId)).toEqual(["tok_a1", "tok_b1", "tok_a2"])
          })
      )
    }))
})
