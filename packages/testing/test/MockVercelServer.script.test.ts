import { describe, expect, it } from "@effect/vitest"
import { MockVercelServer } from "@vercel-auth/testing"
import { Effect } from "effect"
import { errorOf, revoke, SECRET } from "./support.js"

const accounts = { tokens: { [SECRET]: ["tok_1", "tok_2"] } }

describe("MockVercelServer: scripted statuses", () => {
  it.scoped("answers a scripted status with a Vercel body, Retry-After and headers, revoking nothing", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make(accounts)
      server.script.push({ kind: "status", status: 503, retryAfter: 2, headers: { "x-extra": "1" } })
      const scripted = yield* revoke(server, "tok_1")
      expect(scripted.status).toBe(503)
      expect(scripted.headers["retry-after"]).toBe("2")
      expect(scripted.headers["x-extra"]).toBe("1")
      expect(scripted.headers["x-vercel-id"]).toBeDefined()
      expect(errorOf(scripted)).toEqual({ code: "service_unavailable", message: expect.any(String) })
      expect(server.isLive("tok_1")).toBe(true)
      expect(server.requests[0]!.action).toBe("status")
      const next = yield* revoke(server, "tok_1")
      expect(next.status).toBe(200)
      expect(server.requests[1]!.action).toBeUndefined()
    }))

  it.scoped("sends a given body as it is, and a raw Retry-After value", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make(accounts)
      const date = new Date(Date.UTC(2030, 0, 1)).toUTCString()
      server.script.push(
        { kind: "status", status: 429, body: { err: { code: "rate_limited" } }, retryAfter: date },
        { kind: "status", status: 502, body: "<html>Bad gateway</html>", headers: { "Content-Type": "text/html" } },
        { kind: "status", status: 200, body: { tokenId: "tok_forged" } }
      )
      const first = yield* revoke(server, "tok_1")
      expect([first.status, first.body, first.headers["retry-after"]]).toEqual([
        429,
        "{\"err\":{\"code\":\"rate_limited\"}}",
        date
      ])
      const second = yield* revoke(server, "tok_1")
      expect([second.status, second.body, second.headers["content-type"]]).toEqual([
        502,
        "<html>Bad gateway</html>",
        "text/html"
      ])
      const third = yield* revoke(server, "tok_1")
      expect(JSON.parse(third.body)).toEqual({ tokenId: "tok_forged" })
      expect(server.deleted()).toEqual([])
    }))

  it.scoped("repeats an entry `times` times, then behaves normally", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make(accounts)
      server.script.push({ kind: "status", status: 500, times: 3 })
      const statuses: Array<number | undefined> = []
      for (let i = 0; i < 4; i++) statuses.push((yield* revoke(server, "tok_1")).status)
      expect(statuses).toEqual([500, 500, 500, 200])
      expect(server.script.pending()).toEqual([])
    }))

  it.scoped("`times: Infinity` applies to every matching request until cleared", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make(accounts)
      server.script.push({ kind: "status", status: 503, times: Infinity })
      for (let i = 0; i < 5; i++) expect((yield* revoke(server, "tok_1")).status).toBe(503)
      expect(server.script.pending()).toHaveLength(1)
      server.script.clear()
      expect((yield* revoke(server, "tok_1")).status).toBe(200)
    }))

  it.scoped("applies an entry only to the token id and method it names, keeping the order otherwise", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make(accounts)
      server.script.push(
        { kind: "status", status: 502, tokenId: "tok_2" },
        { kind: "status", status: 504, method: "GET" },
        { kind: "status", status: 500 }
      )
      expect((yield* revoke(server, "tok_1")).status).toBe(500)
      expect((yield* revoke(server, "tok_1")).status).toBe(200)
      expect((yield* revoke(server, "tok_2")).status).toBe(502)
      expect(server.script.pending()).toEqual([{ kind: "status", status: 504, method: "GET" }])
    }))

  it.scoped("sends no body with a scripted 204", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make(accounts)
      server.script.push({ kind: "status", status: 204 })
      const result = yield* revoke(server, "tok_1")
      expect([result.status, result.body, result.error]).toEqual([204, "", undefined])
    }))

  it("rejects entries that would silently do nothing", () => {
    const script = MockVercelServer.start()
    return script.then(async (server) => {
      expect(() => server.script.push({ kind: "nope" } as never)).toThrow(/unknown kind/)
      expect(() => server.script.push({ kind: "hang", times: 0 })).toThrow(/times/)
      expect(() => server.script.push({ kind: "reset" } as never)).toThrow(/before/)
      expect(server.script.pending()).toEqual([])
      await server.close()
    })
  })
})
