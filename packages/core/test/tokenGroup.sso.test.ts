/**
 * `IntegrationSso.exchange` (`POST /v1/integrations/sso/token`): a snake_case body, no bearer token,
 * every token in the result `Redacted`, a single-use code never sent twice, no grant secret in any
 * error even when the server echoes it, and malformed grants refused before sending. Unit tests over
 * `MockHttpClient` on the `TestClock`, then end to end through undici against `MockVercelServer`.
 */
import { describe, expect, it } from "@effect/vitest"
import type { IntegrationSso } from "@vercel-auth/core"
import { MockVercelServer } from "@vercel-auth/testing"
import { Effect, Equal, Redacted, TestClock } from "effect"
import { inspect } from "node:util"
import {
  capturingLogs,
  exchange,
  expectNoSecret,
  fail,
  failureOf,
  hang,
  json,
  live,
  pick,
  recordingTracer,
  settle,
  spanContents,
  successOf,
  T0,
  TOKEN,
  transportFailure,
  unit,
  vercelError
} from "./tokenGroup.support.js"

const CODE = "sso_code_ABCDEF1234567890"
const CLIENT_ID = "oac_client_1"
const CLIENT_SECRET = "cs_live_SECRET_0987654321fedcba"
const REFRESH = "vcr_refresh_SECRET_abcdef123456"
const ID_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEifQ.SIGNATURE_id_token_secret"
const ACCESS = "vca_access_SECRET_55667788"
const NEW_REFRESH = "vcr_new_refresh_SECRET_99aabbcc"
const SECRETS = [CODE, CLIENT_SECRET, REFRESH] as const

const codeGrant = (fields: Partial<Record<string, unknown>> = {}): IntegrationSso.SsoGrant =>
  ({
    grantType: "authorization_code",
    code: Redacted.make(CODE),
    clientId: CLIENT_ID,
    clientSecret: Redacted.make(CLIENT_SECRET),
    ...fields
  }) as IntegrationSso.SsoGrant

const refreshGrant = (fields: Partial<Record<string, unknown>> = {}): IntegrationSso.SsoGrant =>
  ({
    grantType: "refresh_token",
    refreshToken: Redacted.make(REFRESH),
    clientId: CLIENT_ID,
    clientSecret: Redacted.make(CLIENT_SECRET),
    ...fields
  }) as IntegrationSso.SsoGrant

const granted = () =>
  json(200, {
    id_token: ID_TOKEN,
    access_token: ACCESS,
    token_type: "Bearer",
    expires_in: 3600,
    refresh_token: NEW_REFRESH
  })

const is = (value: unknown, secret: string) => Redacted.isRedacted(value) && Equal.equals(value, Redacted.make(secret))

