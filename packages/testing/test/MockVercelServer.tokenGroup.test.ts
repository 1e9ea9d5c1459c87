/**
 * The token group beyond revocation (get, list, create) with plain `fetch`: records, `current`,
 * created tokens as bearers, the router's 404, rate limits and script filters on every route.
 */
import { describe, expect, it } from "@effect/vitest"
import { MockVercelServer } from "@vercel-auth/testing"
import { Effect } from "effect"
import { jsonOf, OTHER, SECRET, send, vercelErrorOf } from "./support.js"

const T0 = Date.UTC(2026, 2, 1, 9, 0, 0)
const MINUTE = 60_000

const leaked: MockVercelServer.TokenSeed = {
  id: "tok_leaked",
  name: "ci deploy",
  createdAt: T0 - 30 * MINUTE,
  activeAt: T0 - 20 * MINUTE,
  expiresAt: T0 + 30 * 24 * 60 * MINUTE,
  leakedAt: T0 - 5 * MINUTE,
  leakedUrl: "https://github.com/acme/app/blob/main/.env",
  origin: "github",
  scopes: [{ type: "team", teamId: "team_acme", createdAt: T0 - 30 * MINUTE }]
}

/** A server on a hand-driven clock. */
const withClock = (options: MockVercelServer.Options = {}) =>
  Effect.gen(function*() {
    const clock = { now: T0 }
    const server = yield* MockVercelServer.make({
      tokens: { [SECRET]: ["tok_1", leaked], [OTHER]: ["tok_other"] },
      now: () => clock.now,
      ...options
    })
    return { server, clock }
  })

describe("MockVercelServer: token records", () => {
  it.scoped("seeds ids with distinct dates in seeding order, and records as given", () =>
    Effect.gen(function*() {
      const { server } = yield* withClock()
      expect(server.token("tok_self_1")).toEqual({
        id: "tok_self_1",
        name: "self",
        type: "oauth2-token",
        createdAt: T0 - MINUTE,
        activeAt: T0 - MINUTE,
        scopes: [{ type: "user", createdAt: T0 - MINUTE }]
      })
      expect(server.token("tok_1")).toMatchObject({ name: "tok_1", createdAt: T0 - 2 * MINUTE })
      expect(server.token("tok_leaked")).toEqual({ ...leaked, type: "oauth2-token" })
      expect(server.tokensOf(SECRET).map((token) => token.id)).toEqual(["tok_self_1", "tok_1", "tok_leaked"])
      expect(server.tokensOf(OTHER).map((token) => token.id)).toEqual(["tok_self_2", "tok_other"])
      expect(server.tokensOf("vcp_nobody")).toEqual([])
      expect(server.token("tok_unknown")).toBeUndefined()
    }))

  it.scoped("keeps a revoked record readable with revokedAt, and off the API", () =>
    Effect.gen(function*() {
      const { clock, server } = yield* withClock()
      clock.now = T0 + 1_000
      expect((yield* send(server, "DELETE", "/v3/user/tokens/tok_1")).status).toBe(200)
      expect(server.token("tok_1")).toMatchObject({ id: "tok_1", revokedAt: T0 + 1_000 })
      expect(server.isLive("tok_1")).toBe(false)
      expect(server.tokensOf(SECRET).map((token) => token.id)).not.toContain("tok_1")
      expect((yield* send(server, "GET", "/v5/user/tokens/tok_1")).status).toBe(404)
    }))

  it.scoped("add() updates the fields a seed gives and brings a revoked id back", () =>
    Effect.gen(function*() {
      const { server } = yield* withClock()
      yield* send(server, "DELETE", "/v3/user/tokens/tok_1")
      server.add({ [SECRET]: [{ id: "tok_1", leakedAt: T0 }] })
      expect(server.isLive("tok_1")).toBe(true)
      expect(server.token("tok_1")).toMatchObject({ name: "tok_1", leakedAt: T0, createdAt: T0 - 2 * MINUTE })
      expect(server.token("tok_1")!.revokedAt).toBeUndefined()
    }))
})

