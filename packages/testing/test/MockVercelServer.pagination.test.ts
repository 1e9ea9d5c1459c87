/**
 * `GET /v6/user/tokens` paging with both cursor kinds: every live token exactly once, newest first,
 * equal timestamps included; limits, bad cursors, and a scripted page that repeats its cursor.
 */
import { describe, expect, it } from "@effect/vitest"
import { MockVercelServer } from "@vercel-auth/testing"
import { Effect } from "effect"
import { jsonOf, SECRET, send, vercelErrorOf } from "./support.js"

const T0 = Date.UTC(2026, 4, 10, 8, 0, 0)

interface Page {
  readonly ids: ReadonlyArray<string>
  readonly next: number | string | null
  readonly prev: number | string | null
  readonly count: number
}

/** Follows `next` from the first page, passing it back unchanged; bounded, and stops on a repeated cursor. */
const pagesOf = (server: MockVercelServer.Server, limit?: number) =>
  Effect.gen(function*() {
    const pages: Array<Page> = []
    const seen = new Set<number | string>()
    let until: number | string | null = null
    for (let i = 0; i < 100; i++) {
      const query = [
        ...(limit === undefined ? [] : [`limit=${limit}`]),
        ...(until === null ? [] : [`until=${encodeURIComponent(String(until))}`])
      ]
      const answer = yield* send(server, "GET", `/v6/user/tokens${query.length === 0 ? "" : `?${query.join("&")}`}`)
      expect(answer.status, answer.text).toBe(200)
      const body = jsonOf(answer)
      pages.push({
        ids: body.tokens.map((token: { id: string }) => token.id),
        next: body.pagination.next,
        prev: body.pagination.prev,
        count: body.pagination.count
      })
      until = body.pagination.next
      if (until === null || seen.has(until)) break
      seen.add(until)
    }
    return pages
  })

