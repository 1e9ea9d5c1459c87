/**
 * Item 1 of the hardening issue: whatever the server sends, a call reads at most a few KiB of an error
 * body, a 2xx larger than any valid answer is `UnexpectedResponse`, and errors hold nothing big.
 * The huge bodies come from a raw node:http server through the real undici transport, so what the
 * server managed to write shows whether the client stopped reading.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { TokenService, VercelAuth } from "@vercel-auth/core"
import { Clock, Effect, Layer } from "effect"
import {
  client,
  eventually,
  expectNoSecret,
  failureOf,
  findGc,
  hugeBodyServer,
  MiB,
  pick,
  stringField,
  TOKEN
} from "./hardening.support.js"

/** 64 MiB: far beyond anything the client may read, yet quick to stream on loopback. */
const TOTAL = 64 * MiB
/** What the server may have pushed into socket buffers before the client hung up. */
const WRITTEN_AT_MOST = 16 * MiB
/** "A short excerpt": a few hundred characters. */
const EXCERPT = 512
/** A message quoting such an excerpt, with room for the advice around it. */
const SHORT = 1024

const live = (baseUrl: string) =>
  VercelAuth.layer({ token: TOKEN, baseUrl, resilience: { maxAttempts: 1, attemptTimeout: "20 seconds" } }).pipe(
    Layer.provide(NodeHttpClient.layerUndici),
    Layer.orDie
  )

const revokeAt = (baseUrl: string, tokenId: string, options?: TokenService.DeleteOptions) =>
  Effect.flatMap(TokenService.TokenService, (tokens) => tokens.delete(tokenId, options)).pipe(
    Effect.provide(live(baseUrl))
  )

/** Runs a call and measures it on the real clock. */
const timed = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const start = yield* Clock.currentTimeMillis
    const exit = yield* Effect.exit(effect)
    return { exit, ms: (yield* Clock.currentTimeMillis) - start }
  })

const vercelJsonStart = (code: string) => `{"error":{"code":"${code}","message":"`

describe("huge error bodies are not read", () => {
  for (const contentLength of [false, true]) {
    const framing = contentLength ? "with content-length" : "chunked"
    it.live(`a 500 with a 64 MiB Vercel-looking body (${framing}): ServerError at once, the rest never read`, () =>
      Effect.gen(function*() {
        const server = yield* hugeBodyServer({
          status: 500,
          headers: { "x-vercel-id": "fra1::huge-500" },
          prefix: vercelJsonStart("internal_server_error"),
          suffix: "\"}}",
          total: TOTAL,
          contentLength
        })
        const { exit, ms } = yield* timed(revokeAt(server.url, "tok_1"))
        const error = failureOf(exit)
        expect(pick(error, "_tag", "status", "attempts", "requestId")).toEqual({
          _tag: "ServerError",
          status: 500,
          attempts: 1,
          requestId: "fra1::huge-500"
        })
        expect((error as Error).message.length).toBeLessThanOrEqual(SHORT)
        expectNoSecret(error)
        expect(ms).toBeLessThan(5_000)
        // The client hung up: the server's write ends with the connection, long before the body does.
        yield* eventually(() => server.streams[0]!.closed || server.streams[0]!.finished)
        const stream = server.streams[0]!
        expect({ finished: stream.finished, closed: stream.closed }).toEqual({ finished: false, closed: true })
        expect(stream.written).toBeLessThan(WRITTEN_AT_MOST)
      }).pipe(Effect.scoped))
  }

  it.live("a 404 with a 64 MiB Vercel-shaped body cannot be read as Vercel's error body: UnexpectedResponse", () =>
    Effect.gen(function*() {
      const server = yield* hugeBodyServer({
        status: 404,
        prefix: vercelJsonStart("not_found"),
        suffix: "\"}}",
        total: TOTAL
      })
      // With and without missingOk: a body that cannot be read as Vercel's is never "no such token".
      for (const [index, missingOk] of [false, true].entries()) {
        const { exit, ms } = yield* timed(revokeAt(server.url, "tok_1", { missingOk }))
        const error = failureOf(exit)
        expect(pick(error, "_tag", "status", "attempts")).toEqual({
          _tag: "UnexpectedResponse",
          status: 404,
          attempts: 1
        })
        expect(stringField(error, "body")!.length).toBeLessThanOrEqual(EXCERPT)
        expect((error as Error).message.length).toBeLessThanOrEqual(SHORT)
        expectNoSecret(error)
        expect(ms).toBeLessThan(5_000)
        yield* eventually(() => server.streams[index]!.closed || server.streams[index]!.finished)
        expect(server.streams[index]!.finished).toBe(false)
        expect(server.streams[index]!.written).toBeLessThan(WRITTEN_AT_MOST)
      }
    }).pipe(Effect.scoped))

  it.live("a 200 with 64 MiB of valid JSON { tokenId, pad } is larger than any valid answer: UnexpectedResponse", () =>
    Effect.gen(function*() {
      const server = yield* hugeBodyServer({
        status: 200,
        prefix: "{\"tokenId\":\"tok_1\",\"pad\":\"",
        suffix: "\"}",
        total: TOTAL
      })
      const { exit, ms } = yield* timed(revokeAt(server.url, "tok_1"))
      const error = failureOf(exit)
      expect(pick(error, "_tag", "status", "attempts")).toEqual({
        _tag: "UnexpectedResponse",
        status: 200,
        attempts: 1
      })
      expect(stringField(error, "body")!.length).toBeLessThanOrEqual(EXCERPT)
      expectNoSecret(error)
      expect(ms).toBeLessThan(5_000)
      yield* eventually(() => server.streams[0]!.closed || server.streams[0]!.finished)
      expect(server.streams[0]!.finished).toBe(false)
      expect(server.streams[0]!.written).toBeLessThan(WRITTEN_AT_MOST)
    }).pipe(Effect.scoped))
})

