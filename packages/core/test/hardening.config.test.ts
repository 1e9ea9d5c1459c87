/**
 * Items 6 and 7 of the hardening issue, at construction. The token and the user agent are checked
 * when the layer is built: surrounding whitespace is trimmed (the server receives `Bearer <token>`
 * exactly); a control character, whitespace inside or a non-Latin-1 character in the token, and a
 * control or non-Latin-1 character in the user agent, are a `ConfigError` naming the option, or the
 * variable when the value came from the environment. `baseUrl` has no path. Nothing is sent in any
 * refused case.
 */
import { describe, expect, it } from "@effect/vitest"
import { TokenService, VercelAuth } from "@vercel-auth/core"
import { MockHttpClient } from "@vercel-auth/testing"
import { Cause, ConfigError, ConfigProvider, Effect, Exit, Layer, Redacted } from "effect"
import { BASE_URL, client, TOKEN } from "./hardening.support.js"

const ok = () => MockHttpClient.json(200, { tokenId: "tok_1" })

/** Builds the wiring from options and revokes once: the exit, and what reached the transport. */
const withOptions = (options: Parameters<typeof client>[2]) =>
  Effect.gen(function*() {
    const h = client(ok, undefined, options)
    const exit = yield* Effect.exit(h.revoke("tok_1").pipe(Effect.provide(h.layer)))
    return { exit, requests: h.requests }
  })

/** Builds the wiring from the environment (`layerConfig`) and revokes once. */
const withEnv = (env: Record<string, string>) =>
  Effect.gen(function*() {
    const mock = MockHttpClient.make(ok)
    const exit = yield* Effect.exit(
      Effect.flatMap(TokenService.TokenService, (tokens) => tokens.delete("tok_1")).pipe(
        Effect.provide(VercelAuth.layerConfig().pipe(Layer.provide(mock.layer))),
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
      )
    )
    return { exit, requests: mock.requests }
  })

/** The `ConfigError` the wiring was refused with, rendered; fails the test if it was accepted. */
const refusal = (exit: Exit.Exit<unknown, unknown>): string => {
  if (Exit.isSuccess(exit)) throw new Error("expected the configuration to be refused, but the call was sent")
  const failure = Cause.failureOption(exit.cause)
  if (failure._tag === "None") throw new Error(`expected a ConfigError, got ${Cause.pretty(exit.cause)}`)
  const rendered = String(failure.value)
  expect(ConfigError.isConfigError(failure.value), `expected a ConfigError, got ${rendered}`).toBe(true)
  return rendered
}

// A malformed token is still a secret: the refusal names where it came from, never what it is.
const BAD = "vcp_BADTOKEN_secret"
const badTokens: ReadonlyArray<readonly [string, string]> = [
  ["an inner newline", `${BAD}\nrest`],
  ["an inner carriage return and line feed", `${BAD}\r\nX-Injected: 1`],
  ["an inner NUL", `${BAD}\u0000rest`],
  ["an inner DEL", `${BAD}\u007frest`],
  ["an inner C1 control (NEL)", `${BAD}\u0085rest`],
  ["an inner space", `${BAD} rest`],
  ["an inner tab", `${BAD}\trest`],
  ["an inner no-break space", `${BAD}\u00a0rest`],
  ["a non-Latin-1 character", `${BAD}\u20acrest`],
  ["an emoji", `${BAD}\u{1f600}rest`]
]

