/**
 * `TokenService.deleteMany`: one `DeleteResult` per id in completion order, never failing, through
 * the same concurrency limit, gate and budget as single calls. Unit tests over `MockHttpClient` on the
 * `TestClock` (in-flight requests counted in the handler), then end to end through undici against
 * `MockVercelServer` under its rate limit.
 */
import { describe, expect, it } from "@effect/vitest"
import type { Schemas } from "@vercel-auth/core"
import { MockVercelServer } from "@vercel-auth/testing"
import { Effect, Fiber, TestClock } from "effect"
import {
  after,
  deleteMany,
  expectNoSecret,
  get,
  json,
  live,
  pick,
  settle,
  successOf,
  T0,
  TOKEN,
  unit,
  vercelError,
  wireToken,
  yieldAll
} from "./tokenGroup.support.js"

const idOf = (url: URL) => decodeURIComponent(url.pathname.split("/").pop() ?? "")
const ids = (n: number, prefix = "tok_") => Array.from({ length: n }, (_, i) => `${prefix}${i}`)

/** The shape of a result, for `toEqual`: the error reduced to its tag and a few fields. */
const shapeOf = (result: Schemas.DeleteResult) =>
  result.ok
    ? { tokenId: result.tokenId, ok: true, token: result.token }
    : { tokenId: result.tokenId, ok: false, error: pick(result.error, "_tag", "operation", "attempts") }

/** A handler counting requests in flight, each answered 200 after `millis`. */
const counting = (millis: (id: string) => number) => {
  const state = { inFlight: 0, peak: 0 }
  const handler = (request: { readonly url: URL; readonly method: string }) =>
    Effect.suspend(() => {
      state.inFlight++
      state.peak = Math.max(state.peak, state.inFlight)
      const id = idOf(request.url)
      const reply = request.method === "GET" ? json(200, { token: wireToken(id) }) : json(200, { tokenId: id })
      return after(millis(id), reply)
    }).pipe(Effect.ensuring(Effect.sync(() => state.inFlight--)))
  return { state, handler }
}

/**
 * A fresh client sends its first request of an endpoint alone, to learn the window: the tests of
 * pacing warm each bucket with one instant answer first, and leave it out of what they count.
 */
const warm = Effect.zipRight(deleteMany(["tok_warm"]), get("tok_warm"))
const counted = <A extends { readonly url: URL }>(seen: ReadonlyArray<A>): ReadonlyArray<A> =>
  seen.filter(({ url }) => idOf(url) !== "tok_warm")