const ids = (n: number, prefix = "tok_") =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(2, "0")}`)

/** The list order, computed independently of the server: newest first, ties by id. */
const expectedOrder = (server: MockVercelServer.Server, tokenIds: ReadonlyArray<string>) =>
  tokenIds
    .map((id) => server.token(id)!)
    .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1))
    .map((token) => token.id)

/** Tokens in groups sharing a `createdAt`: 7 at T0, 1 at T0-1, 4 at T0-2, 2 at T0-3. */
const tied: ReadonlyArray<MockVercelServer.TokenSeed> = [
  ...ids(7, "tok_a").map((id) => ({ id, createdAt: T0 })),
  { id: "tok_b00", createdAt: T0 - 1 },
  ...ids(4, "tok_c").map((id) => ({ id, createdAt: T0 - 2 })),
  ...ids(2, "tok_d").map((id) => ({ id, createdAt: T0 - 3 }))
]

describe("MockVercelServer: list pagination", () => {
  for (const cursor of ["number", "string"] as const) {
    it.scoped(`${cursor} cursors: every token exactly once, newest first, page by page`, () =>
      Effect.gen(function*() {
        const server = yield* MockVercelServer.make({
          tokens: { [SECRET]: ids(22) },
          pagination: { cursor },
          now: () => T0
        })
        const pages = yield* pagesOf(server, 5)
        expect(pages.map((page) => page.count)).toEqual([5, 5, 5, 5, 3])
        expect(pages.map((page) => page.ids.length)).toEqual([5, 5, 5, 5, 3])
        const all = pages.flatMap((page) => page.ids)
        expect(all).toEqual(["tok_self_1", ...ids(22)])
        expect(all).toEqual(expectedOrder(server, all))
        expect(pages.at(-1)!.next).toBeNull()
        for (const page of pages.slice(0, -1)) expect(typeof page.next).toBe(cursor)
        if (cursor === "number") {
          expect(pages[0]!.next).toBe(server.token(pages[0]!.ids.at(-1)!)!.createdAt)
          expect(pages[0]!.prev).toBe(server.token(pages[0]!.ids[0]!)!.createdAt)
        }
        const paths = server.requests.map((request) => request.path)
        expect(paths[0]).toBe("/v6/user/tokens?limit=5")
        expect(paths[1]).toBe(`/v6/user/tokens?limit=5&until=${encodeURIComponent(String(pages[0]!.next))}`)
        expect(server.requests.every((request) => request.route === "list")).toBe(true)
      }))

    it.scoped(`${cursor} cursors: equal timestamps are neither lost nor repeated`, () =>
      Effect.gen(function*() {
        const server = yield* MockVercelServer.make({
          tokens: { [SECRET]: tied },
          selfIds: { [SECRET]: { id: "tok_self", createdAt: T0 + 10 } },
          pagination: { cursor }
        })
        const everyId = ["tok_self", ...tied.map((token) => token.id)]
        for (const limit of [1, 2, 3, 5, 8, 20]) {
          const pages = yield* pagesOf(server, limit)
          const all = pages.flatMap((page) => page.ids)
          expect(all, `limit ${limit}`).toEqual(expectedOrder(server, everyId))
          expect(new Set(all).size).toBe(everyId.length)
          if (cursor === "string") {
            // An opaque cursor can resume anywhere: every page but the last is full.
            for (const page of pages.slice(0, -1)) expect(page.ids).toHaveLength(limit)
          } else {
            // A timestamp cannot resume inside a group sharing it: no page boundary falls inside one.
            for (const [index, page] of pages.slice(0, -1).entries()) {
              const last = server.token(page.ids.at(-1)!)!.createdAt
              const first = server.token(pages[index + 1]!.ids[0]!)!.createdAt
              expect(first).toBeLessThan(last)
              expect(page.next).toBe(last)
            }
          }
        }
      }))

    it.scoped(`${cursor} cursors: tokens created within one millisecond page exactly`, () =>
      Effect.gen(function*() {
        const server = yield* MockVercelServer.make({ tokens: { [SECRET]: [] }, pagination: { cursor }, now: () => T0 })
        const created: Array<string> = []
        for (let i = 0; i < 6; i++) {
          const answer = yield* send(server, "POST", "/v3/user/tokens", { json: { name: `batch ${i}` } })
          created.push(jsonOf(answer).token.id)
        }
        const all = (yield* pagesOf(server, 4)).flatMap((page) => page.ids)
        expect([...all].sort()).toEqual([...created, "tok_self_1"].sort())
        expect(all).toEqual(expectedOrder(server, all))
      }))
  }

  it.scoped("a string cursor survives the revocation of the token it names", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { [SECRET]: ids(6) }, pagination: { cursor: "string" } })
      const first = jsonOf(yield* send(server, "GET", "/v6/user/tokens?limit=3"))
      const last = first.tokens.at(-1).id
      expect((yield* send(server, "DELETE", `/v3/user/tokens/${last}`)).status).toBe(200)
      const second = jsonOf(yield* send(server, "GET", `/v6/user/tokens?limit=3&until=${first.pagination.next}`))
      expect(second.tokens.map((token: { id: string }) => token.id)).toEqual(["tok_02", "tok_03", "tok_04"])
    }))

  it.scoped("lists live tokens only, with the configured default page size", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({
        tokens: { [SECRET]: ids(6), "vcp_other": ["tok_other"] },
        pagination: { pageSize: 4 }
      })
      yield* send(server, "DELETE", "/v3/user/tokens/tok_00")
      const pages = yield* pagesOf(server)
      expect(pages.map((page) => page.ids)).toEqual([
        ["tok_self_1", "tok_01", "tok_02", "tok_03"],
        ["tok_04", "tok_05"]
      ])
      const first = jsonOf(yield* send(server, "GET", "/v6/user/tokens"))
      expect(first.tokens[1]).toEqual({
        id: "tok_01",
        name: "tok_01",
        type: "oauth2-token",
        createdAt: expect.any(Number),
        activeAt: expect.any(Number),
        scopes: [{ type: "user", createdAt: expect.any(Number) }]
      })
    }))

  it.scoped("answers 400 for a limit out of range, a cursor it never gave, and team context", () =>
    Effect.gen(function*() {
      const numbers = yield* MockVercelServer.make({ tokens: { [SECRET]: ids(3) }, pagination: { maxPageSize: 10 } })
      const strings = yield* MockVercelServer.make({ tokens: { [SECRET]: ids(3) }, pagination: { cursor: "string" } })
      const refused: ReadonlyArray<readonly [MockVercelServer.Server, string]> = [
        [numbers, "limit=0"],
        [numbers, "limit=-1"],
        [numbers, "limit=11"],
        [numbers, "limit=2.5"],
        [numbers, "limit=abc"],
        [numbers, "limit="],
        [numbers, "until=yesterday"],
        [numbers, "until="],
        [strings, "until=not-a-cursor"],
        [strings, "until=1700000000000"],
        [numbers, "teamId=team_1"],
        [numbers, "slug=acme"]
      ]
      for (const [server, query] of refused) {
        const answer = yield* send(server, "GET", `/v6/user/tokens?${query}`)
        expect(answer.status, query).toBe(400)
        expect(vercelErrorOf(answer)?.code).toBe("bad_request")
      }
      expect((yield* send(numbers, "GET", "/v6/user/tokens?limit=10")).status).toBe(200)
      expect((yield* send(numbers, "GET", "/v6/user/tokens?until=1")).status).toBe(200)
    }))

  it("refuses page sizes that make no sense when starting", async () => {
    await expect(MockVercelServer.start({ pagination: { pageSize: 0 } })).rejects.toThrow(/pageSize/)
    await expect(MockVercelServer.start({ pagination: { pageSize: 30, maxPageSize: 20 } })).rejects.toThrow(/pageSize/)
    await expect(MockVercelServer.start({ pagination: { maxPageSize: 1.5 } })).rejects.toThrow(/maxPageSize/)
  })

  it.scoped("a scripted page can repeat the cursor it was asked with", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { [SECRET]: ids(6) } })
      const first = jsonOf(yield* send(server, "GET", "/v6/user/tokens?limit=2"))
      const cursor = first.pagination.next
      expect(typeof cursor).toBe("number")
      const stuck = JSON.stringify({ tokens: first.tokens, pagination: { count: 2, next: cursor, prev: cursor } })
      server.script.push({ kind: "malformed", route: "list", body: stuck, times: 2 })
      // A client must notice the repeat itself: the helper stops at the first cursor it has seen.
      const pages = yield* pagesOf(server, 2)
      expect(pages.map((page) => page.next)).toEqual([cursor, cursor])
      expect(server.requests.slice(1).map((request) => [request.path, request.action])).toEqual([
        ["/v6/user/tokens?limit=2", "malformed"],
        [`/v6/user/tokens?limit=2&until=${cursor}`, "malformed"]
      ])
    }))
})
