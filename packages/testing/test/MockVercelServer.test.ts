import { describe, expect, it } from "@effect/vitest"
import { MockVercelServer } from "@vercel-auth/testing"
import { Effect } from "effect"
import { call, errorOf, OTHER, revoke, SECRET } from "./support.js"

const accounts = { tokens: { [SECRET]: ["tok_1", "tok_2", "a/b"], [OTHER]: ["tok_other"] } }

describe("MockVercelServer: the token endpoint", () => {
  it.scoped("revokes an owned token once, then answers 404 not_found", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make(accounts)
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const first = yield* revoke(server, "tok_1")
      expect(first.status).toBe(200)
      expect(JSON.parse(first.body)).toEqual({ tokenId: "tok_1" })
      expect(first.headers["content-type"]).toContain("application/json")
      expect(server.isLive("tok_1")).toBe(false)
      expect(server.deleted()).toEqual(["tok_1"])
      const again = yield* revoke(server, "tok_1")
      expect(again.status).toBe(404)
      expect(errorOf(again)).toEqual({ code: "not_found", message: expect.any(String) })
    }))

  it.scoped("answers 404 for a token of another account, and leaves it alone", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make(accounts)
      expect((yield* revoke(server, "tok_other")).status).toBe(404)
      expect((yield* revoke(server, "tok_unknown")).status).toBe(404)
      expect(server.isLive("tok_other")).toBe(true)
    }))

  it.scoped("decodes the id as one path segment", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make(accounts)
      const result = yield* revoke(server, "a/b")
      expect(JSON.parse(result.body)).toEqual({ tokenId: "a/b" })
      expect(server.requests[0]).toMatchObject({ path: "/v3/user/tokens/a%2Fb", tokenId: "a/b", deleted: "a/b" })
    }))

  it.scoped("`current` revokes the bearer's own token, which then gets 403 invalidToken for everything", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ ...accounts, selfIds: { [SECRET]: "tok_self" } })
      expect(server.selfId(SECRET)).toBe("tok_self")
      expect(server.selfId(OTHER)).toBe("tok_self_1")
      const result = yield* revoke(server, "current")
      expect(JSON.parse(result.body)).toEqual({ tokenId: "tok_self" })
      expect(server.requests[0]).toMatchObject({ tokenId: "current", deleted: "tok_self", bearerId: "tok_self" })
      for (const tokenId of ["current", "tok_2"]) {
        const refused = yield* revoke(server, tokenId)
        expect(refused.status).toBe(403)
        expect(errorOf(refused)).toEqual({ code: "forbidden", message: expect.any(String), invalidToken: true })
      }
      expect(server.isLive("tok_2")).toBe(true)
      expect((yield* revoke(server, "tok_other", { token: OTHER })).status).toBe(200)
    }))

  it.scoped("a co-owner revoking a bearer's own id locks that bearer out", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { [SECRET]: ["tok_ci"], [OTHER]: [] } })
      server.add({ [SECRET]: [server.selfId(OTHER)!] })
      expect((yield* revoke(server, server.selfId(OTHER)!)).status).toBe(200)
      expect((yield* revoke(server, "current", { token: OTHER })).status).toBe(403)
    }))

  it.scoped("answers 401 without a well-formed bearer and 403 invalidToken for an unknown one", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make(accounts)
      const missing = yield* revoke(server, "tok_1", { token: null })
      expect(missing.status).toBe(401)
      expect(errorOf(missing).code).toBe("unauthorized")
      for (const authorization of ["Basic abc", "Bearer", "Bearer  ", "Bearer a b"]) {
        const malformed = yield* revoke(server, "tok_1", { token: null, headers: { authorization } })
        expect(malformed.status).toBe(401)
      }
      const unknown = yield* revoke(server, "tok_1", { token: "vcp_unknown" })
      expect(unknown.status).toBe(403)
      expect(errorOf(unknown)).toMatchObject({ code: "forbidden", invalidToken: true })
      expect(server.isLive("tok_1")).toBe(true)
      expect(server.requests.map((request) => request.hasAuth)).toEqual([false, true, true, true, true, true])
    }))

  it.scoped("answers any other method or path with the router's plain 404, not a Vercel body", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make(accounts)
      const others: ReadonlyArray<readonly [string, string]> = [
        ["GET", "/v3/user/tokens/tok_1"],
        ["POST", "/v3/user/tokens/tok_1"],
        ["DELETE", "/v3/user/tokens/"],
        ["DELETE", "/v3/user/tokens/tok_1/x"],
        ["DELETE", "/v3/user/tokens/.."],
        ["DELETE", "/v2/user/tokens/tok_1"],
        ["GET", "/"]
      ]
      for (const [method, path] of others) {
        const result = yield* call(server, path, { method })
        expect(result.status, `${method} ${path}`).toBe(404)
        expect(result.headers["content-type"]).toMatch(/^text\/plain/)
        expect(result.body).toBe("Not Found")
      }
      expect(server.isLive("tok_1")).toBe(true)
      expect(server.count(404)).toBe(others.length)
    }))

  it.scoped("answers 400 bad_request for a segment that does not decode", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make(accounts)
      const result = yield* call(server, "/v3/user/tokens/%E0%A4%A")
      expect(result.status).toBe(400)
      expect(errorOf(result).code).toBe("bad_request")
    }))

  it.scoped("sends Date and a unique x-vercel-id with every response, on the injected clock", () =>
    Effect.gen(function*() {
      const t0 = Date.UTC(2026, 0, 1, 12, 0, 0)
      const server = yield* MockVercelServer.make({ ...accounts, now: () => t0, clockSkewMs: 90_000 })
      const results = [
        yield* revoke(server, "tok_1"),
        yield* revoke(server, "tok_1"),
        yield* revoke(server, "tok_1", { token: null })
      ]
      const ids = results.map((result) => result.headers["x-vercel-id"])
      expect(new Set(ids).size).toBe(3)
      for (const result of results) expect(result.headers["date"]).toBe(new Date(t0 + 90_000).toUTCString())
      expect(server.requests.map((request) => request.at)).toEqual([t0, t0, t0])
    }))

  it.scoped("records every request without the bearer secret", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make(accounts)
      yield* revoke(server, "tok_1", { headers: { "user-agent": "rotate-bot/1.0" } })
      yield* revoke(server, "tok_2", { token: "vcp_unknown_secret_value" })
      yield* call(server, "/elsewhere?x=1", { method: "GET", token: null })
      expect(server.requests).toEqual([
        {
          method: "DELETE",
          path: "/v3/user/tokens/tok_1",
          route: "delete",
          tokenId: "tok_1",
          hasAuth: true,
          bearerId: "tok_self_1",
          userAgent: "rotate-bot/1.0",
          at: expect.any(Number),
          status: 200,
          action: undefined,
          deleted: "tok_1",
          aborted: false
        },
        expect.objectContaining({ tokenId: "tok_2", hasAuth: true, bearerId: undefined, status: 403 }),
        expect.objectContaining({ method: "GET", path: "/elsewhere?x=1", tokenId: undefined, hasAuth: false })
      ])
      const recorded = JSON.stringify(server.requests)
      expect(recorded).not.toContain(SECRET)
      expect(recorded).not.toContain("vcp_unknown_secret_value")
      expect(server.count()).toBe(3)
      expect(server.count(200)).toBe(1)
    }))

  it.scoped("takes new accounts and tokens later", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make()
      expect((yield* revoke(server, "tok_late")).status).toBe(403)
      server.add({ [SECRET]: ["tok_late"] }, { [SECRET]: "tok_me" })
      expect(JSON.parse((yield* revoke(server, "tok_late")).body)).toEqual({ tokenId: "tok_late" })
      expect(JSON.parse((yield* revoke(server, "current")).body)).toEqual({ tokenId: "tok_me" })
    }))

  it.effect("provides the server as a layer", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.MockVercelServer
      expect((yield* revoke(server, "tok_1")).status).toBe(200)
    }).pipe(Effect.provide(MockVercelServer.layer(accounts))))
})