describe("deleteMany (unit, TestClock)", () => {
  it.effect("reports one result per id in completion order, at the instant each completes", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const delays: Record<string, number> = { tok_slow: 3000, tok_fast: 1000, tok_mid: 2000, tok_warm: 0 }
      const { handler } = counting((id) => delays[id]!)
      const h = unit(handler)
      const results = successOf(
        yield* settle(
          Effect.zipRight(warm, deleteMany(["tok_slow", "tok_fast", "tok_mid"])).pipe(Effect.provide(h.layer))
        )
      )
      expect(results).toEqual([
        { tokenId: "tok_fast", ok: true, token: { tokenId: "tok_fast" } },
        { tokenId: "tok_mid", ok: true, token: { tokenId: "tok_mid" } },
        { tokenId: "tok_slow", ok: true, token: { tokenId: "tok_slow" } }
      ])
      expect(counted(h.seen).map((r) => [r.method, idOf(r.url), r.at - T0])).toEqual([
        ["DELETE", "tok_slow", 0],
        ["DELETE", "tok_fast", 0],
        ["DELETE", "tok_mid", 0]
      ])
    }))

  it.effect("never fails: invalid ids, a 404 and a 5xx become ok: false results, every id reported once", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const h = unit((request) => {
        const id = idOf(request.url)
        if (id === "tok_404") return vercelError(404, "not_found", `The token was not found (${TOKEN})`)
        if (id === "tok_500") return vercelError(500, "internal_server_error", `oops ${TOKEN}`)
        return json(200, { tokenId: id })
      })
      const input = ["tok_ok", "", "  ", "..", "tok_404", "tok_500", "x".repeat(300)]
      const results = successOf(yield* settle(deleteMany(input).pipe(Effect.provide(h.layer))))
      expect(results.map((r) => r.tokenId).sort()).toEqual([...input].sort())
      const byId = new Map(results.map((r) => [r.tokenId, shapeOf(r)]))
      expect(byId.get("tok_ok")).toEqual({ tokenId: "tok_ok", ok: true, token: { tokenId: "tok_ok" } })
      for (const invalid of ["", "  ", "..", "x".repeat(300)]) {
        expect(byId.get(invalid)).toEqual({
          tokenId: invalid,
          ok: false,
          error: { _tag: "InvalidTokenId", operation: "delete", attempts: 0 }
        })
      }
      expect(byId.get("tok_404")).toEqual({
        tokenId: "tok_404",
        ok: false,
        error: { _tag: "TokenNotFound", operation: "delete", attempts: 1 }
      })
      expect(byId.get("tok_500")).toEqual({
        tokenId: "tok_500",
        ok: false,
        error: { _tag: "ServerError", operation: "delete", attempts: 3 }
      })
      // Nothing was sent for the invalid ids.
      expect(h.seen.map((r) => idOf(r.url)).sort()).toEqual(["tok_404", "tok_500", "tok_500", "tok_500", "tok_ok"])
      for (const result of results) if (!result.ok) expectNoSecret(result.error)
    }))

  it.effect("missingOk turns a 404 with Vercel's body into success, never a bare 404", () =>
    Effect.gen(function*() {
      const h = unit((request) => {
        const id = idOf(request.url)
        if (id === "tok_gone") return vercelError(404, "not_found", "The token was not found")
        if (id === "tok_proxy") {
          return new Response("Not Found", { status: 404, headers: { "content-type": "text/plain" } })
        }
        return json(200, { tokenId: id })
      })
      const results = successOf(
        yield* settle(
          deleteMany(["tok_gone", "tok_proxy", "tok_ok"], { missingOk: true }).pipe(Effect.provide(h.layer))
        )
      )
      const byId = new Map(results.map((r) => [r.tokenId, shapeOf(r)]))
      expect(byId.get("tok_gone")).toEqual({
        tokenId: "tok_gone",
        ok: true,
        token: { tokenId: "tok_gone", alreadyDeleted: true }
      })
      expect(byId.get("tok_ok")).toEqual({ tokenId: "tok_ok", ok: true, token: { tokenId: "tok_ok" } })
      expect(byId.get("tok_proxy")).toEqual({
        tokenId: "tok_proxy",
        ok: false,
        error: { _tag: "UnexpectedResponse", operation: "delete", attempts: 1 }
      })
      for (const result of results) if (!result.ok) expectNoSecret(result.error)
    }))

  it.effect("without missingOk a 404 stays a TokenNotFound result", () =>
    Effect.gen(function*() {
      const h = unit(() => vercelError(404, "not_found", "The token was not found"))
      const results = successOf(yield* settle(deleteMany(["tok_gone"]).pipe(Effect.provide(h.layer))))
      expect(results.map(shapeOf)).toEqual([{
        tokenId: "tok_gone",
        ok: false,
        error: { _tag: "TokenNotFound", operation: "delete", attempts: 1 }
      }])
      for (const result of results) if (!result.ok) expectNoSecret(result.error)
    }))

  it.effect("never more than maxConcurrent in flight (counted in the handler), in waves at exact instants", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const { handler, state } = counting((id) => id === "tok_warm" ? 0 : 1000)
      const h = unit(handler, { maxConcurrent: 4 })
      const results = successOf(yield* settle(Effect.zipRight(warm, deleteMany(ids(30))).pipe(Effect.provide(h.layer))))
      expect(state.peak).toBe(4)
      expect(results.filter((r) => r.ok)).toHaveLength(30)
      expect(new Set(results.map((r) => r.tokenId)).size).toBe(30)
      const waves = Array.from({ length: 30 }, (_, i) => Math.floor(i / 4) * 1000)
      expect(counted(h.seen).map((r) => r.at - T0)).toEqual(waves)
    }))

  it.effect("the default limit is 8 in flight", () =>
    Effect.gen(function*() {
      const { handler, state } = counting(() => 500)
      const h = unit(handler)
      const results = successOf(yield* settle(deleteMany(ids(20)).pipe(Effect.provide(h.layer))))
      expect(results).toHaveLength(20)
      expect(state.peak).toBe(8)
    }))

  it.effect("shares the limit with single calls on the same client: never more than maxConcurrent in all", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const { handler, state } = counting((id) => id === "tok_warm" ? 0 : 1000)
      const h = unit(handler, { maxConcurrent: 3 })
      yield* Effect.gen(function*() {
        yield* warm
        const bulk = yield* Effect.fork(deleteMany(ids(9)))
        const singles = yield* Effect.fork(Effect.all(ids(3, "tok_get_").map(get), { concurrency: "unbounded" }))
        yield* yieldAll
        expect(state.inFlight).toBe(3)
        yield* TestClock.adjust("1 minute")
        const results = yield* Fiber.join(bulk)
        const read = yield* Fiber.join(singles)
        expect(results).toHaveLength(9)
        expect(results.every((r) => r.ok)).toBe(true)
        expect(read.map((t) => t.id)).toEqual(["tok_get_0", "tok_get_1", "tok_get_2"])
      }).pipe(Effect.provide(h.layer))
      expect(state.peak).toBe(3)
      expect(counted(h.seen)).toHaveLength(12)
    }))

  it.effect("an empty list reports nothing and sends nothing", () =>
    Effect.gen(function*() {
      const h = unit(() => json(200, { tokenId: "x" }))
      expect(successOf(yield* settle(deleteMany([]).pipe(Effect.provide(h.layer))))).toEqual([])
      expect(h.seen).toHaveLength(0)
    }))

  it.effect("takes any iterable (a generator)", () =>
    Effect.gen(function*() {
      const h = unit((request) => json(200, { tokenId: idOf(request.url) }))
      function* generate() {
        yield "tok_a"
        yield "tok_b"
      }
      const results = successOf(yield* settle(deleteMany(generate()).pipe(Effect.provide(h.layer))))
      expect(results.map((r) => r.tokenId).sort()).toEqual(["tok_a", "tok_b"])
    }))
})