describe("IntegrationSso.exchange (unit, TestClock)", () => {
  it.effect("an authorization_code grant goes as a snake_case JSON body, without an Authorization header", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const h = unit(() => granted())
      const tokens = successOf(
        yield* settle(
          exchange(codeGrant({ redirectUri: "https://app.example/callback", state: "st_1" })).pipe(
            Effect.provide(h.layer)
          )
        )
      )
      expect(h.seen.map((r) => [r.method, r.url.href, r.at])).toEqual([
        ["POST", "https://api.vercel.test/v1/integrations/sso/token", T0]
      ])
      expect(h.seen[0]!.body).toEqual({
        grant_type: "authorization_code",
        code: CODE,
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uri: "https://app.example/callback",
        state: "st_1"
      })
      expect(h.seen[0]!.contentType).toBe("application/json")
      expect(Object.keys(h.seen[0]!.headers).map((name) => name.toLowerCase())).not.toContain("authorization")
      expect(JSON.stringify(h.seen[0]!.headers)).not.toContain(TOKEN)
      expect(h.seen[0]!.headers["user-agent"]).toMatch(/vercel-auth/)

      expect(is(tokens.idToken, ID_TOKEN)).toBe(true)
      expect(is(tokens.accessToken, ACCESS)).toBe(true)
      expect(is(tokens.refreshToken, NEW_REFRESH)).toBe(true)
      expect(pick(tokens, "tokenType", "expiresIn")).toEqual({ tokenType: "Bearer", expiresIn: 3600 })
      for (const rendering of [String(tokens), JSON.stringify(tokens), inspect(tokens, { depth: 10 })]) {
        for (const secret of [ID_TOKEN, ACCESS, NEW_REFRESH]) expect(rendering).not.toContain(secret)
      }
    }))

  it.effect("a refresh_token grant goes as { grant_type, refresh_token, client_id, client_secret }", () =>
    Effect.gen(function*() {
      const h = unit(() => granted())
      successOf(yield* settle(exchange(refreshGrant()).pipe(Effect.provide(h.layer))))
      expect(h.seen[0]!.body).toEqual({
        grant_type: "refresh_token",
        refresh_token: REFRESH,
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET
      })
    }))

  it.effect("an answer with only id_token reads as { idToken } (Redacted)", () =>
    Effect.gen(function*() {
      const h = unit(() => json(200, { id_token: ID_TOKEN, novel_field: 1 }))
      const tokens = successOf(yield* settle(exchange(codeGrant()).pipe(Effect.provide(h.layer))))
      expect(Object.keys(tokens)).toEqual(["idToken"])
      expect(is(tokens.idToken, ID_TOKEN)).toBe(true)
    }))

  it.effect("a 429 is retried (it certainly did not use the code), no earlier than Retry-After", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const h = unit((_, i) =>
        i === 0 ? vercelError(429, "rate_limited", "slow down", {}, { "retry-after": "1" }) : granted()
      )
      successOf(yield* settle(exchange(codeGrant()).pipe(Effect.provide(h.layer))))
      expect(h.seen.map((r) => r.at - T0)).toEqual([0, 1125])
    }))

  it.effect("a refused connection is retried (nothing was sent)", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const h = unit((_, i) => i === 0 ? fail(transportFailure("ECONNREFUSED")) : granted())
      successOf(yield* settle(exchange(codeGrant()).pipe(Effect.provide(h.layer))))
      expect(h.seen.map((r) => r.at - T0)).toEqual([0, 125])
    }))

  const ambiguous: ReadonlyArray<
    readonly [string, () => Response | ReturnType<typeof fail> | typeof hang, Record<string, unknown>]
  > = [
    ["a 500", () => vercelError(500, "internal_server_error", "oops"), { _tag: "ServerError", status: 500 }],
    ["a 503 with Retry-After", () => vercelError(503, "service_unavailable", "busy", {}, { "retry-after": "1" }), {
      _tag: "ServerError",
      status: 503
    }],
    ["a reset after sending", () => fail(transportFailure("ECONNRESET", "read ECONNRESET")), {
      _tag: "NetworkError",
      ambiguous: true
    }],
    ["a hung request (attempt timeout)", () => hang, { _tag: "Timeout", phase: "attempt", ambiguous: true }],
    ["a 2xx body that is not the documented one", () => json(200, { access_token: ACCESS }), {
      _tag: "UnexpectedResponse",
      reason: "body",
      status: 200
    }]
  ]
  for (const [name, reply, expected] of ambiguous) {
    it.effect(`${name} may have used the code: never sent again`, () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(T0)
        const h = unit(() => reply(), { attemptTimeout: "2 seconds" })
        const error = failureOf(yield* settle(exchange(codeGrant()).pipe(Effect.provide(h.layer))))
        expect(pick(error, "operation", "attempts", ...Object.keys(expected))).toEqual({
          operation: "sso-exchange",
          attempts: 1,
          ...expected
        })
        expect(h.seen).toHaveLength(1)
        expectNoSecret(error, ...SECRETS, ACCESS)
      }))
  }

  it.effect("a 429 and then a reset: the code went out twice at most, and the second was not retried", () =>
    Effect.gen(function*() {
      const h = unit((_, i) =>
        i === 0
          ? vercelError(429, "rate_limited", "slow down", {}, { "retry-after": "1" })
          : fail(transportFailure("ECONNRESET"))
      )
      const error = failureOf(yield* settle(exchange(codeGrant()).pipe(Effect.provide(h.layer))))
      expect(pick(error, "_tag", "ambiguous", "attempts")).toEqual({
        _tag: "NetworkError",
        ambiguous: true,
        attempts: 2
      })
      expect(h.seen).toHaveLength(2)
      expectNoSecret(error, ...SECRETS)
    }))

  const echoes: ReadonlyArray<
    readonly [string, IntegrationSso.SsoGrant, () => ReturnType<typeof fail> | Response, string]
  > = [
    [
      "a 400 whose message, code and request id echo the code and the client secret",
      codeGrant(),
      () =>
        vercelError(400, `invalid_grant:${CLIENT_SECRET}`, `code ${CODE} for secret ${CLIENT_SECRET} is invalid`, {}, {
          "x-vercel-id": `fra1::${CODE}`
        }),
      "BadRequest"
    ],
    [
      "a 401 whose `err` echoes the client secret percent-encoded",
      codeGrant(),
      () =>
        json(401, { err: { code: "invalid_client", message: `client_secret=${encodeURIComponent(CLIENT_SECRET)}` } }),
      "Unauthorized"
    ],
    [
      "a 502 HTML page quoting the whole request body",
      refreshGrant(),
      () =>
        new Response(`<pre>refresh_token=${REFRESH}&client_secret=${CLIENT_SECRET}</pre>`, {
          status: 502,
          headers: { "content-type": "text/html" }
        }),
      "ServerError"
    ],
    [
      "a transport error whose message quotes the code",
      codeGrant(),
      () => fail(transportFailure("ECONNRESET", `socket closed while sending code=${CODE}`)),
      "NetworkError"
    ],
    [
      "a 200 that is not JSON and quotes everything",
      codeGrant(),
      () => new Response(`code=${CODE} secret=${CLIENT_SECRET} id_token=${ID_TOKEN}`, { status: 200 }),
      "UnexpectedResponse"
    ]
  ]
  for (const [name, grant, reply, tag] of echoes) {
    it.effect(`${name}: the error carries no grant secret`, () =>
      Effect.gen(function*() {
        const h = unit(() => reply())
        const error = failureOf(yield* settle(exchange(grant).pipe(Effect.provide(h.layer))))
        expect(pick(error, "_tag", "operation")).toEqual({ _tag: tag, operation: "sso-exchange" })
        expectNoSecret(error, ...SECRETS, ID_TOKEN, encodeURIComponent(CLIENT_SECRET))
      }))
  }

  it.effect("a client secret with URL-special characters is scrubbed in both its forms", () =>
    Effect.gen(function*() {
      const secret = "cs/with+special=chars&more"
      const h = unit(() => vercelError(400, "bad_request", `got ${secret} aka ${encodeURIComponent(secret)}`))
      const error = failureOf(
        yield* settle(exchange(codeGrant({ clientSecret: Redacted.make(secret) })).pipe(Effect.provide(h.layer)))
      )
      expect(pick(error, "_tag")).toEqual({ _tag: "BadRequest" })
      expectNoSecret(error, secret, encodeURIComponent(secret))
    }))

  const malformed: ReadonlyArray<readonly [string, unknown, string, ReadonlyArray<string>]> = [
    ["an unknown grant type", codeGrant({ grantType: "password" }), "grant.grantType", []],
    ["no grant at all", null, "grant.grantType", []],
    ["an empty client id", codeGrant({ clientId: "" }), "grant.clientId", []],
    ["a client id with a newline", codeGrant({ clientId: "oac\n1" }), "grant.clientId", []],
    ["a client secret as a plain string", codeGrant({ clientSecret: CLIENT_SECRET }), "grant.clientSecret", [
      CLIENT_SECRET
    ]],
    ["an empty client secret", codeGrant({ clientSecret: Redacted.make("") }), "grant.clientSecret", []],
    ["a code as a plain string", codeGrant({ code: CODE }), "grant.code", [CODE]],
    ["no code", codeGrant({ code: undefined }), "grant.code", []],
    ["an empty code", codeGrant({ code: Redacted.make("") }), "grant.code", []],
    ["a redirectUri that is not a string", codeGrant({ redirectUri: 42 }), "grant.redirectUri", []],
    ["a state that is not a string", codeGrant({ state: { x: 1 } }), "grant.state", []],
    ["no refresh token", refreshGrant({ refreshToken: undefined }), "grant.refreshToken", []],
    ["a refresh token as a plain string", refreshGrant({ refreshToken: REFRESH }), "grant.refreshToken", [REFRESH]]
  ]
  for (const [name, grant, field, leaks] of malformed) {
    it.effect(`${name} is InvalidInput \`${field}\`, nothing sent`, () =>
      Effect.gen(function*() {
        const h = unit(() => granted())
        const error = failureOf(
          yield* settle(exchange(grant as IntegrationSso.SsoGrant).pipe(Effect.provide(h.layer)))
        )
        expect(pick(error, "_tag", "field", "operation", "attempts")).toEqual({
          _tag: "InvalidInput",
          field,
          operation: "sso-exchange",
          attempts: 0
        })
        expect(h.seen).toHaveLength(0)
        expectNoSecret(error, ...SECRETS, ...leaks)
      }))
  }

  it.effect("no grant secret or issued token in any log line at Debug", () =>
    Effect.gen(function*() {
      const { lines, withLogs } = capturingLogs()
      const h = unit((_, i) =>
        i === 0 ? vercelError(429, "rate_limited", `slow down ${CODE}`, {}, { "retry-after": "1" }) : granted()
      )
      successOf(yield* settle(withLogs(exchange(codeGrant()).pipe(Effect.provide(h.layer)))))
      expect(lines.some((line) => line.includes("retrying"))).toBe(true)
      const all = lines.join("\n")
      for (const secret of [...SECRETS, ID_TOKEN, ACCESS, NEW_REFRESH, TOKEN]) expect(all).not.toContain(secret)
    }))

  it.effect("no grant secret or issued token in any span (recording tracer: attributes, events, exits)", () =>
    Effect.gen(function*() {
      const { spans, tracer } = yield* recordingTracer
      const h = unit(() => granted())
      successOf(yield* settle(exchange(codeGrant()).pipe(Effect.provide(h.layer), Effect.withTracer(tracer))))
      expect(spans.map((span) => span.name)).toEqual(expect.arrayContaining(["IntegrationSso.exchange"]))
      const leaks = [...SECRETS, ID_TOKEN, ACCESS, NEW_REFRESH].flatMap((secret) =>
        spans.filter((span) => spanContents(span).includes(secret)).map((span) =>
          `${span.name} holds ${secret.slice(0, 8)}…`
        )
      )
      expect(leaks).toEqual([])
    }))
})