describe("MockVercelServer: GET /v5/user/tokens/{tokenId}", () => {
  it.scoped("answers { token } for an owned token, and the bearer's own for `current`", () =>
    Effect.gen(function*() {
      const { server } = yield* withClock({ selfIds: { [SECRET]: { id: "tok_me", name: "laptop" } } })
      const found = yield* send(server, "GET", "/v5/user/tokens/tok_leaked")
      expect(found.status).toBe(200)
      expect(found.headers.get("content-type")).toContain("application/json")
      expect(jsonOf(found)).toEqual({ token: { ...leaked, type: "oauth2-token" } })
      const current = jsonOf(yield* send(server, "GET", "/v5/user/tokens/current"))
      // Authenticating a request is a use of the token: activeAt moves to the server's now.
      expect(current.token).toMatchObject({ id: "tok_me", name: "laptop", activeAt: T0 })
      expect(server.requests.map((request) => [request.route, request.tokenId])).toEqual([
        ["get", "tok_leaked"],
        ["get", "current"]
      ])
    }))

  it.scoped("answers 404 with Vercel's body for unknown, revoked and other accounts' tokens", () =>
    Effect.gen(function*() {
      const { server } = yield* withClock()
      yield* send(server, "DELETE", "/v3/user/tokens/tok_1")
      for (const tokenId of ["tok_unknown", "tok_1", "tok_other", "tok_self_2"]) {
        const missing = yield* send(server, "GET", `/v5/user/tokens/${tokenId}`)
        expect(missing.status, tokenId).toBe(404)
        expect(vercelErrorOf(missing)).toEqual({ code: "not_found", message: expect.any(String) })
      }
    }))

  it.scoped("answers 400, 401 and 403 like the delete route", () =>
    Effect.gen(function*() {
      const { server } = yield* withClock()
      const undecodable = yield* send(server, "GET", "/v5/user/tokens/%E0%A4%A")
      expect([undecodable.status, vercelErrorOf(undecodable)?.code]).toEqual([400, "bad_request"])
      const anonymous = yield* send(server, "GET", "/v5/user/tokens/tok_1", { token: null })
      expect([anonymous.status, vercelErrorOf(anonymous)?.code]).toEqual([401, "unauthorized"])
      const unknown = yield* send(server, "GET", "/v5/user/tokens/tok_1", { token: "vcp_unknown" })
      expect(vercelErrorOf(unknown)).toMatchObject({ code: "forbidden", invalidToken: true })
    }))
})