describe("oversized answers through the mock transport", () => {
  it.effect("a 200 whose body is 8 MiB of valid JSON { tokenId, pad } is UnexpectedResponse, not a success", () =>
    Effect.gen(function*() {
      const body = JSON.stringify({ tokenId: "tok_1", pad: "x".repeat(8 * MiB) })
      const h = client(() => new Response(body, { status: 200, headers: { "content-type": "application/json" } }))
      const error = failureOf(yield* Effect.exit(h.revoke("tok_1").pipe(Effect.provide(h.layer))))
      expect(pick(error, "_tag", "status", "attempts")).toEqual({
        _tag: "UnexpectedResponse",
        status: 200,
        attempts: 1
      })
      expect(stringField(error, "body")!.length).toBeLessThanOrEqual(EXCERPT)
      expectNoSecret(error)
      expect(h.requests).toHaveLength(1)
    }))

  it.effect("errors made from multi-MB bodies hold no more than their excerpts", () =>
    Effect.gen(function*() {
      const N = 24
      const SIZE = 4 * MiB
      // Distinct bodies, so that nothing is shared between the errors but what the client keeps. The
      // even ones are a 2xx that is not JSON (UnexpectedResponse keeps a body excerpt), the odd ones a
      // 500 whose Vercel error message is huge (ServerError quotes it in its message).
      const garbage = (i: number) => `<html><body>${String(i).padStart(4, "0")}${"h".repeat(SIZE)}</body></html>`
      const vercel500 = (i: number) =>
        JSON.stringify({ error: { code: "internal_server_error", message: `${i}:${"m".repeat(SIZE)}` } })
      let n = 0
      const h = client(() => {
        const i = n++
        return i % 2 === 0
          ? new Response(garbage(i), { status: 200, headers: { "content-type": "text/html" } })
          : new Response(vercel500(i), { status: 500, headers: { "content-type": "application/json" } })
      }, { maxAttempts: 1 })
      const gc = findGc()
      gc?.()
      const before = process.memoryUsage().heapUsed
      const held = yield* Effect.forEach(
        Array.from({ length: N }, (_, i) => `tok_${i}`),
        (id) => Effect.map(Effect.exit(h.revoke(id)), failureOf),
        { concurrency: 1 }
      ).pipe(Effect.provide(h.layer))
      // Whatever gc can do, every error is made from a short excerpt only.
      for (const [i, error] of held.entries()) {
        expect(pick(error, "_tag", "attempts")).toEqual({
          _tag: i % 2 === 0 ? "UnexpectedResponse" : "ServerError",
          attempts: 1
        })
        expect((error as Error).message.length).toBeLessThanOrEqual(SHORT)
        if (i % 2 === 0) expect(stringField(error, "body")!.length).toBeLessThanOrEqual(EXCERPT)
      }
      if (gc === undefined) return
      gc()
      const retained = process.memoryUsage().heapUsed - before
      // 24 bodies of 4 MiB are 96 MiB; excerpts of a few hundred characters are a few KiB.
      expect(retained, `${N} errors retain ${(retained / MiB).toFixed(1)} MiB`).toBeLessThan(16 * MiB)
      expect(held).toHaveLength(N)
    }))
})
