/**
 * Item 5 of the hardening issue: the bearer token appears in no error, even when a server or proxy
 * echoes it back in a body, an `error.code`, an `error.message` or the `x-vercel-id` header. Every
 * string an error carries is scrubbed of the exact token.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { client, expectNoSecret, failureOf, pick, renderingsOf, stringField, TOKEN } from "./hardening.support.js"

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } })
const text = (status: number, body: string, contentType = "text/plain", headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { "content-type": contentType, ...headers } })

interface Case {
  readonly name: string
  readonly reply: () => Response
  readonly expected: Record<string, unknown>
}

const cases: ReadonlyArray<Case> = [
  {
    name: "a 200 that is not JSON says `you sent <token>`",
    reply: () => text(200, `you sent ${TOKEN}`),
    expected: { _tag: "UnexpectedResponse", status: 200, attempts: 1 }
  },
  {
    name: "a 200 HTML page quotes `Authorization: Bearer&nbsp;<token>`",
    reply: () => text(200, `<p>Authorization: Bearer&nbsp;${TOKEN}</p>`, "text/html"),
    expected: { _tag: "UnexpectedResponse", status: 200, attempts: 1 }
  },
  {
    name: "a 302 whose body echoes the token",
    reply: () => text(302, `Redirecting: you sent ${TOKEN}`, "text/plain", { location: "https://elsewhere.test/" }),
    expected: { _tag: "UnexpectedResponse", status: 302, attempts: 1 }
  },
  {
    name: "a 400 whose error.message is `you sent <token>`",
    reply: () => json(400, { error: { code: "bad_request", message: `you sent ${TOKEN}` } }),
    expected: { _tag: "BadRequest", status: 400, attempts: 1, code: "bad_request" }
  },
  {
    name: "a 401 whose `err.message` quotes the token",
    reply: () => json(401, { err: { code: "unauthorized", message: `token ${TOKEN} is not valid` } }),
    expected: { _tag: "Unauthorized", status: 401, attempts: 1, code: "unauthorized" }
  },
  {
    name: "a 403 whose error.code is the token",
    reply: () => json(403, { error: { code: TOKEN, message: "forbidden" } }),
    expected: { _tag: "Forbidden", status: 403, attempts: 1 }
  },
  {
    name: "a 403 whose error.code and message quote `Bearer <token>` with an odd space",
    reply: () => json(403, { error: { code: `Bearer\u00a0${TOKEN}`, message: `Authorization: Bearer&nbsp;${TOKEN}` } }),
    expected: { _tag: "Forbidden", status: 403, attempts: 1 }
  },
  {
    name: "a 404 with Vercel's body whose x-vercel-id header is the token",
    reply: () => json(404, { error: { code: "not_found", message: "no such token" } }, { "x-vercel-id": TOKEN }),
    expected: { _tag: "TokenNotFound", status: 404, attempts: 1, code: "not_found", tokenId: "tok_1" }
  },
  {
    name: "a 404 with Vercel's body whose message quotes the token",
    reply: () => json(404, { error: { code: "not_found", message: `${TOKEN} may not revoke tok_1` } }),
    expected: { _tag: "TokenNotFound", status: 404, attempts: 1, code: "not_found", tokenId: "tok_1" }
  },
  {
    name: "a 429 (beyond maxServerWait) whose message quotes the token",
    reply: () =>
      json(429, { error: { code: "rate_limited", message: `slow down, ${TOKEN}` } }, {
        "retry-after": "120",
        "x-vercel-id": `fra1::${TOKEN}`
      }),
    expected: { _tag: "RateLimited", status: 429, attempts: 1, code: "rate_limited" }
  },
  {
    name: "a 500 whose message quotes `Bearer&nbsp;<token>` and whose x-vercel-id holds it",
    reply: () =>
      json(500, { error: { code: "internal_server_error", message: `upstream rejected Bearer&nbsp;${TOKEN}` } }, {
        "x-vercel-id": `iad1::${TOKEN}::x`
      }),
    expected: { _tag: "ServerError", status: 500, attempts: 1, code: "internal_server_error" }
  }
]

describe("an echoed token is scrubbed from every error", () => {
  for (const { expected, name, reply } of cases) {
    it.effect(name, () =>
      Effect.gen(function*() {
        const h = client(reply, { maxAttempts: 1 })
        const error = failureOf(yield* Effect.exit(h.revoke("tok_1").pipe(Effect.provide(h.layer))))
        expect(pick(error, ...Object.keys(expected))).toEqual(expected)
        for (const field of ["message", "body", "code", "requestId"]) {
          expect(stringField(error, field) ?? "", `the error's ${field}`).not.toContain(TOKEN)
        }
        expectNoSecret(error)
        expect(h.requests).toHaveLength(1)
      }))
  }

  it.effect("a token echoed across the excerpt's cut leaves no piece of it, wherever the cut falls", () =>
    Effect.gen(function*() {
      // The same echo shifted by every offset: an excerpt cut before scrubbing would keep a prefix of the
      // token at some offset, whatever the excerpt's length.
      const fragment = TOKEN.slice(0, 12)
      for (let offset = 0; offset <= TOKEN.length; offset++) {
        const body = "x".repeat(offset) + ` ${TOKEN}`.repeat(40)
        const h = client(() => text(200, body), { maxAttempts: 1 })
        const error = failureOf(yield* Effect.exit(h.revoke("tok_1").pipe(Effect.provide(h.layer))))
        expect(pick(error, "_tag", "status")).toEqual({ _tag: "UnexpectedResponse", status: 200 })
        const leaks = renderingsOf(error).filter((rendering) => rendering.includes(fragment))
        expect(leaks, `offset ${offset}: a piece of the token is in ${leaks.length} renderings`).toEqual([])
      }
    }))
})