describe("the token is checked when the layer is built", () => {
  const trimmed: ReadonlyArray<readonly [string, string | Redacted.Redacted<string>]> = [
    ["a trailing newline", `${TOKEN}\n`],
    ["a trailing CRLF", `${TOKEN}\r\n`],
    ["leading spaces and a trailing tab and newline", `  ${TOKEN}\t\n`],
    ["a Redacted token with a trailing newline", Redacted.make(`${TOKEN}\n`)]
  ]
  for (const [name, token] of trimmed) {
    it.effect(`surrounding whitespace is trimmed: ${name}; the server receives "Bearer <token>" exactly`, () =>
      Effect.gen(function*() {
        const { exit, requests } = yield* withOptions({ token })
        expect(requests.map(({ headers }) => JSON.stringify(headers.authorization))).toEqual([
          JSON.stringify(`Bearer ${TOKEN}`)
        ])
        expect(Exit.isSuccess(exit) && exit.value).toEqual({ tokenId: "tok_1" })
      }))
  }

  it.effect("VERCEL_TOKEN with a trailing newline (a token read from a file) is trimmed", () =>
    Effect.gen(function*() {
      const { exit, requests } = yield* withEnv({ VERCEL_TOKEN: `${TOKEN}\n` })
      expect(requests.map(({ headers }) => JSON.stringify(headers.authorization))).toEqual([
        JSON.stringify(`Bearer ${TOKEN}`)
      ])
      expect(Exit.isSuccess(exit) && exit.value).toEqual({ tokenId: "tok_1" })
    }))

  for (const [name, token] of badTokens) {
    it.effect(`a token with ${name} is refused, naming the option \`token\`; nothing is sent`, () =>
      Effect.gen(function*() {
        for (const given of [token, Redacted.make(token)]) {
          const { exit, requests } = yield* withOptions({ token: given })
          const message = refusal(exit)
          expect(message).toMatch(/\btoken\b/)
          expect(message).not.toContain(BAD)
          expect(requests).toHaveLength(0)
        }
      }))

    it.effect(`VERCEL_TOKEN with ${name} is refused, naming VERCEL_TOKEN; nothing is sent`, () =>
      Effect.gen(function*() {
        const { exit, requests } = yield* withEnv({ VERCEL_TOKEN: token })
        const message = refusal(exit)
        expect(message).toContain("VERCEL_TOKEN")
        expect(message).not.toContain(BAD)
        expect(requests).toHaveLength(0)
      }))
  }
})

describe("the user agent is checked when the layer is built", () => {
  const badAgents: ReadonlyArray<readonly [string, string]> = [
    ["CRLF and a second header", "my-app/1.0\r\nX-Injected: 1"],
    ["a NUL", "my-app/1.0\u0000"],
    ["an inner tab", "my-app/1.0\tbeta"],
    ["a C1 control (NEL)", "my-app/1.0\u0085"],
    ["a non-Latin-1 character", "my-app/1.0 \u2713"]
  ]
  for (const [name, userAgent] of badAgents) {
    it.effect(`a userAgent with ${name} is refused, naming the option \`userAgent\`; nothing is sent`, () =>
      Effect.gen(function*() {
        const { exit, requests } = yield* withOptions({ userAgent })
        expect(refusal(exit)).toMatch(/userAgent/)
        expect(requests).toHaveLength(0)
      }))
  }
})

describe("baseUrl has no path", () => {
  for (const baseUrl of [`${BASE_URL}/v3`, `${BASE_URL}/v3/`, `${BASE_URL}/api`, "http://127.0.0.1:3000/v3"]) {
    it.effect(`${baseUrl} is refused, naming the option \`baseUrl\`; nothing is sent`, () =>
      Effect.gen(function*() {
        const { exit, requests } = yield* withOptions({ baseUrl })
        expect(refusal(exit)).toMatch(/baseUrl/)
        expect(requests).toHaveLength(0)
      }))
  }

  it.effect("a trailing slash alone is fine: the request goes to /v3/user/tokens/{id} exactly (control)", () =>
    Effect.gen(function*() {
      const { exit, requests } = yield* withOptions({ baseUrl: `${BASE_URL}/` })
      expect(Exit.isSuccess(exit) && exit.value).toEqual({ tokenId: "tok_1" })
      expect(requests.map(({ url }) => url.href)).toEqual([`${BASE_URL}/v3/user/tokens/tok_1`])
    }))

  it.effect("VERCEL_API_URL with a path is refused, naming VERCEL_API_URL; nothing is sent", () =>
    Effect.gen(function*() {
      const { exit, requests } = yield* withEnv({ VERCEL_TOKEN: TOKEN, VERCEL_API_URL: `${BASE_URL}/v3` })
      const message = refusal(exit)
      expect(message).toContain("VERCEL_API_URL")
      expect(message).not.toContain(TOKEN)
      expect(requests).toHaveLength(0)
    }))

  it.effect("any VERCEL_API_URL refusal names the variable, not only the option", () =>
    Effect.gen(function*() {
      for (const url of ["ftp://api.vercel.test", "http://api.vercel.test", "not a url"]) {
        const { exit, requests } = yield* withEnv({ VERCEL_TOKEN: TOKEN, VERCEL_API_URL: url })
        expect(refusal(exit), url).toContain("VERCEL_API_URL")
        expect(requests).toHaveLength(0)
      }
    }))
})
