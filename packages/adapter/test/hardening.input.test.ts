/**
 * Items 6 and 7 of the hardening issue, through `createVercelAuth`. A token read with a trailing
 * newline is trimmed, so the server receives `Bearer <token>` exactly (today every call burns three
 * attempts and rejects with `NetworkError { ambiguous: true }`). A token with an inner control
 * character, inner whitespace or a non-Latin-1 character, a user agent with a control or non-Latin-1
 * character, and a `baseUrl` with a path are refused synchronously, naming the option or the
 * variable, and nothing is sent.
 */
import { describe, expect, it } from "@effect/vitest"
import { createVercelAuth } from "@vercel-auth/adapter"
import { revoked, type Seen, thrownBy, TOKEN, withEnv, withRawServer } from "./hardening.support.js"
import { expectNoUnhandledRejections } from "./support.js"

expectNoUnhandledRejections()

const fast = { baseDelay: 1, maxDelay: 5, attemptTimeout: 2_000, deadline: 5_000 } as const

const authorizations = (seen: ReadonlyArray<Seen>) => seen.map(({ authorization }) => authorization)

// A malformed token is still a secret: the refusal names where it came from, never what it is.
const BAD = "vcp_BADTOKEN_secret"
const badTokens: ReadonlyArray<readonly [string, string, boolean]> = [
  // name, token, whether the environment can hold it (it cannot hold a NUL)
  ["an inner newline", `${BAD}\nrest`, true],
  ["an inner CRLF and a header", `${BAD}\r\nX-Injected: 1`, true],
  ["an inner NUL", `${BAD}\u0000rest`, false],
  ["an inner DEL", `${BAD}\u007frest`, true],
  ["an inner space", `${BAD} rest`, true],
  ["an inner tab", `${BAD}\trest`, true],
  ["an inner no-break space", `${BAD}\u00a0rest`, true],
  ["a non-Latin-1 character", `${BAD}\u20acrest`, true]
]

describe("the token is trimmed", () => {
  for (
    const [name, token] of [["a trailing newline", `${TOKEN}\n`], ["a trailing CRLF", `${TOKEN}\r\n`], [
      "leading spaces and a trailing newline",
      `  ${TOKEN}\n`
    ]] as const
  ) {
    it(`the option with ${name}: the server receives "Bearer <token>" and the call succeeds`, () =>
      withRawServer(revoked, async (server) => {
        const vercel = createVercelAuth({ token, baseUrl: server.url, resilience: fast })
        try {
          expect(await vercel.tokens.delete("tok_1")).toEqual({ tokenId: "tok_1" })
        } finally {
          await vercel.dispose()
        }
        expect(authorizations(server.seen)).toEqual([`Bearer ${TOKEN}`])
      }))
  }

  it("VERCEL_TOKEN with a trailing newline (a token read from a file): the same", () =>
    withRawServer(revoked, async (server) => {
      const vercel = withEnv(
        { VERCEL_TOKEN: `${TOKEN}\n`, VERCEL_API_URL: undefined },
        () => createVercelAuth({ baseUrl: server.url, resilience: fast })
      )
      try {
        expect(await vercel.tokens.delete("tok_1")).toEqual({ tokenId: "tok_1" })
      } finally {
        await vercel.dispose()
      }
      expect(authorizations(server.seen)).toEqual([`Bearer ${TOKEN}`])
    }))
})

describe("a token that cannot be sent is refused when the client is made", () => {
  for (const [name, token, inEnv] of badTokens) {
    it(`the option with ${name}: a synchronous Error naming \`token\`; nothing is sent`, () =>
      withRawServer(revoked, async (server) => {
        const error = await thrownBy(() => createVercelAuth({ token, baseUrl: server.url }))
        expect(error.message).toMatch(/\btoken\b/)
        expect(error.message).not.toContain(BAD)
        expect(server.accepted()).toBe(0)
      }))

    if (inEnv) {
      it(`VERCEL_TOKEN with ${name}: a synchronous Error naming VERCEL_TOKEN; nothing is sent`, () =>
        withRawServer(revoked, async (server) => {
          const error = await withEnv(
            { VERCEL_TOKEN: token, VERCEL_API_URL: undefined },
            () => thrownBy(() => createVercelAuth({ baseUrl: server.url }))
          )
          expect(error.message).toContain("VERCEL_TOKEN")
          expect(error.message).not.toContain(BAD)
          expect(server.accepted()).toBe(0)
        }))
    }
  }
})

describe("a user agent that cannot be sent is refused when the client is made", () => {
  const badAgents: ReadonlyArray<readonly [string, string]> = [
    ["CRLF and a second header", "my-app/1.0\r\nX-Injected: 1"],
    ["a NUL", "my-app/1.0\u0000"],
    ["a C1 control (NEL)", "my-app/1.0\u0085"],
    ["a non-Latin-1 character", "my-app/1.0 \u2713"]
  ]
  for (const [name, userAgent] of badAgents) {
    it(`a userAgent with ${name}: a synchronous Error naming \`userAgent\`; nothing is sent`, () =>
      withRawServer(revoked, async (server) => {
        const error = await thrownBy(() => createVercelAuth({ token: TOKEN, baseUrl: server.url, userAgent }))
        expect(error.message).toMatch(/userAgent/)
        expect(error.message).not.toContain(TOKEN)
        expect(server.accepted()).toBe(0)
      }))
  }
})

describe("baseUrl has no path", () => {
  for (const path of ["/v3", "/v3/", "/api"]) {
    it(`baseUrl ending in ${path}: a synchronous Error naming \`baseUrl\`; nothing is sent`, () =>
      withRawServer(revoked, async (server) => {
        const error = await thrownBy(() => createVercelAuth({ token: TOKEN, baseUrl: server.url + path }))
        expect(error.message).toMatch(/baseUrl/)
        expect(error.message).not.toContain(TOKEN)
        expect(server.accepted()).toBe(0)
      }))
  }

  it("VERCEL_API_URL with a path: a synchronous Error naming VERCEL_API_URL; nothing is sent", () =>
    withRawServer(revoked, async (server) => {
      const error = await withEnv(
        { VERCEL_API_URL: `${server.url}/v3` },
        () => thrownBy(() => createVercelAuth({ token: TOKEN }))
      )
      expect(error.message).toContain("VERCEL_API_URL")
      expect(server.accepted()).toBe(0)
    }))

  it("any VERCEL_API_URL refusal names the variable", async () => {
    for (const url of ["ftp://api.vercel.test", "http://api.vercel.test", "not a url"]) {
      const error = await withEnv({ VERCEL_API_URL: url }, () => thrownBy(() => createVercelAuth({ token: TOKEN })))
      expect(error.message, url).toContain("VERCEL_API_URL")
    }
  })

  it("(control) a trailing slash alone is fine: DELETE /v3/user/tokens/{id}", () =>
    withRawServer(revoked, async (server) => {
      const vercel = createVercelAuth({ token: TOKEN, baseUrl: `${server.url}/`, resilience: fast })
      try {
        expect(await vercel.tokens.delete("tok_1")).toEqual({ tokenId: "tok_1" })
      } finally {
        await vercel.dispose()
      }
      expect(server.seen.map(({ method, url }) => `${method} ${url}`)).toEqual(["DELETE /v3/user/tokens/tok_1"])
    }))
})
