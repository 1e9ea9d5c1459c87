import { describe, expect, it } from "@effect/vitest"
import { TokenError } from "@vercel-auth/core"
import { Effect } from "effect"
import { readFileSync } from "node:fs"
import { packageVersion } from "../src/internal/version.js"
import { BASE_URL, expectNoToken, failureOf, harness, json, settle, TOKEN, vercelError } from "./support.js"

const ok = (tokenId = "tok_1") => json(200, { tokenId })

describe("TokenService.delete: the request", () => {
  it.effect("sends one DELETE with bearer, JSON accept and a User-Agent naming the package", () =>
    Effect.gen(function*() {
      const h = harness([ok("tok_1")])
      const result = yield* h.revoke("tok_1").pipe(Effect.provide(h.layer))
      expect(result).toEqual({ tokenId: "tok_1" })
      expect(h.requests).toHaveLength(1)
      const [sent] = h.requests
      expect(sent!.method).toBe("DELETE")
      expect(sent!.url.href).toBe(`${BASE_URL}/v3/user/tokens/tok_1`)
      expect(sent!.headers["authorization"]).toBe(`Bearer ${TOKEN}`)
      expect(sent!.headers["accept"]).toBe("application/json")
      expect(sent!.headers["user-agent"]).toBe(`@vercel-auth/core/${packageVersion}`)
    }))

  it("names the version of package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))
    expect(packageVersion).toBe(pkg.version)
  })

  it.effect("puts the application's User-Agent before the package's own", () =>
    Effect.gen(function*() {
      const h = harness([ok()], undefined, { userAgent: "rotate-bot/2.1" })
      yield* h.revoke("tok_1").pipe(Effect.provide(h.layer))
      expect(h.requests[0]!.headers["user-agent"]).toBe(`rotate-bot/2.1 @vercel-auth/core/${packageVersion}`)
    }))

  it.effect("returns the id the API answered, which for `current` is the real id", () =>
    Effect.gen(function*() {
      const h = harness([ok("tok_self")])
      expect(yield* h.revoke("current").pipe(Effect.provide(h.layer))).toEqual({ tokenId: "tok_self" })
      expect(h.requests[0]!.url.pathname).toBe("/v3/user/tokens/current")
    }))

  const encodings: ReadonlyArray<readonly [string, string]> = [
    ["a/b", "a%2Fb"],
    ["x?y=1", "x%3Fy%3D1"],
    ["%2e%2e", "%252e%252e"],
    ["%2F..", "%252F.."],
    ["...", "..."],
    ["a#b", "a%23b"],
    ["tök😀", "t%C3%B6k%F0%9F%98%80"],
    ["a b+c", "a%20b%2Bc"],
    ["\\..\\", "%5C..%5C"]
  ]
  for (const [id, segment] of encodings) {
    it.effect(`encodes ${JSON.stringify(id)} as exactly one path segment`, () =>
      Effect.gen(function*() {
        const h = harness([ok(id)])
        yield* h.revoke(id).pipe(Effect.provide(h.layer))
        const url = h.requests[0]!.url
        expect(url.pathname).toBe(`/v3/user/tokens/${segment}`)
        expect(url.search).toBe("")
        expect(url.hash).toBe("")
        expect(url.origin).toBe(BASE_URL)
        expect(decodeURIComponent(url.pathname.split("/")[4]!)).toBe(id)
      }))
  }
})