// ---------------------------------------------------------------------------------------------------

describe("deleteMany (end to end through undici)", () => {
  it.live(
    "50 ids under a 10-per-second limit: all revoked, each reported once, at most one 429 per window after the first",
    () =>
      Effect.gen(function*() {
        const windowMs = 1000
        const server = yield* MockVercelServer.make({
          tokens: { [TOKEN]: ids(50) },
          rateLimit: { limit: 10, windowMs }
        })
        const results = yield* deleteMany(ids(50)).pipe(Effect.provide(live(server)))
        const failed = results.filter((r) => !r.ok).map((
          r
        ) => [r.tokenId, pick((r as { error: unknown }).error, "_tag")])
        expect(failed).toEqual([])
        expect(results.map((r) => r.tokenId).sort()).toEqual(ids(50).sort())
        expect([...server.deleted()].sort()).toEqual(ids(50).sort())
        // The server's windows: each opens with the first request at or after the previous one's end.
        const windows: Array<{ start: number; end: number; limited: number }> = []
        for (const request of server.requests) {
          const last = windows.at(-1)
          if (last === undefined || request.at >= last.end) {
            windows.push({ start: request.at, end: request.at + windowMs, limited: 0 })
          }
          if (request.status === 429) windows.at(-1)!.limited++
        }
        const [first, ...rest] = windows
        expect(first!.limited).toBeLessThanOrEqual(8)
        expect(rest.map((w) => w.limited).filter((n) => n > 1)).toEqual([])
        // And no window served more than the limit.
        for (const window of windows) {
          const served = server.requests.filter((r) => r.at >= window.start && r.at < window.end && r.status === 200)
          expect(served.length).toBeLessThanOrEqual(10)
        }
      }).pipe(Effect.scoped),
    30_000
  )

  it.live("live, unknown and invalid ids: one result each, the stream never fails", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { [TOKEN]: ["tok_1", "tok_2"] } })
      const results = yield* deleteMany(["tok_1", "tok_unknown", "", "tok_2", "a/../b"]).pipe(
        Effect.provide(live(server))
      )
      const byId = new Map(results.map((r) => [r.tokenId, shapeOf(r)]))
      expect(byId.get("tok_1")).toEqual({ tokenId: "tok_1", ok: true, token: { tokenId: "tok_1" } })
      expect(byId.get("tok_2")).toEqual({ tokenId: "tok_2", ok: true, token: { tokenId: "tok_2" } })
      expect(byId.get("tok_unknown")).toEqual({
        tokenId: "tok_unknown",
        ok: false,
        error: { _tag: "TokenNotFound", operation: "delete", attempts: 1 }
      })
      expect(byId.get("")).toEqual({
        tokenId: "",
        ok: false,
        error: { _tag: "InvalidTokenId", operation: "delete", attempts: 0 }
      })
      // A slash is not a path: the id goes as one encoded segment, which the server does not know.
      expect(byId.get("a/../b")).toEqual({
        tokenId: "a/../b",
        ok: false,
        error: { _tag: "TokenNotFound", operation: "delete", attempts: 1 }
      })
      expect(results).toHaveLength(5)
      expect([...server.deleted()].sort()).toEqual(["tok_1", "tok_2"])
      expect(server.requests.map((r) => r.path).sort()).toEqual([
        "/v3/user/tokens/a%2F..%2Fb",
        "/v3/user/tokens/tok_1",
        "/v3/user/tokens/tok_2",
        "/v3/user/tokens/tok_unknown"
      ])
      for (const result of results) if (!result.ok) expectNoSecret(result.error)
    }).pipe(Effect.scoped))

  it.live("missingOk: an unknown id is reported as already deleted", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { [TOKEN]: ["tok_1"] } })
      const results = yield* deleteMany(["tok_1", "tok_unknown"], { missingOk: true }).pipe(
        Effect.provide(live(server))
      )
      expect(results.map(shapeOf).sort((a, b) => a.tokenId.localeCompare(b.tokenId))).toEqual([
        { tokenId: "tok_1", ok: true, token: { tokenId: "tok_1" } },
        { tokenId: "tok_unknown", ok: true, token: { tokenId: "tok_unknown", alreadyDeleted: true } }
      ])
    }).pipe(Effect.scoped))
})
