/**
 * `POST /v1/integrations/sso/token` with plain `fetch`: both grants, single-use codes and refresh
 * tokens, client authentication, bad bodies, and faults that consume a code.
 */
import { describe, expect, it } from "@effect/vitest"
import { MockVercelServer } from "@vercel-auth/testing"
import { Effect } from "effect"
import { jsonOf, send, vercelErrorOf } from "./support.js"

const PATH = "/v1/integrations/sso/token"
const T0 = Date.UTC(2026, 6, 1, 0, 0, 0)
const sso = { clients: { cl_app: "app-secret", cl_other: "other-secret" }, codes: ["code_1", "code_2"] }

const byCode = (code: string, client = "cl_app", secret = "app-secret") => ({
  json: {
    grant_type: "authorization_code",
    code,
    client_id: client,
    client_secret: secret,
    redirect_uri: "https://app.example/cb",
    state: "s1"
  },
  token: null
})

const byRefresh = (refreshToken: string, client = "cl_app", secret = "app-secret") => ({
  json: { grant_type: "refresh_token", refresh_token: refreshToken, client_id: client, client_secret: secret },
  token: null
})

const decodeSegment = (segment: string) => JSON.parse(Buffer.from(segment, "base64url").toString("utf8"))

describe("MockVercelServer: SSO token exchange", () => {
  it.scoped("exchanges an authorization code once, with no bearer needed", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ sso, now: () => T0 })
      const answer = yield* send(server, "POST", PATH, byCode("code_1"))
      expect(answer.status).toBe(200)
      const body = jsonOf(answer)
      expect(body).toEqual({
        id_token: expect.any(String),
        access_token: expect.stringMatching(/^vca_/),
        token_type: "Bearer",
        expires_in: 3600,
        refresh_token: expect.stringMatching(/^vcr_/)
      })
      const [header, payload] = body.id_token.split(".")
      expect(decodeSegment(header)).toMatchObject({ typ: "JWT" })
      expect(decodeSegment(payload)).toMatchObject({ aud: "cl_app", iat: T0 / 1000, exp: T0 / 1000 + 3600 })
      expect(server.ssoCodeUsed("code_1")).toBe(true)
      expect(server.ssoCodeUsed("code_2")).toBe(false)
      const again = yield* send(server, "POST", PATH, byCode("code_1"))
      expect(again.status).toBe(400)
      expect(vercelErrorOf(again)).toEqual({ code: "invalid_grant", message: expect.any(String) })
      expect(server.requests.map((request) => [request.route, request.clientId, request.grantType, request.hasAuth]))
        .toEqual([["sso", "cl_app", "authorization_code", false], ["sso", "cl_app", "authorization_code", false]])
    }))

  it.scoped("ignores a bearer sent along, even an unknown one", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ sso })
      const answer = yield* send(server, "POST", PATH, { ...byCode("code_1"), token: "vcp_not_a_known_bearer" })
      expect(answer.status).toBe(200)
      expect(server.requests[0]).toMatchObject({ hasAuth: true, bearerId: undefined })
    }))

  it.scoped("exchanges a refresh token once for a new pair, only for the client it was issued to", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ sso })
      const first = jsonOf(yield* send(server, "POST", PATH, byCode("code_1")))
      const stolen = yield* send(server, "POST", PATH, byRefresh(first.refresh_token, "cl_other", "other-secret"))
      expect(vercelErrorOf(stolen)?.code).toBe("invalid_grant")
      const refreshed = yield* send(server, "POST", PATH, byRefresh(first.refresh_token))
      expect(refreshed.status).toBe(200)
      const second = jsonOf(refreshed)
      expect(second.refresh_token).not.toBe(first.refresh_token)
      expect(second.access_token).not.toBe(first.access_token)
      const reused = yield* send(server, "POST", PATH, byRefresh(first.refresh_token))
      expect([reused.status, vercelErrorOf(reused)?.code]).toEqual([400, "invalid_grant"])
      expect((yield* send(server, "POST", PATH, byRefresh(second.refresh_token))).status).toBe(200)
      expect(server.requests.map((request) => request.grantType)).toEqual([
        "authorization_code",
        "refresh_token",
        "refresh_token",
        "refresh_token",
        "refresh_token"
      ])
    }))

  it.scoped("refuses a wrong or unknown client with 401 invalid_client, leaving the code unused", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ sso })
      for (const [client, secret] of [["cl_app", "wrong"], ["cl_nobody", "app-secret"], ["cl_other", "app-secret"]]) {
        const refused = yield* send(server, "POST", PATH, byCode("code_1", client, secret))
        expect(refused.status, client).toBe(401)
        expect(vercelErrorOf(refused)?.code).toBe("invalid_client")
      }
      expect(server.ssoCodeUsed("code_1")).toBe(false)
      expect((yield* send(server, "POST", PATH, byCode("code_1"))).status).toBe(200)
    }))

  it.scoped("refuses every exchange without the sso option", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make()
      expect((yield* send(server, "POST", PATH, byCode("code_1"))).status).toBe(401)
    }))

  it.scoped("answers 400 for a body it cannot use, naming the OAuth error", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ sso })
      const cases: ReadonlyArray<readonly [{ readonly json?: unknown; readonly body?: string }, string]> = [
        [{ body: "not json" }, "invalid_request"],
        [{ json: [1] }, "invalid_request"],
        [{ json: { client_id: "cl_app", client_secret: "app-secret", code: "code_1" } }, "invalid_request"],
        [
          { json: { grant_type: "password", client_id: "cl_app", client_secret: "app-secret" } },
          "unsupported_grant_type"
        ],
        [{ json: { grant_type: "authorization_code", code: "code_1", client_id: "cl_app" } }, "invalid_request"],
        [
          { json: { grant_type: "authorization_code", client_id: "cl_app", client_secret: "app-secret" } },
          "invalid_request"
        ],
        [
          { json: { grant_type: "refresh_token", client_id: "cl_app", client_secret: "app-secret" } },
          "invalid_request"
        ],
        [{ json: { ...byCode("code_nope").json } }, "invalid_grant"]
      ]
      for (const [init, code] of cases) {
        const answer = yield* send(server, "POST", PATH, { ...init, token: null })
        expect(answer.status, JSON.stringify(init)).toBe(400)
        expect(vercelErrorOf(answer)?.code, JSON.stringify(init)).toBe(code)
      }
      expect(server.ssoCodeUsed("code_1")).toBe(false)
    }))

  it.scoped("takes a form-encoded body too, as OAuth token endpoints do", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ sso })
      const form = new URLSearchParams(byCode("code_2").json).toString()
      const answer = yield* send(server, "POST", PATH, {
        body: form,
        token: null,
        headers: { "content-type": "application/x-www-form-urlencoded" }
      })
      expect(answer.status).toBe(200)
      expect(server.ssoCodeUsed("code_2")).toBe(true)
    }))

  it.scoped("accepts codes added later, each once", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ sso: { clients: sso.clients } })
      expect((yield* send(server, "POST", PATH, byCode("code_late"))).status).toBe(400)
      server.addSsoCodes("code_late", "code_later")
      expect((yield* send(server, "POST", PATH, byCode("code_late"))).status).toBe(200)
      expect((yield* send(server, "POST", PATH, byCode("code_late"))).status).toBe(400)
      // Adding a used code again does not make it usable again.
      server.addSsoCodes("code_late")
      expect(server.ssoCodeUsed("code_late")).toBe(true)
      expect((yield* send(server, "POST", PATH, byCode("code_later"))).status).toBe(200)
    }))

  it.scoped("a reset after the action consumes the code and loses the tokens", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ sso })
      server.script.push({ kind: "reset", when: "after-action", route: "sso" })
      const lost = yield* send(server, "POST", PATH, byCode("code_1"))
      expect(lost.status).toBeUndefined()
      expect(server.ssoCodeUsed("code_1")).toBe(true)
      const retried = yield* send(server, "POST", PATH, byCode("code_1"))
      expect(vercelErrorOf(retried)?.code).toBe("invalid_grant")
    }))

  it.scoped("a reset before anything leaves the code for the retry; scripted statuses apply too", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ sso })
      server.script.push(
        { kind: "reset", when: "before", route: "sso" },
        { kind: "status", status: 503, route: "sso", retryAfter: 1 }
      )
      expect((yield* send(server, "POST", PATH, byCode("code_1"))).status).toBeUndefined()
      const unavailable = yield* send(server, "POST", PATH, byCode("code_1"))
      expect([unavailable.status, unavailable.headers.get("retry-after")]).toEqual([503, "1"])
      expect(server.ssoCodeUsed("code_1")).toBe(false)
      expect((yield* send(server, "POST", PATH, byCode("code_1"))).status).toBe(200)
    }))
})
