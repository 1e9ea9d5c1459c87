/**
 * The core through the real undici transport, against a bare node:http server on 127.0.0.1.
 * (The end-to-end resilience scenarios run against MockVercelServer in e2e.test.ts.)
 */
import { NodeHttpClient } from "@effect/platform-node"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { describe, expect, it } from "@effect/vitest"
import { TokenService, VercelAuth } from "@vercel-auth/core"
import { ConfigProvider, Effect, Layer, Logger } from "effect"
import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"
import { revoke, VercelLive } from "../../../docs/examples/getting-started.js"
import { expectNoToken, failureOf, TOKEN } from "./support.js"

interface Seen {
  readonly method: string | undefined
  readonly url: string | undefined
  readonly headers: IncomingHttpHeaders
}

/** Answers each request with the next of `answers` (the last repeats). */
const serve = (answers: ReadonlyArray<readonly [number, string, Record<string, string>?]>) =>
  Effect.acquireRelease(
    Effect.async<{ url: string; seen: Array<Seen>; close: () => void }>((resume) => {
      const seen: Array<Seen> = []
      const server = createServer((req, res) => {
        seen.push({ method: req.method, url: req.url, headers: req.headers })
        const [status, body, headers] = answers[Math.min(seen.length - 1, answers.length - 1)]!
        res.writeHead(status, { "content-type": "application/json", ...headers }).end(body)
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(Effect.succeed({
          url: `http://127.0.0.1:${port}`,
          seen,
          close: () => {
            server.closeAllConnections()
            server.close()
          }
        }))
      })
    }),
    (server) => Effect.sync(server.close)
  )

const live = (baseUrl: string) =>
  VercelAuth.layer({ token: TOKEN, baseUrl, resilience: { baseDelay: 1, maxDelay: 5 } }).pipe(
    Layer.provide(NodeHttpClient.layerUndici),
    Layer.orDie
  )
const revokeWith = (tokenId: string) => Effect.flatMap(TokenService.TokenService, (tokens) => tokens.delete(tokenId))

describe("through undici", () => {
  it.live("revokes a token: DELETE, bearer, accept, user agent, one encoded segment", () =>
    Effect.gen(function*() {
      const server = yield* serve([[200, "{\"tokenId\":\"a/b\"}"]])
      const result = yield* revokeWith("a/b").pipe(Effect.provide(live(server.url)))
      expect(result).toEqual({ tokenId: "a/b" })
      expect(server.seen).toHaveLength(1)
      const [seen] = server.seen
      expect(seen!.method).toBe("DELETE")
      expect(seen!.url).toBe("/v3/user/tokens/a%2Fb")
      expect(seen!.headers.authorization).toBe(`Bearer ${TOKEN}`)
      expect(seen!.headers.accept).toBe("application/json")
      expect(seen!.headers["user-agent"]).toMatch(/^@vercel-auth\/core\/\d+\.\d+\.\d+$/)
    }).pipe(Effect.scoped))

  it.live("maps a real 403 with Vercel's body, and keeps the token out of the error", () =>
    Effect.gen(function*() {
      const body = JSON.stringify({ error: { code: "forbidden", message: "Not authorized", invalidToken: true } })
      const server = yield* serve([[403, body, { "x-vercel-id": "cdg1::xyz" }]])
      const error = failureOf(yield* Effect.exit(revokeWith("tok_1").pipe(Effect.provide(live(server.url)))))
      expect(error).toMatchObject({ _tag: "Forbidden", status: 403, code: "forbidden", requestId: "cdg1::xyz" })
      expectNoToken(error)
    }).pipe(Effect.scoped))

  it.live("does not follow a redirect", () =>
    Effect.gen(function*() {
      const target = yield* serve([[200, "{\"tokenId\":\"stolen\"}"]])
      const server = yield* serve([[302, "", { location: `${target.url}/steal` }]])
      const error = failureOf(yield* Effect.exit(revokeWith("tok_1").pipe(Effect.provide(live(server.url)))))
      expect(error).toMatchObject({ _tag: "UnexpectedResponse", status: 302 })
      expect(target.seen).toHaveLength(0)
    }).pipe(Effect.scoped))

  it.live("does not follow a redirect through fetch either", () =>
    Effect.gen(function*() {
      const target = yield* serve([[200, "{\"tokenId\":\"stolen\"}"]])
      const server = yield* serve([[307, "", { location: `${target.url}/steal` }]])
      const layer = VercelAuth.layer({ token: TOKEN, baseUrl: server.url }).pipe(
        Layer.provide(FetchHttpClient.layer),
        Layer.orDie
      )
      const error = failureOf(yield* Effect.exit(revokeWith("tok_1").pipe(Effect.provide(layer))))
      expect(error).toMatchObject({ _tag: "UnexpectedResponse", status: 307 })
      expect(target.seen).toHaveLength(0)
    }).pipe(Effect.scoped))

  it.live("a refused connection is an unambiguous NetworkError with the transport's code", () =>
    Effect.gen(function*() {
      const server = yield* serve([[200, "{}"]])
      const url = server.url
      server.close()
      const error = failureOf(yield* Effect.exit(revokeWith("tok_1").pipe(Effect.provide(live(url)))))
      expect(error).toMatchObject({ _tag: "NetworkError", ambiguous: false, attempts: 3 })
      expect((error as { cause: { code: string } }).cause.code).toBe("ECONNREFUSED")
      expectNoToken(error)
    }).pipe(Effect.scoped))

  it.live("runs the getting-started example as written", () =>
    Effect.gen(function*() {
      const server = yield* serve([[200, "{\"tokenId\":\"tok_123\"}"], [404, "{\"error\":{\"code\":\"not_found\"}}"]])
      const config = ConfigProvider.fromMap(new Map([["VERCEL_TOKEN", TOKEN], ["VERCEL_API_URL", server.url]]))
      const logged: Array<unknown> = []
      const capture = Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => void logged.push(message)))
      const run = revoke("tok_123").pipe(
        Effect.provide(Layer.merge(VercelLive, capture)),
        Effect.withConfigProvider(config)
      )
      const first = yield* run
      const again = yield* run
      expect(logged.flat()).toEqual(["revoked tok_123", "tok_123 was already gone"])
      expect(first).toEqual({ tokenId: "tok_123" })
      expect(again).toEqual({ tokenId: "tok_123", alreadyDeleted: true })
      expect(server.seen.map((seen) => seen.headers.authorization)).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`])
    }).pipe(Effect.scoped))
})
