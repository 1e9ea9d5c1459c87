/**
 * `TokenService.list` (`GET /v6/user/tokens?limit=&until=`): lazy paging, cursors passed back
 * unchanged, the resilience policy per page, a repeated cursor ending the stream, and decoding that
 * is strict about required fields and open about the rest. Unit tests over `MockHttpClient` on the
 * `TestClock`; the end-to-end tests are in `tokenGroup.list.e2e.test.ts`.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream, TestClock } from "effect"
import {
  expectNoSecret,
  failureOf,
  json,
  list,
  listAll,
  pick,
  settle,
  successOf,
  T0,
  TOKEN,
  unit,
  vercelError,
  wirePage,
  wireToken
} from "./tokenGroup.support.js"

const MINUTE = 60_000

/** `n` Vercel tokens, newest first, one minute apart, ids `${prefix}0`… */
const tokensOf = (n: number, prefix = "tok_") =>
  Array.from({ length: n }, (_, i) => wireToken(`${prefix}${i}`, { createdAt: T0 - (i + 1) * MINUTE }))

/** A handler serving `pages` in order by the `until` it is asked for (undefined first). */
const serving =
  (pages: ReadonlyArray<{ readonly until: string | undefined; readonly reply: Response }>) =>
  (request: { readonly url: URL }) => {
    const until = request.url.searchParams.get("until") ?? undefined
    const page = pages.find((p) => p.until === until)
    return page === undefined ? vercelError(400, "bad_request", `unknown cursor ${until}`) : page.reply
  }

const ids = (tokens: ReadonlyArray<{ readonly id: string }>) => tokens.map((token) => token.id)