describe("MockVercelServer: POST /v3/user/tokens", () => {
  it.scoped("creates a token of the caller's account and answers its secret once", () =>
    Effect.gen(function*() {
      const { server } = yield* withClock()
      const expiresAt = T0 + 7 * 24 * 60 * MINUTE
      const answer = yield* send(server, "POST", "/v3/user/tokens", { json: { name: "rotated", expiresAt } })
      expect(answer.status).toBe(200)
      const { bearerToken, token } = jsonOf(answer)
      expect(bearerToken).toMatch(/^vcp_[0-9a-f]{48}$/)
      expect(token).toEqual({
        id: expect.stringMatching(/^tok_/),
        name: "rotated",
        type: "oauth2-token",
        origin: "manual",
        createdAt: T0,
        activeAt: T0,
        expiresAt,
        prefix: bearerToken.slice(0, 6),
        suffix: bearerToken.slice(-4),
        scopes: [{ type: "user", origin: "manual", createdAt: T0, expiresAt }]
      })
      expect(server.token(token.id)).toEqual(token)
      expect(server.tokensOf(SECRET)[0]).toEqual(token)
      expect(server.requests[0]).toMatchObject({ route: "create", created: token.id, bearerId: "tok_self_1" })
      expect(JSON.stringify(server.requests)).not.toContain(bearerToken)
    }))

  it.scoped("the new secret is a bearer of the same account, and is itself the new token", () =>
    Effect.gen(function*() {
      const { server } = yield* withClock()
      const { bearerToken, token } = jsonOf(yield* send(server, "POST", "/v3/user/tokens", { json: { name: "ci" } }))
      const current = yield* send(server, "GET", "/v5/user/tokens/current", { token: bearerToken })
      expect(jsonOf(current).token.id).toBe(token.id)
      expect(server.selfId(bearerToken)).toBe(token.id)
      const listed = jsonOf(yield* send(server, "GET", "/v6/user/tokens", { token: bearerToken }))
      expect(listed.tokens.map((listedToken: { id: string }) => listedToken.id).sort()).toEqual(
        [token.id, "tok_1", "tok_leaked", "tok_self_1"].sort()
      )
      expect((yield* send(server, "DELETE", "/v3/user/tokens/tok_1", { token: bearerToken })).status).toBe(200)
      const revoked = jsonOf(yield* send(server, "DELETE", "/v3/user/tokens/current", { token: bearerToken }))
      expect(revoked).toEqual({ tokenId: token.id })
      const refused = yield* send(server, "GET", "/v5/user/tokens/current", { token: bearerToken })
      expect(refused.status).toBe(403)
      expect(vercelErrorOf(refused)).toMatchObject({ code: "forbidden", invalidToken: true })
      expect((yield* send(server, "GET", "/v5/user/tokens/current")).status).toBe(200)
      expect(server.requests.map((request) => request.bearerId)).toContain(token.id)
    }))

  it.scoped("adds a team scope for teamId (or slug)", () =>
    Effect.gen(function*() {
      const { server } = yield* withClock()
      const byId = jsonOf(yield* send(server, "POST", "/v3/user/tokens?teamId=team_a", { json: { name: "a" } }))
      expect(byId.token.scopes).toEqual([
        { type: "user", origin: "manual", createdAt: T0 },
        { type: "team", teamId: "team_a", origin: "manual", createdAt: T0 }
      ])
      const bySlug = jsonOf(yield* send(server, "POST", "/v3/user/tokens?slug=acme", { json: { name: "b" } }))
      expect(bySlug.token.scopes[1]).toMatchObject({ type: "team", teamId: "acme" })
    }))

  it.scoped("answers 400 for a missing or empty name, a body that is not JSON, or a past expiresAt", () =>
    Effect.gen(function*() {
      const { server } = yield* withClock()
      const invalid: ReadonlyArray<{ readonly json?: unknown; readonly body?: string }> = [
        { json: {} },
        { json: { name: "" } },
        { json: { name: "   " } },
        { json: { name: 42 } },
        { json: ["name"] },
        { body: "name=x" },
        { body: "" },
        { json: { name: "x", expiresAt: T0 - 1 } },
        { json: { name: "x", expiresAt: T0 } },
        { json: { name: "x", expiresAt: "tomorrow" } },
        { json: { name: "x", projectId: 7 } }
      ]
      for (const init of invalid) {
        const answer = yield* send(server, "POST", "/v3/user/tokens", init)
        expect(answer.status, JSON.stringify(init)).toBe(400)
        expect(vercelErrorOf(answer)?.code).toBe("bad_request")
      }
      expect(server.tokensOf(SECRET)).toHaveLength(3)
      expect(server.requests.every((request) => request.created === undefined)).toBe(true)
      const ok = yield* send(server, "POST", "/v3/user/tokens", { json: { name: "x", projectId: "prj_1" } })
      expect(ok.status).toBe(200)
    }))

  it.scoped("a created token stops authenticating once it expires", () =>
    Effect.gen(function*() {
      const { clock, server } = yield* withClock()
      const created = yield* send(server, "POST", "/v3/user/tokens", { json: { name: "short", expiresAt: T0 + 1_000 } })
      const { bearerToken } = jsonOf(created)
      expect((yield* send(server, "GET", "/v5/user/tokens/current", { token: bearerToken })).status).toBe(200)
      clock.now = T0 + 1_000
      const expired = yield* send(server, "GET", "/v5/user/tokens/current", { token: bearerToken })
      expect(vercelErrorOf(expired)).toMatchObject({ code: "forbidden", invalidToken: true })
      // Still the account's token: listed, and revocable by another bearer.
      expect(server.tokensOf(SECRET).map((token) => token.name)).toContain("short")
    }))
})