describe("TokenService.delete: InvalidTokenId", () => {
  const cases: ReadonlyArray<readonly [string, unknown, TokenError.InvalidTokenId["reason"]]> = [
    ["a number", 123, "not-a-string"],
    ["undefined", undefined, "not-a-string"],
    ["null", null, "not-a-string"],
    ["an object", { id: "tok_1" }, "not-a-string"],
    ["the empty string", "", "empty"],
    ["a dot", ".", "dot-segment"],
    ["two dots", "..", "dot-segment"],
    ["257 characters", "a".repeat(257), "too-long"],
    ["a newline", "tok\n1", "control-character"],
    ["a NUL", "tok\u00001", "control-character"],
    ["a carriage return", "tok\r", "control-character"],
    ["DEL", "tok\u007f", "control-character"],
    ["a C1 control", "tok\u0085", "control-character"],
    ["a lone surrogate", "tok\ud800", "malformed-unicode"]
  ]
  for (const [name, id, reason] of cases) {
    it.effect(`rejects ${name} before sending anything`, () =>
      Effect.gen(function*() {
        const h = harness([ok()])
        const error = failureOf(yield* Effect.exit(h.revoke(id as string).pipe(Effect.provide(h.layer))))
        expect(error).toBeInstanceOf(TokenError.InvalidTokenId)
        expect(error).toMatchObject({ _tag: "InvalidTokenId", reason, attempts: 0 })
        expect(error.message).toContain("Nothing was sent")
        expect(h.requests).toHaveLength(0)
        expectNoToken(error)
      }))
  }

  it.effect("accepts 256 characters and ordinary punctuation", () =>
    Effect.gen(function*() {
      const h = harness([ok()])
      yield* h.revoke("a".repeat(256)).pipe(Effect.provide(h.layer))
      yield* h.revoke(".a.").pipe(Effect.provide(h.layer))
      expect(h.requests).toHaveLength(2)
    }))
})

describe("TokenService.delete: one error per status", () => {
  const statuses = [
    { status: 400, tag: "BadRequest", cls: TokenError.BadRequest, code: "bad_request", attempts: 1 },
    { status: 401, tag: "Unauthorized", cls: TokenError.Unauthorized, code: "unauthorized", attempts: 1 },
    { status: 403, tag: "Forbidden", cls: TokenError.Forbidden, code: "forbidden", attempts: 1 },
    { status: 404, tag: "TokenNotFound", cls: TokenError.TokenNotFound, code: "not_found", attempts: 1 },
    { status: 410, tag: "TokenNotFound", cls: TokenError.TokenNotFound, code: "gone", attempts: 1 },
    { status: 429, tag: "RateLimited", cls: TokenError.RateLimited, code: "rate_limited", attempts: 3 },
    { status: 500, tag: "ServerError", cls: TokenError.ServerError, code: "internal_server_error", attempts: 3 },
    { status: 502, tag: "ServerError", cls: TokenError.ServerError, code: "bad_gateway", attempts: 3 },
    { status: 503, tag: "ServerError", cls: TokenError.ServerError, code: "unavailable", attempts: 3 },
    { status: 504, tag: "ServerError", cls: TokenError.ServerError, code: "timeout", attempts: 3 },
    { status: 501, tag: "ServerError", cls: TokenError.ServerError, code: "not_implemented", attempts: 1 },
    { status: 408, tag: "UnexpectedResponse", cls: TokenError.UnexpectedResponse, code: "timeout", attempts: 3 },
    { status: 418, tag: "UnexpectedResponse", cls: TokenError.UnexpectedResponse, code: "teapot", attempts: 1 },
    { status: 409, tag: "UnexpectedResponse", cls: TokenError.UnexpectedResponse, code: "conflict", attempts: 1 }
  ] as const
  for (const { attempts, cls, code, status, tag } of statuses) {
    it.effect(`${status} is ${tag} with status, code, message, requestId and ${attempts} attempt(s)`, () =>
      Effect.gen(function*() {
        const h = harness([vercelError(status, code, `server says ${status}`)])
        const error = failureOf(yield* settle(h.revoke("tok_1").pipe(Effect.provide(h.layer))))
        expect(error).toBeInstanceOf(cls)
        expect(error).toBeInstanceOf(Error)
        expect(error).toMatchObject({ _tag: tag, status, code, attempts, requestId: `fra1::${code}-${status}` })
        expect(error.message).toContain(`server says ${status}`)
        expect(error.message).toContain(String(status))
        expect(error.stack).toBeTypeOf("string")
        expect(h.requests).toHaveLength(attempts)
        expectNoToken(error)
      }))
  }

  it.effect("reads Vercel's `err` variant of the error body and the invalidToken flag", () =>
    Effect.gen(function*() {
      const h = harness([json(403, { err: { code: "forbidden", message: "invalid token", invalidToken: true } })])
      const error = failureOf(yield* Effect.exit(h.revoke("tok_1").pipe(Effect.provide(h.layer))))
      expect(error).toMatchObject({ _tag: "Forbidden", code: "forbidden", invalidToken: true, status: 403 })
      expect(error.message).toContain("invalid, expired or already revoked")
    }))

  it.effect("carries the tokenId on TokenNotFound", () =>
    Effect.gen(function*() {
      const h = harness([vercelError(404, "not_found", "no such token")])
      const error = failureOf(yield* Effect.exit(h.revoke("tok_gone").pipe(Effect.provide(h.layer))))
      expect(error).toMatchObject({ _tag: "TokenNotFound", tokenId: "tok_gone" })
    }))

  it.effect("keeps an error with no body meaningful", () =>
    Effect.gen(function*() {
      const h = harness([new Response(null, { status: 401 })])
      const error = failureOf(yield* Effect.exit(h.revoke("tok_1").pipe(Effect.provide(h.layer))))
      expect(error).toMatchObject({ _tag: "Unauthorized", status: 401, attempts: 1 })
      expect(error).not.toHaveProperty("code")
      expect(error.message).toContain("VERCEL_TOKEN")
    }))

  it.effect("does not follow a redirect: a 3xx is UnexpectedResponse and nothing goes to the Location", () =>
    Effect.gen(function*() {
      const h = harness([new Response("moved", { status: 307, headers: { location: "https://evil.example/steal" } })])
      const error = failureOf(yield* Effect.exit(h.revoke("tok_1").pipe(Effect.provide(h.layer))))
      expect(error).toMatchObject({ _tag: "UnexpectedResponse", status: 307, attempts: 1, body: "moved" })
      expect(h.requests.map((s) => s.url.origin)).toEqual([BASE_URL])
    }))
})

