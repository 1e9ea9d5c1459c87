/**
 * `TokenService.get` (`GET /v5/user/tokens/{tokenId}`): unit tests over `MockHttpClient` on the
 * `TestClock`, then end to end through undici against `MockVercelServer`.
 */
import { describe, expect, it } from "@effect/vitest"
import { MockVercelServer } from "@vercel-auth/testing"
import { Effect, TestClock } from "effect"
import {
  expectNoSecret,
  failureOf,
  get,
  json,
  live,
  pick,
  recordingTracer,
  settle,
  spanContents,
  successOf,
  T0,
  TOKEN,
  unit,
  vercelError,
  wireToken
} from "./tokenGroup.support.js"

const HOUR = 3_600_000

describe("get (unit, TestClock)", () => {
  it.effect("sends one GET /v5/user/tokens/{id} with the bearer and decodes every field, times as Dates", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const wire = wireToken("tok_full", {
        name: "ci deploy",
        origin: "email",
        createdAt: T0 - HOUR,
        activeAt: T0 - 60_000,
        expiresAt: T0 + 24 * HOUR,
        leakedAt: T0 - 30_000,
        leakedUrl: "https://github.com/acme/repo/blob/main/.env",
        prefix: "vcp_ab",
        suffix: "wxyz",
        scopes: [
          { type: "user", origin: "email", createdAt: T0 - HOUR },
          { type: "team", teamId: "team_1", origin: "saml", createdAt: T0 - HOUR, expiresAt: T0 + 24 * HOUR }
        ]
      })
      const h = unit(() => json(200, { token: wire }))
      const token = successOf(yield* settle(get("tok_full").pipe(Effect.provide(h.layer))))
      expect(token).toEqual({
        id: "tok_full",
        name: "ci deploy",
        type: "oauth2-token",
        origin: "email",
        createdAt: new Date(T0 - HOUR),
        activeAt: new Date(T0 - 60_000),
        expiresAt: new Date(T0 + 24 * HOUR),
        leakedAt: new Date(T0 - 30_000),
        leakedUrl: "https://github.com/acme/repo/blob/main/.env",
        prefix: "vcp_ab",
        suffix: "wxyz",
        scopes: [
          { type: "user", origin: "email", createdAt: new Date(T0 - HOUR) },
          {
            type: "team",
            teamId: "team_1",
            origin: "saml",
            createdAt: new Date(T0 - HOUR),
            expiresAt: new Date(T0 + 24 * HOUR)
          }
        ]
      })
      expect(token.createdAt).toBeInstanceOf(Date)
      expect(h.seen.map((r) => [r.method, r.url.href, r.at, r.body])).toEqual([
        ["GET", "https://api.vercel.test/v5/user/tokens/tok_full", T0, undefined]
      ])
      expect(h.seen[0]!.headers["authorization"]).toBe(`Bearer ${TOKEN}`)
      expect(h.seen[0]!.headers["accept"]).toBe("application/json")
    }))

  it.effect("`current` reads the bearer's own token at /v5/user/tokens/current", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const h = unit(() => json(200, { token: wireToken("tok_self", { name: "self" }) }))
      const token = successOf(yield* settle(get("current").pipe(Effect.provide(h.layer))))
      expect(pick(token, "id", "name")).toEqual({ id: "tok_self", name: "self" })
      expect(h.seen.map((r) => r.url.pathname)).toEqual(["/v5/user/tokens/current"])
    }))

  it.effect("an id is sent as one percent-encoded path segment, no query", () =>
    Effect.gen(function*() {
      const h = unit(() => json(200, { token: wireToken("a/b?c=1#d") }))
      successOf(yield* settle(get("a/b?c=1#d").pipe(Effect.provide(h.layer))))
      expect(h.seen.map((r) => [r.url.pathname, r.url.search])).toEqual([["/v5/user/tokens/a%2Fb%3Fc%3D1%23d", ""]])
    }))

  it.effect("null optional fields read as absent", () =>
    Effect.gen(function*() {
      const h = unit(() =>
        json(200, {
          token: wireToken("tok_1", { expiresAt: null, leakedAt: null, leakedUrl: null, origin: null, scopes: null })
        })
      )
      const token = successOf(yield* settle(get("tok_1").pipe(Effect.provide(h.layer))))
      expect(Object.keys(token).sort()).toEqual(["activeAt", "createdAt", "id", "name", "type"])
    }))

  it.effect("an unknown field, a new origin, a new token type and a new scope type never fail the read", () =>
    Effect.gen(function*() {
      const h = unit(() =>
        json(200, {
          token: wireToken("tok_new", {
            origin: "passkey-2027",
            type: "fine-grained-v2",
            surprise: { nested: [1, 2, 3] },
            scopes: [
              { type: "project", projectId: "prj_1", createdAt: T0, novel: true },
              { type: "user", origin: "sso-federation", createdAt: T0, alsoNew: "x" }
            ]
          }),
          alsoAtTheTop: 1
        })
      )
      const token = successOf(yield* settle(get("tok_new").pipe(Effect.provide(h.layer))))
      expect(pick(token, "id", "origin", "type")).toEqual({
        id: "tok_new",
        origin: "passkey-2027",
        type: "fine-grained-v2"
      })
      expect(token.scopes).toEqual([{ type: "project" }, {
        type: "user",
        origin: "sso-federation",
        createdAt: new Date(T0)
      }])
      expect("surprise" in token).toBe(false)
    }))

  const missing: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
    ["createdAt missing", (({ createdAt: _, ...rest }) => rest)(wireToken("tok_1"))],
    ["id missing", (({ id: _, ...rest }) => rest)(wireToken("tok_1"))],
    ["activeAt a string", wireToken("tok_1", { activeAt: "yesterday" })],
    ["a team scope without teamId", wireToken("tok_1", { scopes: [{ type: "team", createdAt: T0 }] })]
  ]
  for (const [name, token] of missing) {
    it.effect(`a required field broken (${name}) is UnexpectedResponse "body", not retried`, () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(T0)
        const h = unit(() => json(200, { token }))
        const error = failureOf(yield* settle(get("tok_1").pipe(Effect.provide(h.layer))))
        expect(pick(error, "_tag", "reason", "status", "operation", "tokenId", "attempts")).toEqual({
          _tag: "UnexpectedResponse",
          reason: "body",
          status: 200,
          operation: "get",
          tokenId: "tok_1",
          attempts: 1
        })
        expect(h.seen).toHaveLength(1)
        expectNoSecret(error)
      }))
  }

  it.effect("404 with Vercel's body is TokenNotFound (operation get), not retried, token-free", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const h = unit(() => vercelError(404, "not_found", `The token was not found (you sent ${TOKEN})`))
      const error = failureOf(yield* settle(get("tok_gone").pipe(Effect.provide(h.layer))))
      expect(pick(error, "_tag", "operation", "tokenId", "status", "code", "attempts", "requestId")).toEqual({
        _tag: "TokenNotFound",
        operation: "get",
        tokenId: "tok_gone",
        status: 404,
        code: "not_found",
        attempts: 1,
        requestId: "fra1::req-404"
      })
      expect(error).toBeInstanceOf(Error)
      expect((error as Error).message).toContain("tok_gone")
      expect(h.seen).toHaveLength(1)
      expectNoSecret(error)
    }))

  it.effect("a 404 without Vercel's body (a proxy, a wrong route) is UnexpectedResponse \"status\"", () =>
    Effect.gen(function*() {
      const h = unit(() =>
        new Response("<html>Not Found</html>", { status: 404, headers: { "content-type": "text/html" } })
      )
      const error = failureOf(yield* settle(get("tok_1").pipe(Effect.provide(h.layer))))
      expect(pick(error, "_tag", "reason", "status", "operation")).toEqual({
        _tag: "UnexpectedResponse",
        reason: "status",
        status: 404,
        operation: "get"
      })
      expectNoSecret(error)
    }))

  it.effect("a 401 echoing the bearer token is Unauthorized without it", () =>
    Effect.gen(function*() {
      const h = unit(() =>
        vercelError(401, "unauthorized", `Bearer ${TOKEN} is not valid`, {}, { "x-vercel-id": TOKEN })
      )
      const error = failureOf(yield* settle(get("tok_1").pipe(Effect.provide(h.layer))))
      expect(pick(error, "_tag", "status", "operation", "attempts")).toEqual({
        _tag: "Unauthorized",
        status: 401,
        operation: "get",
        attempts: 1
      })
      expectNoSecret(error)
    }))

  it.effect("a server echoing the bearer token in an error body: no span holds it (recording tracer)", () =>
    Effect.gen(function*() {
      const { spans, tracer } = yield* recordingTracer
      const h = unit(() => vercelError(403, "forbidden", `Authorization: Bearer ${TOKEN} lacks scope`))
      const error = failureOf(yield* settle(get("tok_1").pipe(Effect.provide(h.layer), Effect.withTracer(tracer))))
      expect(pick(error, "_tag", "status")).toEqual({ _tag: "Forbidden", status: 403 })
      expectNoSecret(error)
      expect(spans.map((span) => span.name)).toEqual(expect.arrayContaining(["TokenService.get", "http.client GET"]))
      const leaking = spans.filter((span) => spanContents(span).includes(TOKEN)).map((span) => span.name)
      expect(leaking, "spans holding the bearer token").toEqual([])
    }))

  it.effect("503, 503, 200: retried at the exact backoff instants (jitter 0.5: +125 ms, +250 ms)", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const h = unit((_, i) =>
        i < 2 ? vercelError(503, "service_unavailable", "busy") : json(200, { token: wireToken("tok_1") })
      )
      const token = successOf(yield* settle(get("tok_1").pipe(Effect.provide(h.layer))))
      expect(token.id).toBe("tok_1")
      expect(h.seen.map((r) => r.at - T0)).toEqual([0, 125, 375])
    }))

  it.effect("a 503 with Retry-After: 1 is retried no earlier than the hint (1000 ms + 125 ms jitter)", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const h = unit((_, i) =>
        i === 0
          ? vercelError(503, "service_unavailable", "busy", {}, { "retry-after": "1" })
          : json(200, { token: wireToken("tok_1") })
      )
      successOf(yield* settle(get("tok_1").pipe(Effect.provide(h.layer))))
      expect(h.seen.map((r) => r.at - T0)).toEqual([0, 1125])
    }))

  it.effect("503 three times gives up with ServerError after maxAttempts", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const h = unit(() => vercelError(503, "service_unavailable", "busy"))
      const error = failureOf(yield* settle(get("tok_1").pipe(Effect.provide(h.layer))))
      expect(pick(error, "_tag", "status", "attempts", "operation", "tokenId")).toEqual({
        _tag: "ServerError",
        status: 503,
        attempts: 3,
        operation: "get",
        tokenId: "tok_1"
      })
      expect(h.seen).toHaveLength(3)
      expectNoSecret(error)
    }))

  const invalid: ReadonlyArray<readonly [string, unknown, string]> = [
    ["empty", "", "empty"],
    ["a space", " ", "empty"],
    ["tabs and newlines", "\t\n  \r", "empty"],
    ["a non-breaking space", "\u00a0", "empty"],
    [".", ".", "dot-segment"],
    ["..", "..", "dot-segment"],
    ["257 characters", "a".repeat(257), "too-long"],
    ["a NUL", "tok\u0000x", "control-character"],
    ["a DEL", "tok\u007f", "control-character"],
    ["a lone surrogate", "tok\ud800", "malformed-unicode"],
    ["a number", 123, "not-a-string"],
    ["undefined", undefined, "not-a-string"]
  ]
  for (const [name, id, reason] of invalid) {
    it.effect(`an invalid id (${name}) is InvalidTokenId, attempts 0, nothing sent`, () =>
      Effect.gen(function*() {
        const h = unit(() => json(200, { token: wireToken("tok_1") }))
        const error = failureOf(yield* settle(get(id as string).pipe(Effect.provide(h.layer))))
        expect(pick(error, "_tag", "operation", "attempts", "reason")).toEqual({
          _tag: "InvalidTokenId",
          operation: "get",
          attempts: 0,
          reason
        })
        expect(h.seen).toHaveLength(0)
        expectNoSecret(error)
      }))
  }
})

