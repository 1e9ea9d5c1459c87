/**
 * An aborted signal ends a call at once, before it starts, in flight or while it waits to retry:
 * the promise rejects with an `AbortError` and the server sees nothing more.
 */
import { describe, expect, it } from "@effect/vitest"
import {
  eventually,
  expectNoUnhandledRejections,
  fast,
  quietFor,
  rejection,
  TOKEN,
  withClient,
  withServer
} from "./support.js"

expectNoUnhandledRejections()

const tokens = { [TOKEN]: ["tok_1"] }

describe("AbortSignal", () => {
  it("an already aborted signal rejects with its AbortError and sends nothing", () =>
    withServer({ tokens }, (server) =>
      withClient({ token: TOKEN, baseUrl: server.url }, async (vercel) => {
        const controller = new AbortController()
        controller.abort()
        const error = await rejection(vercel.tokens.delete("tok_1", { signal: controller.signal }))
        expect(error).toBe(controller.signal.reason)
        expect((error as Error).name).toBe("AbortError")
        await quietFor(100)
        expect(server.requests).toHaveLength(0)
        expect(server.isLive("tok_1")).toBe(true)
      })))

  it("a reason that is not an AbortError is kept as the cause of one", () =>
    withServer({ tokens }, (server) =>
      withClient({ token: TOKEN, baseUrl: server.url }, async (vercel) => {
        const error = await rejection(vercel.tokens.delete("tok_1", { signal: AbortSignal.abort("shutting down") }))
        expect(error).toBeInstanceOf(Error)
        expect((error as Error).name).toBe("AbortError")
        expect((error as Error).cause).toBe("shutting down")
        expect(server.requests).toHaveLength(0)
      })))

  it("aborting during a request closes the connection and rejects at once", () =>
    withServer({ tokens }, (server) => {
      server.script.push({ kind: "hang" })
      return withClient({ token: TOKEN, baseUrl: server.url, resilience: fast }, async (vercel) => {
        const controller = new AbortController()
        const pending = rejection(vercel.tokens.delete("tok_1", { signal: controller.signal }))
        await eventually(() => server.requests.length === 1, "the request to arrive")
        const abortedAt = performance.now()
        controller.abort()
        const error = await pending
        expect(performance.now() - abortedAt).toBeLessThan(500)
        expect((error as Error).name).toBe("AbortError")
        await eventually(() => server.requests[0]!.aborted, "the server to see the connection close")
        await quietFor(200)
        expect(server.requests).toHaveLength(1)
      })
    }))

  it("aborting while waiting to retry rejects at once and sends no further request", () =>
    withServer({ tokens }, (server) => {
      server.script.push({ kind: "status", status: 503, retryAfter: 1 })
      return withClient({ token: TOKEN, baseUrl: server.url, resilience: fast }, async (vercel) => {
        const controller = new AbortController()
        const pending = rejection(vercel.tokens.delete("tok_1", { signal: controller.signal }))
        await eventually(() => server.requests[0]?.status === 503, "the 503 to be answered")
        await quietFor(50)
        const abortedAt = performance.now()
        controller.abort()
        const error = await pending
        expect(performance.now() - abortedAt).toBeLessThan(500)
        expect((error as Error).name).toBe("AbortError")
        // Past the server's Retry-After: a retry would have been sent by now.
        await quietFor(1_300)
        expect(server.requests).toHaveLength(1)
        expect(server.isLive("tok_1")).toBe(true)
      })
    }))

  it("a signal that is never aborted changes nothing and is let go of", () =>
    withServer({ tokens }, (server) =>
      withClient({ token: TOKEN, baseUrl: server.url }, async (vercel) => {
        const controller = new AbortController()
        expect(await vercel.tokens.delete("tok_1", { signal: controller.signal })).toEqual({ tokenId: "tok_1" })
        controller.abort()
        await quietFor(50)
        expect(server.requests).toHaveLength(1)
      })))
})