describe("TokenService.delete: missingOk", () => {
  for (const status of [404, 410]) {
    it.effect(`turns ${status} into { tokenId, alreadyDeleted: true }`, () =>
      Effect.gen(function*() {
        const h = harness([vercelError(status, "not_found", "no such token")])
        const result = yield* h.revoke("tok_9", { missingOk: true }).pipe(Effect.provide(h.layer))
        expect(result).toEqual({ tokenId: "tok_9", alreadyDeleted: true })
      }))
  }

  it.effect("changes nothing else", () =>
    Effect.gen(function*() {
      const h = harness([vercelError(403, "forbidden", "no")])
      const exit = yield* Effect.exit(h.revoke("tok_9", { missingOk: true }).pipe(Effect.provide(h.layer)))
      expect(failureOf(exit)._tag).toBe("Forbidden")
      const ok2 = harness([ok("tok_9")])
      expect(yield* ok2.revoke("tok_9", { missingOk: true }).pipe(Effect.provide(ok2.layer))).toEqual({
        tokenId: "tok_9"
      })
    }))
})

describe("TokenService.delete: a 200 is decoded strictly", () => {
  // The body, and the excerpt the error quotes: all of a short body, any bearer credential redacted.
  const bodies: ReadonlyArray<readonly [string, string, string?]> = [
    ["non-JSON", "tokenId=tok_1"],
    ["{}", "{}"],
    ["a numeric tokenId", "{\"tokenId\":123}"],
    ["an empty tokenId", "{\"tokenId\":\"\"}"],
    ["null", "null"],
    ["an array", "[{\"tokenId\":\"tok_1\"}]"],
    ["HTML", "<!doctype html><html><body>Bearer abc.def</body></html>", "<!doctype html><html><body>Bearer <redacted>"],
    ["an empty body", ""],
    ["truncated JSON", "{\"tokenId\":\"tok_"]
  ]
  for (const [name, body, excerpt = body] of bodies) {
    it.effect(`${name} is UnexpectedResponse, not retried`, () =>
      Effect.gen(function*() {
        const h = harness([new Response(body, { status: 200, headers: { "x-vercel-id": "fra1::odd" } })])
        const error = failureOf(yield* settle(h.revoke("tok_1").pipe(Effect.provide(h.layer))))
        expect(error).toBeInstanceOf(TokenError.UnexpectedResponse)
        expect(error).toMatchObject({ _tag: "UnexpectedResponse", status: 200, attempts: 1, requestId: "fra1::odd" })
        expect(h.requests).toHaveLength(1)
        expect(error).toMatchObject({ reason: "body", body: excerpt })
        expectNoToken(error)
      }))
  }

  it.effect("ignores extra properties a later API version may add", () =>
    Effect.gen(function*() {
      const h = harness([json(200, { tokenId: "tok_1", revokedAt: 1 })])
      expect(yield* h.revoke("tok_1").pipe(Effect.provide(h.layer))).toEqual({ tokenId: "tok_1" })
    }))

  it.effect("cuts a long body to a short excerpt", () =>
    Effect.gen(function*() {
      const h = harness([new Response("x".repeat(10_000), { status: 200 })])
      const error = failureOf(yield* Effect.exit(h.revoke("tok_1").pipe(Effect.provide(h.layer))))
      expect(error).toMatchObject({ _tag: "UnexpectedResponse", body: `${"x".repeat(200)}…` })
    }))
})