describe("MockVercelServer: the router", () => {
  it.scoped("answers unknown methods and paths with a plain 404 that is not Vercel's error body", () =>
    Effect.gen(function*() {
      const { server } = yield* withClock()
      const unknown: ReadonlyArray<readonly [string, string]> = [
        ["GET", "/v3/user/tokens/tok_1"],
        ["DELETE", "/v5/user/tokens/tok_1"],
        ["GET", "/v5/user/tokens/.."],
        ["GET", "/v5/user/tokens/"],
        ["POST", "/v6/user/tokens"],
        ["GET", "/v6/user/tokens/"],
        ["GET", "/v3/user/tokens"],
        ["PUT", "/v3/user/tokens"],
        ["GET", "/v1/integrations/sso/token"],
        ["GET", "/"]
      ]
      for (const [method, path] of unknown) {
        const answer = yield* send(server, method, path)
        expect(answer.status, `${method} ${path}`).toBe(404)
        expect(answer.headers.get("content-type")).toMatch(/^text\/plain/)
        expect(answer.text).toBe("Not Found")
        expect(vercelErrorOf(answer)).toBeUndefined()
        expect(answer.headers.get("x-vercel-id")).toBeTruthy()
      }
      expect(server.requests.every((request) => request.route === undefined)).toBe(true)
    }))
})

describe("MockVercelServer: rate limits on every route", () => {
  it.scoped("counts every route in the bearer's window, and refuses each with 429 once spent", () =>
    Effect.gen(function*() {
      const { server } = yield* withClock({
        rateLimit: { limit: 4, windowMs: 10_000 },
        sso: { clients: { cl_1: "shh" }, codes: ["code_1"] }
      })
      const exchange = { grant_type: "authorization_code", code: "code_1", client_id: "cl_1", client_secret: "shh" }
      const served = [
        yield* send(server, "DELETE", "/v3/user/tokens/tok_1"),
        yield* send(server, "GET", "/v5/user/tokens/current"),
        yield* send(server, "GET", "/v6/user/tokens"),
        yield* send(server, "POST", "/v3/user/tokens", { json: { name: "n" } }),
        // The exchange counts against its client, not the bearer it ignores.
        yield* send(server, "POST", "/v1/integrations/sso/token", { json: exchange })
      ]
      expect(served.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200])
      expect(served.map((answer) => answer.headers.get("x-ratelimit-remaining"))).toEqual(["3", "2", "1", "0", "3"])
      for (const answer of served) expect(answer.headers.get("x-ratelimit-limit")).toBe("4")
      const tokensBefore = server.tokensOf(SECRET).length
      const limited = [
        yield* send(server, "DELETE", "/v3/user/tokens/tok_leaked"),
        yield* send(server, "GET", "/v5/user/tokens/current"),
        yield* send(server, "GET", "/v6/user/tokens"),
        yield* send(server, "POST", "/v3/user/tokens", { json: { name: "n" } })
      ]
      for (const answer of limited) {
        expect(answer.status).toBe(429)
        expect(answer.headers.get("retry-after")).toBe("10")
        expect(vercelErrorOf(answer)).toMatchObject({ code: "rate_limited", limit: { remaining: 0, total: 4 } })
      }
      expect(server.isLive("tok_leaked")).toBe(true)
      expect(server.tokensOf(SECRET)).toHaveLength(tokensBefore)
    }))

  it.scoped("refuses an exchange over its client's limit without consuming the code", () =>
    Effect.gen(function*() {
      const { server } = yield* withClock({
        rateLimit: { limit: 1, windowMs: 10_000 },
        sso: { clients: { cl_1: "shh", cl_2: "hush" }, codes: ["code_1", "code_2"] }
      })
      const grant = (code: string, client: string, secret: string) => ({
        json: { grant_type: "authorization_code", code, client_id: client, client_secret: secret }
      })
      const path = "/v1/integrations/sso/token"
      expect((yield* send(server, "POST", path, grant("code_1", "cl_1", "shh"))).status).toBe(200)
      const limited = yield* send(server, "POST", path, grant("code_2", "cl_1", "shh"))
      expect(limited.status).toBe(429)
      expect(limited.headers.get("x-ratelimit-remaining")).toBe("0")
      expect(server.ssoCodeUsed("code_2")).toBe(false)
      expect((yield* send(server, "POST", path, grant("code_2", "cl_2", "hush"))).status).toBe(200)
    }))
})