// ---------------------------------------------------------------------------------------------------

const ssoServer = () =>
  MockVercelServer.make({
    tokens: { [TOKEN]: [] },
    sso: { clients: { [CLIENT_ID]: CLIENT_SECRET }, codes: [CODE] }
  })

const ssoRequests = (server: MockVercelServer.Server) => server.requests.filter((r) => r.route === "sso")

describe("IntegrationSso.exchange (end to end through undici)", () => {
  it.live("exchanges a code without a bearer, then the refresh token once; reusing it is BadRequest invalid_grant", () =>
    Effect.gen(function*() {
      const server = yield* ssoServer()
      const layer = live(server)
      const tokens = yield* exchange(codeGrant()).pipe(Effect.provide(layer))
      expect(server.ssoCodeUsed(CODE)).toBe(true)
      expect(ssoRequests(server).map((r) => [r.method, r.path, r.status, r.hasAuth, r.clientId, r.grantType])).toEqual([
        ["POST", "/v1/integrations/sso/token", 200, false, CLIENT_ID, "authorization_code"]
      ])
      expect(Redacted.isRedacted(tokens.idToken)).toBe(true)
      expect(Redacted.isRedacted(tokens.accessToken)).toBe(true)
      expect(Redacted.isRedacted(tokens.refreshToken)).toBe(true)
      expect(pick(tokens, "tokenType", "expiresIn")).toEqual({ tokenType: "Bearer", expiresIn: 3600 })
      expect(inspect(tokens)).not.toMatch(/vcr_|vca_|eyJ/)

      const refreshed = yield* exchange(refreshGrant({ refreshToken: tokens.refreshToken! })).pipe(
        Effect.provide(layer)
      )
      expect(Equal.equals(refreshed.refreshToken, tokens.refreshToken)).toBe(false)

      const error = failureOf(
        yield* Effect.exit(exchange(refreshGrant({ refreshToken: tokens.refreshToken! })).pipe(Effect.provide(layer)))
      )
      expect(pick(error, "_tag", "status", "code", "operation", "attempts")).toEqual({
        _tag: "BadRequest",
        status: 400,
        code: "invalid_grant",
        operation: "sso-exchange",
        attempts: 1
      })
      // eslint-disable-next-line no-restricted-syntax -- the test checks that this very secret is not in the error
      expectNoSecret(error, CLIENT_SECRET, Redacted.value(tokens.refreshToken!))
    }).pipe(Effect.scoped))

  it.live("an exchange whose response is lost (reset after the server used the code) is never sent again", () =>
    Effect.gen(function*() {
      const server = yield* ssoServer()
      server.script.push({ kind: "reset", when: "after-action", route: "sso" })
      const error = failureOf(yield* Effect.exit(exchange(codeGrant()).pipe(Effect.provide(live(server)))))
      expect(pick(error, "_tag", "ambiguous", "attempts", "operation")).toEqual({
        _tag: "NetworkError",
        ambiguous: true,
        attempts: 1,
        operation: "sso-exchange"
      })
      expect(server.ssoCodeUsed(CODE)).toBe(true)
      yield* Effect.sleep(50)
      expect(ssoRequests(server)).toHaveLength(1)
      expectNoSecret(error, ...SECRETS)
    }).pipe(Effect.scoped))

  it.live("a 429 is retried and the code is used once", () =>
    Effect.gen(function*() {
      const server = yield* ssoServer()
      server.script.push({ kind: "status", status: 429, retryAfter: 1, route: "sso" })
      const tokens = yield* exchange(codeGrant()).pipe(Effect.provide(live(server)))
      expect(Redacted.isRedacted(tokens.idToken)).toBe(true)
      const requests = ssoRequests(server)
      expect(requests.map((r) => r.status)).toEqual([429, 200])
      expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(1000)
    }).pipe(Effect.scoped), 15_000)

  it.live("a wrong client secret is Unauthorized (invalid_client), without the secret", () =>
    Effect.gen(function*() {
      const server = yield* ssoServer()
      const wrong = "cs_live_WRONG_secret_112233"
      const error = failureOf(
        yield* Effect.exit(
          exchange(codeGrant({ clientSecret: Redacted.make(wrong) })).pipe(Effect.provide(live(server)))
        )
      )
      expect(pick(error, "_tag", "status", "code", "operation", "attempts")).toEqual({
        _tag: "Unauthorized",
        status: 401,
        code: "invalid_client",
        operation: "sso-exchange",
        attempts: 1
      })
      expect(server.ssoCodeUsed(CODE)).toBe(false)
      expectNoSecret(error, wrong, ...SECRETS)
    }).pipe(Effect.scoped))

  it.live("a server echoing the code and the client secret: scrubbed from the error", () =>
    Effect.gen(function*() {
      const server = yield* ssoServer()
      server.script.push({
        kind: "status",
        status: 400,
        route: "sso",
        body: { error: { code: "invalid_grant", message: `code=${CODE}&client_secret=${CLIENT_SECRET}` } },
        headers: { "x-vercel-id": `iad1::${CLIENT_SECRET}` }
      })
      const error = failureOf(yield* Effect.exit(exchange(codeGrant()).pipe(Effect.provide(live(server)))))
      expect(pick(error, "_tag", "status", "code")).toEqual({ _tag: "BadRequest", status: 400, code: "invalid_grant" })
      expect(ssoRequests(server)).toHaveLength(1)
      expectNoSecret(error, ...SECRETS)
    }).pipe(Effect.scoped))
})
