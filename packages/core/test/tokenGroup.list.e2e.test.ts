/**
 * `TokenService.list` end to end: the real undici transport against `MockVercelServer` on 127.0.0.1,
 * on the real clock. Number and string cursors, the server's page sizes, a 429 and a 503 in the
 * middle of pagination, stopping early, a repeated cursor, and open/strict decoding.
 */
import { describe, expect, it } from "@effect/vitest"
import { MockVercelServer } from "@vercel-auth/testing"
import { Chunk, Effect, Stream } from "effect"
import { expectNoSecret, failureOf, list, listAll, live, pick, queryOf, TOKEN, wirePage } from "./tokenGroup.support.js"

const ids = (tokens: ReadonlyArray<{ readonly id: string }>) => tokens.map((token) => token.id)

const seeds = (n: number, prefix = "tok_") => Array.from({ length: n }, (_, i) => `${prefix}${i}`)

describe("list (end to end through undici)", () => {
  it.live("number cursors: every page followed, `until` is the cursor the server sent, `limit` is pageSize", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { [TOKEN]: seeds(7) }, pagination: { cursor: "number" } })
      const expected = server.tokensOf(TOKEN)
      expect(expected).toHaveLength(8)
      const tokens = yield* listAll({ pageSize: 3 }).pipe(Effect.provide(live(server)))
      expect(ids(tokens)).toEqual(expected.map((t) => t.id))
      expect(tokens.map((t) => t.createdAt)).toEqual(expected.map((t) => new Date(t.createdAt)))
      const lists = server.requests.filter((r) => r.route === "list")
      expect(lists.map((r) => r.status)).toEqual([200, 200, 200])
      // Page n+1 asks `until` = the createdAt of page n's last token, as a plain decimal.
      expect(lists.map((r) => queryOf(r).get("until"))).toEqual([
        null,
        String(expected[2]!.createdAt),
        String(expected[5]!.createdAt)
      ])
      expect(lists.every((r) => queryOf(r).get("limit") === "3")).toBe(true)
      expect(lists.some((r) => queryOf(r).has("teamId") || queryOf(r).has("slug"))).toBe(false)
    }).pipe(Effect.scoped))

  it.live("string cursors: passed back unchanged, the server accepts each, every token once", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { [TOKEN]: seeds(9) }, pagination: { cursor: "string" } })
      const tokens = yield* listAll({ pageSize: 4 }).pipe(Effect.provide(live(server)))
      expect(ids(tokens)).toEqual(server.tokensOf(TOKEN).map((t) => t.id))
      const lists = server.requests.filter((r) => r.route === "list")
      expect(lists.map((r) => r.status)).toEqual([200, 200, 200])
      const untils = lists.slice(1).map((r) => queryOf(r).get("until")!)
      expect(untils.every((until) => until.length > 0 && Number.isNaN(Number(until)))).toBe(true)
    }).pipe(Effect.scoped))

  it.live("the server's default page size when none is given: no `limit` sent", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { [TOKEN]: seeds(24) }, pagination: { pageSize: 10 } })
      const tokens = yield* listAll().pipe(Effect.provide(live(server)))
      expect(tokens).toHaveLength(25)
      expect(server.requests.map((r) => queryOf(r).has("limit"))).toEqual([false, false, false])
    }).pipe(Effect.scoped))

  it.live(
    "a 429 in the middle of pagination: the page is retried with the same cursor, no token lost or duplicated",
    () =>
      Effect.gen(function*() {
        const server = yield* MockVercelServer.make({ tokens: { [TOKEN]: seeds(11) } })
        let pushed = false
        const tokens = yield* list({ pageSize: 4 }).pipe(
          // Once page 1 has arrived (and before page 2 is asked for), the server will answer one 429.
          Stream.tap(() =>
            Effect.sync(() => {
              if (pushed) return
              pushed = true
              server.script.push({ kind: "status", status: 429, retryAfter: 1, route: "list" })
            })
          ),
          Stream.runCollect,
          Effect.map(Chunk.toReadonlyArray),
          Effect.provide(live(server))
        )
        const expected = server.tokensOf(TOKEN).map((t) => t.id)
        expect(ids(tokens)).toEqual(expected)
        expect(new Set(ids(tokens)).size).toBe(12)
        const lists = server.requests.filter((r) => r.route === "list")
        expect(lists.map((r) => r.status)).toEqual([200, 429, 200, 200])
        expect(queryOf(lists[2]!).get("until")).toBe(queryOf(lists[1]!).get("until"))
        // Retry-After was obeyed.
        expect(lists[2]!.at - lists[1]!.at).toBeGreaterThanOrEqual(1000)
      }).pipe(Effect.scoped),
    15_000
  )

  it.live("a 503 on page 2 is retried", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { [TOKEN]: seeds(5) } })
      let pushed = false
      const tokens = yield* list({ pageSize: 3 }).pipe(
        Stream.tap(() =>
          Effect.sync(() => {
            if (!pushed) server.script.push({ kind: "status", status: 503, route: "list" })
            pushed = true
          })
        ),
        Stream.runCollect,
        Effect.map(Chunk.toReadonlyArray),
        Effect.provide(live(server))
      )
      expect(ids(tokens)).toEqual(server.tokensOf(TOKEN).map((t) => t.id))
      expect(server.requests.map((r) => r.status)).toEqual([200, 503, 200])
    }).pipe(Effect.scoped))

  it.live("stopping early (Stream.take) sends no further page request", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { [TOKEN]: seeds(20) } })
      const layer = live(server)
      const two = yield* Stream.runCollect(Stream.take(list({ pageSize: 5 }), 2)).pipe(Effect.provide(layer))
      expect(Chunk.size(two)).toBe(2)
      const six = yield* Stream.runCollect(Stream.take(list({ pageSize: 5 }), 6)).pipe(Effect.provide(layer))
      expect(Chunk.toReadonlyArray(six).map((t) => t.id)).toEqual(server.tokensOf(TOKEN).slice(0, 6).map((t) => t.id))
      yield* Effect.sleep(100)
      expect(server.requests.map((r) => queryOf(r).has("until"))).toEqual([false, false, true])
    }).pipe(Effect.scoped))

  it.live("a repeated cursor ends the stream with UnexpectedResponse \"repeated-cursor\", bounded", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { [TOKEN]: seeds(3) } })
      const token = (id: string) => ({ id, name: id, type: "oauth2-token", createdAt: 1, activeAt: 1 })
      server.script.push(
        { kind: "malformed", route: "list", body: JSON.stringify(wirePage([token("tok_a")], 1_700_000_000_000)) },
        {
          kind: "malformed",
          route: "list",
          times: Infinity,
          body: JSON.stringify(wirePage([token("tok_b")], 1_700_000_000_000))
        }
      )
      const seen: Array<string> = []
      const exit = yield* Effect.exit(
        Stream.runForEach(list(), (t) => Effect.sync(() => seen.push(t.id))).pipe(Effect.provide(live(server)))
      )
      const error = failureOf(exit)
      expect(pick(error, "_tag", "reason", "operation", "status")).toEqual({
        _tag: "UnexpectedResponse",
        reason: "repeated-cursor",
        operation: "list",
        status: 200
      })
      expect(server.requests.map((r) => queryOf(r).get("until"))).toEqual([null, "1700000000000"])
      expect(seen[0]).toBe("tok_a")
      expectNoSecret(error)
    }).pipe(Effect.scoped))

  it.live("unknown fields and enum values read; a missing required field is UnexpectedResponse \"body\"", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({
        tokens: {
          [TOKEN]: [
            {
              id: "tok_new",
              origin: "passkey-2027",
              type: "fine-grained-v2",
              scopes: [{ type: "integration", integrationId: "icfg_1", createdAt: 1 }],
              surprise: { nested: true }
            } as unknown as MockVercelServer.TokenSeed
          ]
        }
      })
      const tokens = yield* listAll().pipe(Effect.provide(live(server)))
      const fresh = tokens.find((t) => t.id === "tok_new")!
      expect(pick(fresh, "origin", "type", "scopes")).toEqual({
        origin: "passkey-2027",
        type: "fine-grained-v2",
        scopes: [{ type: "integration" }]
      })
      expect(fresh.createdAt).toEqual(new Date(server.token("tok_new")!.createdAt))

      server.script.push({
        kind: "malformed",
        route: "list",
        body: JSON.stringify(wirePage([{ id: "tok_x", name: "x", type: "t", activeAt: 1 }], null))
      })
      const error = failureOf(yield* Effect.exit(listAll().pipe(Effect.provide(live(server)))))
      expect(pick(error, "_tag", "reason", "status", "operation")).toEqual({
        _tag: "UnexpectedResponse",
        reason: "body",
        status: 200,
        operation: "list"
      })
      expectNoSecret(error)
    }).pipe(Effect.scoped))

  it.live("an invalid pageSize sends nothing", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { [TOKEN]: [] } })
      const error = failureOf(yield* Effect.exit(listAll({ pageSize: 101 }).pipe(Effect.provide(live(server)))))
      expect(pick(error, "_tag", "field", "attempts")).toEqual({ _tag: "InvalidInput", field: "pageSize", attempts: 0 })
      expect(server.requests).toHaveLength(0)
      expectNoSecret(error)
    }).pipe(Effect.scoped))
})