describe("TokenService.delete: transport failures", () => {
  it.effect("a refused connection is a NetworkError that never reached the server, after every attempt", () =>
    Effect.gen(function*() {
      const h = harness([{ transport: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:9" }])
      const error = failureOf(yield* settle(h.revoke("tok_1").pipe(Effect.provide(h.layer))))
      expect(error).toBeInstanceOf(TokenError.NetworkError)
      expect(error).toMatchObject({ _tag: "NetworkError", ambiguous: false, attempts: 3 })
      expect(error.message).toContain("did not reach Vercel")
      expect(h.requests).toHaveLength(3)
      expectNoToken(error)
    }))

  it.effect("a reset is ambiguous: the request may have been acted on", () =>
    Effect.gen(function*() {
      const h = harness([{ transport: "ECONNRESET", message: "socket hang up" }])
      const error = failureOf(yield* settle(h.revoke("tok_1").pipe(Effect.provide(h.layer))))
      expect(error).toMatchObject({ _tag: "NetworkError", ambiguous: true, attempts: 3 })
      expect((error as TokenError.NetworkError).cause).toMatchObject({ code: "ECONNRESET", message: "socket hang up" })
      expectNoToken(error)
    }))

  it.effect("a certificate failure is not retried", () =>
    Effect.gen(function*() {
      const h = harness([{ transport: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" }])
      const error = failureOf(yield* settle(h.revoke("tok_1").pipe(Effect.provide(h.layer))))
      expect(error).toMatchObject({ _tag: "NetworkError", attempts: 1 })
    }))

  it.effect("a hung server is a Timeout of the attempt, retried, within the deadline", () =>
    Effect.gen(function*() {
      const h = harness(["hang"], { attemptTimeout: "2 seconds" })
      const error = failureOf(yield* settle(h.revoke("tok_1").pipe(Effect.provide(h.layer))))
      expect(error).toBeInstanceOf(TokenError.Timeout)
      expect(error).toMatchObject({ _tag: "Timeout", phase: "attempt", attempts: 3 })
      expect(h.requests.map(({ signal }) => signal.aborted)).toEqual([true, true, true])
      expectNoToken(error)
    }))
})