describe("list (unit, TestClock)", () => {
  it.effect("follows pages until next is null; a number cursor goes back as `until` unchanged; pageSize as `limit`", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const all = tokensOf(5)
      const c1 = all[1]!.createdAt as number
      const c2 = all[3]!.createdAt as number
      const h = unit(serving([
        { until: undefined, reply: json(200, wirePage(all.slice(0, 2), c1)) },
        { until: String(c1), reply: json(200, wirePage(all.slice(2, 4), c2)) },
        { until: String(c2), reply: json(200, wirePage(all.slice(4), null)) }
      ]))
      const tokens = successOf(yield* settle(listAll({ pageSize: 2 }).pipe(Effect.provide(h.layer))))
      expect(ids(tokens)).toEqual(["tok_0", "tok_1", "tok_2", "tok_3", "tok_4"])
      expect(tokens[0]!.createdAt).toEqual(new Date(T0 - MINUTE))
      expect(tokens.every((token) => token.createdAt instanceof Date && token.activeAt instanceof Date)).toBe(true)
      expect(h.seen.map((r) => [r.method, r.url.pathname, [...r.url.searchParams.entries()], r.at])).toEqual([
        ["GET", "/v6/user/tokens", [["limit", "2"]], T0],
        ["GET", "/v6/user/tokens", [["limit", "2"], ["until", String(c1)]], T0],
        ["GET", "/v6/user/tokens", [["limit", "2"], ["until", String(c2)]], T0]
      ])
      expect(h.seen.every((r) => r.headers["authorization"] === `Bearer ${TOKEN}`)).toBe(true)
    }))

  it.effect("a string cursor goes back unchanged, whatever characters it holds", () =>
    Effect.gen(function*() {
      const cursor = "eyJ0Ijo+LzE3/w==&until=9 #x%2F"
      const h = unit(serving([
        { until: undefined, reply: json(200, wirePage(tokensOf(1), cursor)) },
        { until: cursor, reply: json(200, wirePage(tokensOf(1, "tok_b"), null)) }
      ]))
      const tokens = successOf(yield* settle(listAll().pipe(Effect.provide(h.layer))))
      expect(ids(tokens)).toEqual(["tok_0", "tok_b0"])
      expect(h.seen).toHaveLength(2)
      expect(h.seen[1]!.url.searchParams.getAll("until")).toEqual([cursor])
    }))

  it.effect("without pageSize no `limit` is sent, and never a `teamId` or `slug`", () =>
    Effect.gen(function*() {
      const h = unit(serving([
        { until: undefined, reply: json(200, wirePage(tokensOf(2), "next")) },
        { until: "next", reply: json(200, wirePage([], null)) }
      ]))
      successOf(yield* settle(listAll().pipe(Effect.provide(h.layer))))
      expect(h.seen.map((r) => [...r.url.searchParams.keys()])).toEqual([[], ["until"]])
    }))

  for (const pageSize of [0, 101, 1.5, -1, Number.NaN, Infinity, "10" as unknown as number]) {
    it.effect(`pageSize ${typeof pageSize === "string" ? JSON.stringify(pageSize) : String(pageSize)} is InvalidInput "pageSize", nothing sent`, () =>
      Effect.gen(function*() {
        const h = unit(() => json(200, wirePage([], null)))
        const error = failureOf(yield* settle(listAll({ pageSize }).pipe(Effect.provide(h.layer))))
        expect(pick(error, "_tag", "field", "operation", "attempts")).toEqual({
          _tag: "InvalidInput",
          field: "pageSize",
          operation: "list",
          attempts: 0
        })
        expect(h.seen).toHaveLength(0)
        expectNoSecret(error)
      }))
  }

  for (const pageSize of [1, 100]) {
    it.effect(`pageSize ${pageSize} is accepted`, () =>
      Effect.gen(function*() {
        const h = unit(() => json(200, wirePage([], null)))
        successOf(yield* settle(listAll({ pageSize }).pipe(Effect.provide(h.layer))))
        expect(h.seen.map((r) => r.url.searchParams.get("limit"))).toEqual([String(pageSize)])
      }))
  }

  it.effect("the stream is lazy: nothing is sent before it is run, and stopping early sends no further page", () =>
    Effect.gen(function*() {
      const h = unit((request) => {
        const until = request.url.searchParams.get("until")
        const page = until === null ? 0 : Number(until.slice(1))
        return json(200, wirePage(tokensOf(3, `tok_p${page}_`), `p${page + 1}`))
      })
      yield* Effect.gen(function*() {
        const stream = list({ pageSize: 3 })
        expect(h.seen).toHaveLength(0)
        const first = yield* settle(Stream.runCollect(Stream.take(stream, 2)))
        expect(Chunk.toReadonlyArray(successOf(first)).map((t) => t.id)).toEqual(["tok_p0_0", "tok_p0_1"])
        expect(h.seen).toHaveLength(1)
        // Exactly one page's worth: the second page is never asked for.
        successOf(yield* settle(Stream.runCollect(Stream.take(stream, 3))))
        expect(h.seen).toHaveLength(2)
        // One token into the second page: the second page, and nothing more.
        const four = successOf(yield* settle(Stream.runCollect(Stream.take(stream, 4))))
        expect(Chunk.toReadonlyArray(four).map((t) => t.id)).toEqual(["tok_p0_0", "tok_p0_1", "tok_p0_2", "tok_p1_0"])
        expect(h.seen.slice(2).map((r) => r.url.searchParams.get("until"))).toEqual([null, "p1"])
      }).pipe(Effect.provide(h.layer))
    }))

  it.effect("each page has the whole policy: a 503 on page 2 is retried at the backoff instant, nothing lost or doubled", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const all = tokensOf(4)
      let page2 = 0
      const h = unit((request) => {
        const until = request.url.searchParams.get("until")
        if (until === null) return json(200, wirePage(all.slice(0, 2), "c1"))
        return page2++ === 0
          ? vercelError(503, "service_unavailable", "busy")
          : json(200, wirePage(all.slice(2), null))
      })
      const tokens = successOf(yield* settle(listAll({ pageSize: 2 }).pipe(Effect.provide(h.layer))))
      expect(ids(tokens)).toEqual(["tok_0", "tok_1", "tok_2", "tok_3"])
      expect(h.seen.map((r) => [r.url.searchParams.get("until"), r.at - T0])).toEqual([
        [null, 0],
        ["c1", 0],
        ["c1", 125]
      ])
    }))

  it.effect("each page has its own attempts: page 1 retried once, page 2 fails after 3 attempts of its own", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      let first = 0
      const h = unit((request) => {
        if (request.url.searchParams.get("until") === null) {
          return first++ === 0 ? vercelError(502, "bad_gateway", "proxy") : json(200, wirePage(tokensOf(2), "c1"))
        }
        return vercelError(503, "service_unavailable", "busy")
      })
      const seen: Array<string> = []
      const exit = yield* settle(
        Stream.runForEach(list(), (token) => Effect.sync(() => seen.push(token.id))).pipe(Effect.provide(h.layer))
      )
      const error = failureOf(exit)
      expect(seen).toEqual(["tok_0", "tok_1"])
      expect(pick(error, "_tag", "status", "attempts", "operation")).toEqual({
        _tag: "ServerError",
        status: 503,
        attempts: 3,
        operation: "list"
      })
      expect(h.seen.map((r) => r.url.searchParams.get("until"))).toEqual([null, null, "c1", "c1", "c1"])
      expectNoSecret(error)
    }))

  it.effect("a 429 in the middle of pagination waits out Retry-After and neither loses nor duplicates a token", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const all = tokensOf(6)
      let limited = false
      const h = unit((request) => {
        const until = request.url.searchParams.get("until")
        if (until === null) return json(200, wirePage(all.slice(0, 2), "c1"))
        if (until === "c1" && !limited) {
          limited = true
          return vercelError(429, "rate_limited", "slow down", {}, { "retry-after": "2" })
        }
        if (until === "c1") return json(200, wirePage(all.slice(2, 4), "c2"))
        return json(200, wirePage(all.slice(4), null))
      })
      const tokens = successOf(yield* settle(listAll({ pageSize: 2 }).pipe(Effect.provide(h.layer))))
      expect(ids(tokens)).toEqual(["tok_0", "tok_1", "tok_2", "tok_3", "tok_4", "tok_5"])
      // The retry goes no earlier than the hint (2000 ms) plus the jitter (125 ms of [0, 250]).
      expect(h.seen.map((r) => [r.url.searchParams.get("until"), r.at - T0])).toEqual([
        [null, 0],
        ["c1", 0],
        ["c1", 2125],
        ["c2", 2125]
      ])
    }))

  it.effect("a page overlapping the previous one never hands out a token twice", () =>
    Effect.gen(function*() {
      const all = tokensOf(4)
      const h = unit(serving([
        { until: undefined, reply: json(200, wirePage(all.slice(0, 3), "c1")) },
        { until: "c1", reply: json(200, wirePage(all.slice(1), null)) }
      ]))
      const tokens = successOf(yield* settle(listAll().pipe(Effect.provide(h.layer))))
      expect(ids(tokens)).toEqual(["tok_0", "tok_1", "tok_2", "tok_3"])
    }))

  it.effect("a cursor that comes straight back ends the stream with UnexpectedResponse \"repeated-cursor\"", () =>
    Effect.gen(function*() {
      const h = unit((request, i) =>
        i > 10
          // A guard: a looping client would otherwise loop for ever on the TestClock.
          ? json(200, wirePage([], null))
          : json(200, wirePage(tokensOf(1, `tok_${request.url.searchParams.get("until") ?? "first"}_`), "same"))
      )
      const seen: Array<string> = []
      const exit = yield* settle(
        Stream.runForEach(list(), (token) => Effect.sync(() => seen.push(token.id))).pipe(Effect.provide(h.layer))
      )
      const error = failureOf(exit)
      expect(pick(error, "_tag", "reason", "operation", "status")).toEqual({
        _tag: "UnexpectedResponse",
        reason: "repeated-cursor",
        operation: "list",
        status: 200
      })
      expect(h.seen.map((r) => r.url.searchParams.get("until"))).toEqual([null, "same"])
      // The page that named the repeated cursor still hands out its new tokens, then the stream ends.
      expect(seen).toEqual(["tok_first_0", "tok_same_0"])
      expectNoSecret(error)
    }))

  it.effect("a cursor cycle (A → B → A) ends the stream after three requests", () =>
    Effect.gen(function*() {
      const h = unit((request, i) => {
        if (i > 10) return json(200, wirePage([], null))
        const until = request.url.searchParams.get("until")
        const next = until === null ? 1_700_000_000_000 : until === "1700000000000" ? "B" : 1_700_000_000_000
        return json(200, wirePage(tokensOf(1, `tok_${i}_`), next))
      })
      const error = failureOf(yield* settle(listAll().pipe(Effect.provide(h.layer))))
      expect(pick(error, "_tag", "reason")).toEqual({ _tag: "UnexpectedResponse", reason: "repeated-cursor" })
      expect(h.seen.map((r) => r.url.searchParams.get("until"))).toEqual([null, "1700000000000", "B"])
      expectNoSecret(error)
    }))

  it.effect("unknown fields and enum values never fail a page", () =>
    Effect.gen(function*() {
      const h = unit(() =>
        json(200, {
          tokens: [
            wireToken("tok_a", { origin: "passkey-2027", type: "fine-grained-v2", extra: [1] }),
            wireToken("tok_b", { scopes: [{ type: "project", projectId: "prj_1", createdAt: T0 }] })
          ],
          pagination: { count: 2, next: null, prev: null, total: 2, brandNew: "yes" },
          meta: { surprise: true }
        })
      )
      const tokens = successOf(yield* settle(listAll().pipe(Effect.provide(h.layer))))
      expect(tokens.map((t) => pick(t, "id", "origin", "type", "scopes"))).toEqual([
        {
          id: "tok_a",
          origin: "passkey-2027",
          type: "fine-grained-v2",
          scopes: [{ type: "user", origin: "github", createdAt: new Date(T0 - 86_400_000) }]
        },
        { id: "tok_b", origin: "github", type: "oauth2-token", scopes: [{ type: "project" }] }
      ])
    }))

  it.effect("a token missing a required field fails its page with UnexpectedResponse \"body\"; earlier pages were handed out", () =>
    Effect.gen(function*() {
      const { createdAt: _, ...broken } = wireToken("tok_broken")
      const h = unit(serving([
        { until: undefined, reply: json(200, wirePage(tokensOf(2), "c1")) },
        { until: "c1", reply: json(200, wirePage([broken], null)) }
      ]))
      const seen: Array<string> = []
      const exit = yield* settle(
        Stream.runForEach(list(), (token) => Effect.sync(() => seen.push(token.id))).pipe(Effect.provide(h.layer))
      )
      const error = failureOf(exit)
      expect(seen).toEqual(["tok_0", "tok_1"])
      expect(pick(error, "_tag", "reason", "status", "operation", "attempts")).toEqual({
        _tag: "UnexpectedResponse",
        reason: "body",
        status: 200,
        operation: "list",
        attempts: 1
      })
      expect(h.seen).toHaveLength(2)
      expectNoSecret(error)
    }))

  it.effect("a page without `pagination` is UnexpectedResponse \"body\"", () =>
    Effect.gen(function*() {
      const h = unit(() => json(200, { tokens: tokensOf(1) }))
      const error = failureOf(yield* settle(listAll().pipe(Effect.provide(h.layer))))
      expect(pick(error, "_tag", "reason", "operation")).toEqual({
        _tag: "UnexpectedResponse",
        reason: "body",
        operation: "list"
      })
      expectNoSecret(error)
    }))

  it.effect("a 403 echoing the bearer token ends the stream with Forbidden, token-free", () =>
    Effect.gen(function*() {
      const h = unit(() => vercelError(403, "forbidden", `token ${TOKEN} lacks scope`, { invalidToken: true }))
      const error = failureOf(yield* settle(listAll().pipe(Effect.provide(h.layer))))
      expect(pick(error, "_tag", "status", "operation", "attempts", "invalidToken")).toEqual({
        _tag: "Forbidden",
        status: 403,
        operation: "list",
        attempts: 1,
        invalidToken: true
      })
      expect(h.seen).toHaveLength(1)
      expectNoSecret(error)
    }))

  it.effect("running the same stream twice lists everything twice", () =>
    Effect.gen(function*() {
      const h = unit(serving([
        { until: undefined, reply: json(200, wirePage(tokensOf(1), "c1")) },
        { until: "c1", reply: json(200, wirePage(tokensOf(1, "tok_b"), null)) }
      ]))
      yield* Effect.gen(function*() {
        const stream = list()
        const once = successOf(yield* settle(Stream.runCollect(stream)))
        const twice = successOf(yield* settle(Stream.runCollect(stream)))
        expect(Chunk.toReadonlyArray(once).map((t) => t.id)).toEqual(["tok_0", "tok_b0"])
        expect(Chunk.toReadonlyArray(twice).map((t) => t.id)).toEqual(["tok_0", "tok_b0"])
      }).pipe(Effect.provide(h.layer))
    }))
})
