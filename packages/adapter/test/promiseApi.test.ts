/**
 * The Promise API against MockVercelServer through undici: values, and every error class as the
 * rejection itself (`instanceof`, `_tag`), never a FiberFailure and never with the token in it.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Adapter from "@vercel-auth/adapter"
import { MockVercelServer } from "@vercel-auth/testing"
import { Runtime } from "effect"
import { inspect } from "node:util"
import { expectNoUnhandledRejections, fast, rejection, TOKEN, withClient, withServer } from "./support.js"

expectNoUnhandledRejections()

type ErrorClass = abstract new(...args: ReadonlyArray<any>) => Adapter.DeleteTokenError

const expectRejection = (error: unknown, errorClass: ErrorClass, tag: Adapter.DeleteTokenError["_tag"]) => {
  expect(error).toBeInstanceOf(errorClass)
  expect(error).toBeInstanceOf(Error)
  expect(Runtime.isFiberFailure(error)).toBe(false)
  expect((error as Adapter.DeleteTokenError)._tag).toBe(tag)
  expect((error as Error).message.length).toBeGreaterThan(0)
  expect(`${inspect(error, { depth: 10 })} ${JSON.stringify(error)} ${String(error)}`).not.toContain(TOKEN)
  return error as Adapter.DeleteTokenError
}

/** A plain projection: vitest's diff of an Effect error class recurses without end when it fails. */
const pick = (error: Adapter.DeleteTokenError, ...keys: ReadonlyArray<string>) =>
  Object.fromEntries(keys.map((key) => [key, (error as unknown as Record<string, unknown>)[key]]))

describe("tokens.delete", () => {
  it("revokes a token and resolves with the id Vercel returned", () =>
    withServer(
      { tokens: { [TOKEN]: ["tok_1"] } },
      (server) =>
        withClient({ token: TOKEN, baseUrl: server.url, userAgent: "adapter-test/1.0" }, async (vercel) => {
          expect(await vercel.tokens.delete("tok_1")).toEqual({ tokenId: "tok_1" })
          expect(server.isLive("tok_1")).toBe(false)
          expect(server.requests).toHaveLength(1)
          expect(server.requests[0]!.userAgent).toMatch(/^adapter-test\/1\.0 @vercel-auth\/core/)
        })
    ))

  it("with missingOk, a missing token is success with alreadyDeleted", () =>
    withServer(
      { tokens: { [TOKEN]: [] } },
      (server) =>
        withClient({ token: TOKEN, baseUrl: server.url }, async (vercel) => {
          expect(await vercel.tokens.delete("tok_gone", { missingOk: true })).toEqual({
            tokenId: "tok_gone",
            alreadyDeleted: true
          })
        })
    ))

  it("reads the token from VERCEL_TOKEN when the option is absent", async () => {
    const saved = process.env.VERCEL_TOKEN
    process.env.VERCEL_TOKEN = TOKEN
    try {
      await withServer(
        { tokens: { [TOKEN]: ["tok_env"] } },
        (server) =>
          withClient({ baseUrl: server.url }, async (vercel) => {
            expect(await vercel.tokens.delete("tok_env")).toEqual({ tokenId: "tok_env" })
            expect(server.requests[0]!.bearerId).toBe(server.selfId(TOKEN))
          })
      )
    } finally {
      if (saved === undefined) delete process.env.VERCEL_TOKEN
      else process.env.VERCEL_TOKEN = saved
    }
  })
})

describe("tokens.delete rejects with the error class instances", () => {
  const failing = (
    name: string,
    errorClass: ErrorClass,
    tag: Adapter.DeleteTokenError["_tag"],
    script: ReadonlyArray<MockVercelServer.ScriptEntry>,
    check: (error: Adapter.DeleteTokenError, server: MockVercelServer.Server) => void,
    tokenId = "tok_1"
  ) =>
    it(name, () =>
      withServer({ tokens: { [TOKEN]: ["tok_1"] } }, (server) => {
        server.script.push(...script)
        return withClient({
          token: TOKEN,
          baseUrl: server.url,
          resilience: { ...fast, attemptTimeout: 200, maxAttempts: 2 }
        }, async (v) => {
          check(expectRejection(await rejection(v.tokens.delete(tokenId)), errorClass, tag), server)
        })
      }))

  failing("InvalidTokenId, before sending anything", Adapter.InvalidTokenId, "InvalidTokenId", [], (error, server) => {
    expect(error.attempts).toBe(0)
    expect(server.requests).toHaveLength(0)
  }, "..")
  failing("BadRequest for a 400", Adapter.BadRequest, "BadRequest", [{ kind: "status", status: 400 }], (error) => {
    expect(pick(error, "status", "attempts")).toEqual({ status: 400, attempts: 1 })
  })
  failing("Unauthorized for a 401", Adapter.Unauthorized, "Unauthorized", [{ kind: "status", status: 401 }], (e) => {
    expect(pick(e, "status", "attempts")).toEqual({ status: 401, attempts: 1 })
  })
  failing("Forbidden for a 403", Adapter.Forbidden, "Forbidden", [{ kind: "status", status: 403 }], (error) => {
    expect(pick(error, "status", "attempts")).toEqual({ status: 403, attempts: 1 })
  })
  failing("TokenNotFound for a 404", Adapter.TokenNotFound, "TokenNotFound", [], (error) => {
    expect(pick(error, "status", "attempts", "tokenId")).toEqual({ status: 404, attempts: 1, tokenId: "tok_unknown" })
  }, "tok_unknown")
  failing("RateLimited once the 429s exhaust the attempts", Adapter.RateLimited, "RateLimited", [
    { kind: "status", status: 429, retryAfter: 0, times: Infinity }
  ], (error, server) => {
    expect(pick(error, "status", "attempts")).toEqual({ status: 429, attempts: 2 })
    expect(server.count(429)).toBe(2)
  })
  failing("ServerError once the 500s exhaust the attempts", Adapter.ServerError, "ServerError", [
    { kind: "status", status: 500, times: Infinity }
  ], (error, server) => {
    expect(pick(error, "status", "attempts")).toEqual({ status: 500, attempts: 2 })
    expect(server.count(500)).toBe(2)
  })
  failing("Timeout when the server does not answer in time", Adapter.Timeout, "Timeout", [
    { kind: "hang", times: Infinity }
  ], (error) => {
    expect(pick(error, "phase", "attempts")).toEqual({ phase: "attempt", attempts: 2 })
  })
  failing("UnexpectedResponse for a 200 that is not JSON", Adapter.UnexpectedResponse, "UnexpectedResponse", [
    { kind: "malformed", body: "<html>surprise</html>" }
  ], (error) => {
    expect(pick(error, "status", "attempts")).toEqual({ status: 200, attempts: 1 })
  })

  it("NetworkError when the connection is refused", async () => {
    const closed = await MockVercelServer.start()
    await closed.close()
    await withClient({ token: TOKEN, baseUrl: closed.url, resilience: { ...fast, maxAttempts: 2 } }, async (vercel) => {
      const error = expectRejection(
        await rejection(vercel.tokens.delete("tok_1")),
        Adapter.NetworkError,
        "NetworkError"
      )
      expect(pick(error, "attempts", "ambiguous")).toEqual({ attempts: 2, ambiguous: false })
    })
  })
})