describe("get (end to end through undici)", () => {
  it.live("`current` returns the bearer's own token, with Dates", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { [TOKEN]: ["tok_other"] } })
      const before = Date.now()
      const token = yield* get("current").pipe(Effect.provide(live(server)))
      const selfId = server.selfId(TOKEN)!
      expect(pick(token, "id", "name", "type")).toEqual({ id: selfId, name: "self", type: "oauth2-token" })
      expect(token.createdAt).toEqual(new Date(server.token(selfId)!.createdAt))
      // The server marks its own token as used by this very request.
      expect(token.activeAt.getTime()).toBeGreaterThanOrEqual(before)
      expect(server.requests.map((r) => [r.method, r.path, r.route, r.status, r.hasAuth])).toEqual([
        ["GET", "/v5/user/tokens/current", "get", 200, true]
      ])
    }).pipe(Effect.scoped))

  it.live("a seeded token with every field reads back exactly", () =>
    Effect.gen(function*() {
      const now = Date.now()
      const seed = {
        id: "tok_full",
        name: "ci deploy",
        origin: "email",
        createdAt: now - HOUR,
        activeAt: now - 60_000,
        expiresAt: now + HOUR,
        leakedAt: now - 1_000,
        leakedUrl: "https://github.com/acme/repo/blob/main/.env",
        prefix: "vcp_ab",
        suffix: "wxyz",
        scopes: [{ type: "team" as const, teamId: "team_9", createdAt: now - HOUR, origin: "saml" }]
      }
      const server = yield* MockVercelServer.make({ tokens: { [TOKEN]: [seed] } })
      const token = yield* get("tok_full").pipe(Effect.provide(live(server)))
      expect(token).toEqual({
        id: "tok_full",
        name: "ci deploy",
        type: "oauth2-token",
        origin: "email",
        createdAt: new Date(now - HOUR),
        activeAt: new Date(now - 60_000),
        expiresAt: new Date(now + HOUR),
        leakedAt: new Date(now - 1_000),
        leakedUrl: "https://github.com/acme/repo/blob/main/.env",
        prefix: "vcp_ab",
        suffix: "wxyz",
        scopes: [{ type: "team", teamId: "team_9", createdAt: new Date(now - HOUR), origin: "saml" }]
      })
    }).pipe(Effect.scoped))

  it.live("unknown fields, a new origin, a new type and a new scope type: the read succeeds", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({
        tokens: {
          [TOKEN]: [
            {
              id: "tok_new",
              origin: "passkey-2027",
              type: "fine-grained-v2",
              scopes: [{ type: "project", projectId: "prj_1", createdAt: 1_700_000_000_000 }],
              surprise: { nested: true }
            } as unknown as MockVercelServer.TokenSeed
          ]
        }
      })
      const token = yield* get("tok_new").pipe(Effect.provide(live(server)))
      expect(pick(token, "id", "origin", "type", "scopes")).toEqual({
        id: "tok_new",
        origin: "passkey-2027",
        type: "fine-grained-v2",
        scopes: [{ type: "project" }]
      })
      expect(token.createdAt).toBeInstanceOf(Date)
    }).pipe(Effect.scoped))

  it.live("a body missing a required field is UnexpectedResponse \"body\"", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { [TOKEN]: ["tok_1"] } })
      server.script.push({
        kind: "malformed",
        route: "get",
        body: JSON.stringify({ token: { id: "tok_1", name: "x", type: "oauth2-token", activeAt: 1 } })
      })
      const error = failureOf(yield* Effect.exit(get("tok_1").pipe(Effect.provide(live(server)))))
      expect(pick(error, "_tag", "reason", "status", "operation", "tokenId", "attempts")).toEqual({
        _tag: "UnexpectedResponse",
        reason: "body",
        status: 200,
        operation: "get",
        tokenId: "tok_1",
        attempts: 1
      })
      expect(server.requests).toHaveLength(1)
      expectNoSecret(error)
    }).pipe(Effect.scoped))

  it.live("404 with Vercel's body is TokenNotFound with the request id", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { [TOKEN]: [] } })
      const error = failureOf(yield* Effect.exit(get("tok_nope").pipe(Effect.provide(live(server)))))
      expect(pick(error, "_tag", "operation", "tokenId", "status", "code", "attempts")).toEqual({
        _tag: "TokenNotFound",
        operation: "get",
        tokenId: "tok_nope",
        status: 404,
        code: "not_found",
        attempts: 1
      })
      expect((error as { requestId?: string }).requestId).toMatch(/^tst1::/)
      expect(server.requests).toHaveLength(1)
      expectNoSecret(error)
    }).pipe(Effect.scoped))

  it.live("a 503 is retried on the real transport", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { [TOKEN]: ["tok_1"] } })
      server.script.push({ kind: "status", status: 503, route: "get" })
      const token = yield* get("tok_1").pipe(Effect.provide(live(server)))
      expect(token.id).toBe("tok_1")
      expect(server.requests.map((r) => r.status)).toEqual([503, 200])
    }).pipe(Effect.scoped))

  it.live("a whitespace-only id sends nothing", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { [TOKEN]: [] } })
      const error = failureOf(yield* Effect.exit(get("  \t").pipe(Effect.provide(live(server)))))
      expect(pick(error, "_tag", "attempts", "reason", "operation")).toEqual({
        _tag: "InvalidTokenId",
        attempts: 0,
        reason: "empty",
        operation: "get"
      })
      expect(server.requests).toHaveLength(0)
      expectNoSecret(error)
    }).pipe(Effect.scoped))
})
