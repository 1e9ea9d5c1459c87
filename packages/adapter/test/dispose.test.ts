/**
 * `dispose()` ends the calls in flight, releases the client's sockets, is idempotent, and makes later
 * calls reject with a clear "client disposed" error.
 */
import { describe, expect, it } from "@effect/vitest"
import { createVercelAuth } from "@vercel-auth/adapter"
import { Cause, Effect, Exit, Option } from "effect"
import { eventually, expectNoUnhandledRejections, fast, quietFor, rejection, TOKEN, withServer } from "./support.js"

expectNoUnhandledRejections()

const tokens = { [TOKEN]: ["tok_1", "tok_2"] }

const sockets = () => process.getActiveResourcesInfo().filter((name) => name === "TCPSocketWrap").length

const defectOf = (exit: Exit.Exit<unknown, unknown>): unknown => {
  if (Exit.isSuccess(exit)) throw new Error("expected the Effect call to die")
  return Option.getOrThrow(Cause.dieOption(exit.cause))
}

const expectDisposedError = (error: unknown) => {
  expect(error).toBeInstanceOf(Error)
  expect((error as Error).message).toContain("client disposed")
}

describe("dispose", () => {
  it("is idempotent, and later calls reject with a clear error, sending nothing", () =>
    withServer({ tokens }, async (server) => {
      const vercel = createVercelAuth({ token: TOKEN, baseUrl: server.url })
      expect(await vercel.tokens.delete("tok_1")).toEqual({ tokenId: "tok_1" })
      await Promise.all([vercel.dispose(), vercel.dispose()])
      await vercel.dispose()
      expectDisposedError(await rejection(vercel.tokens.delete("tok_2")))
      expectDisposedError(defectOf(await Effect.runPromiseExit(vercel.effect.tokens.delete("tok_2"))))
      expect(server.requests).toHaveLength(1)
      expect(server.isLive("tok_2")).toBe(true)
    }))

  it("of a client that never sent anything resolves", async () => {
    const vercel = createVercelAuth({ token: TOKEN, baseUrl: "https://api.vercel.com" })
    await vercel.dispose()
    expectDisposedError(await rejection(vercel.tokens.delete("tok_1")))
  })

  it("releases the client's keep-alive connection", () =>
    withServer({ tokens }, async (server) => {
      const before = sockets()
      const vercel = createVercelAuth({ token: TOKEN, baseUrl: server.url })
      await vercel.tokens.delete("tok_1")
      expect(sockets()).toBeGreaterThan(before)
      await vercel.dispose()
      await eventually(() => sockets() === before, "the client's socket (and the server's end of it) to close")
    }))

  it("ends a call in flight: it rejects with the disposed error and the connection closes", () =>
    withServer({ tokens }, async (server) => {
      server.script.push({ kind: "hang" })
      const vercel = createVercelAuth({ token: TOKEN, baseUrl: server.url, resilience: fast })
      const pending = rejection(vercel.tokens.delete("tok_1"))
      await eventually(() => server.requests.length === 1, "the request to arrive")
      await vercel.dispose()
      expectDisposedError(await pending)
      await eventually(() => server.requests[0]!.aborted, "the server to see the connection close")
    }))

  it("ends a call waiting to retry, in either API, and nothing more is sent", () =>
    withServer({ tokens }, async (server) => {
      server.script.push({ kind: "status", status: 503, retryAfter: 1, times: 2 })
      const vercel = createVercelAuth({ token: TOKEN, baseUrl: server.url, resilience: fast })
      const promise = rejection(vercel.tokens.delete("tok_1"))
      const effect = Effect.runPromiseExit(vercel.effect.tokens.delete("tok_2"))
      await eventually(() => server.count(503) === 2, "both 503s to be answered")
      await vercel.dispose()
      expectDisposedError(await promise)
      expectDisposedError(defectOf(await effect))
      await quietFor(1_300)
      expect(server.requests).toHaveLength(2)
    }))
})