describe("MockVercelServer: script route filters", () => {
  it.scoped("applies an entry only to its route, keeping the order otherwise", () =>
    Effect.gen(function*() {
      const { server } = yield* withClock()
      server.script.push(
        { kind: "status", status: 503, route: "list" },
        { kind: "status", status: 502, route: "get", tokenId: "current" },
        { kind: "status", status: 500, route: "create" }
      )
      expect((yield* send(server, "DELETE", "/v3/user/tokens/tok_1")).status).toBe(200)
      expect((yield* send(server, "GET", "/v5/user/tokens/tok_leaked")).status).toBe(200)
      expect((yield* send(server, "GET", "/v5/user/tokens/current")).status).toBe(502)
      expect((yield* send(server, "POST", "/v3/user/tokens", { json: { name: "n" } })).status).toBe(500)
      expect(server.tokensOf(SECRET).map((token) => token.name)).not.toContain("n")
      expect((yield* send(server, "GET", "/v6/user/tokens")).status).toBe(503)
      expect((yield* send(server, "GET", "/v6/user/tokens")).status).toBe(200)
      expect(server.requests.map((request) => request.action)).toEqual([
        undefined,
        undefined,
        "status",
        "status",
        "status",
        undefined
      ])
    }))

  it.scoped("an entry with a route never applies to the router's 404", () =>
    Effect.gen(function*() {
      const { server } = yield* withClock()
      server.script.push({ kind: "status", status: 503, route: "get" })
      const unknown = yield* send(server, "GET", "/v3/user/tokens/tok_1")
      expect([unknown.status, unknown.text]).toEqual([404, "Not Found"])
      expect(server.script.pending()).toHaveLength(1)
    }))

  it.scoped("a reset after the action creates the token and loses the response", () =>
    Effect.gen(function*() {
      const { server } = yield* withClock()
      server.script.push({ kind: "reset", when: "after-action", route: "create" })
      const lost = yield* send(server, "POST", "/v3/user/tokens", { json: { name: "orphan" } })
      expect(lost.status).toBeUndefined()
      expect(lost.error).toBeDefined()
      const created = server.requests[0]!.created!
      expect(server.token(created)).toMatchObject({ name: "orphan" })
      const listed = jsonOf(yield* send(server, "GET", "/v6/user/tokens"))
      expect(listed.tokens.filter((token: { name: string }) => token.name === "orphan")).toHaveLength(1)
    }))

  it.scoped("`after-delete` keeps its meaning on the delete route", () =>
    Effect.gen(function*() {
      const { server } = yield* withClock()
      server.script.push({ kind: "reset", when: "after-delete", route: "delete" })
      expect((yield* send(server, "DELETE", "/v3/user/tokens/tok_1")).status).toBeUndefined()
      expect(server.requests[0]).toMatchObject({ deleted: "tok_1", status: undefined, action: "reset" })
      expect(server.isLive("tok_1")).toBe(false)
    }))

  it("rejects an unknown route filter", () =>
    MockVercelServer.start().then(async (server) => {
      expect(() => server.script.push({ kind: "hang", route: "lists" } as never)).toThrow(/unknown route/)
      expect(() => server.script.push({ kind: "reset", when: "after" } as never)).toThrow(/after-action/)
      expect(server.script.pending()).toEqual([])
      await server.close()
    }))
})

describe("MockVercelServer: secrets", () => {
  it.scoped("records no bearer, created secret, client secret, code or refresh token", () =>
    Effect.gen(function*() {
      const { server } = yield* withClock({ sso: { clients: { cl_1: "client-secret-value" }, codes: ["code-value"] } })
      const { bearerToken } = jsonOf(yield* send(server, "POST", "/v3/user/tokens", { json: { name: "n" } }))
      yield* send(server, "GET", "/v6/user/tokens?limit=2", { token: bearerToken })
      const exchanged = yield* send(server, "POST", "/v1/integrations/sso/token", {
        token: OTHER,
        json: {
          grant_type: "authorization_code",
          code: "code-value",
          client_id: "cl_1",
          client_secret: "client-secret-value"
        }
      })
      const { access_token, id_token, refresh_token } = jsonOf(exchanged)
      const recorded = JSON.stringify(server.requests)
      for (const secret of [SECRET, OTHER, bearerToken, "client-secret-value", "code-value", refresh_token]) {
        expect(recorded).not.toContain(secret)
      }
      for (const secret of [access_token, id_token]) expect(recorded).not.toContain(secret)
      expect(server.requests[1]).toMatchObject({ route: "list", path: "/v6/user/tokens?limit=2" })
    }))
})
