/**
 * `createVercelAuth` refuses, synchronously and with a message naming what to fix, the options that
 * could not work: a bad base URL, plain http to a non-loopback host, a broken policy. A client made
 * without a token can still do the SSO exchange; its token operations are refused, sending nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from "@effect/vitest"
import { createVercelAuth } from "@vercel-auth/adapter"
import { ConfigError, Redacted } from "effect"
import { expectNoUnhandledRejections, TOKEN, withClient, withServer } from "./support.js"

expectNoUnhandledRejections()

const thrown = (make: () => unknown): Error => {
  try {
    make()
  } catch (error) {
    expect(error).toBeInstanceOf(Error)
    expect(ConfigError.isConfigError(error)).toBe(false)
    expect((error as Error).message).not.toContain(TOKEN)
    return error as Error
  }
  throw new Error("expected createVercelAuth to throw")
}

describe("createVercelAuth options", () => {
  const saved = { token: process.env.VERCEL_TOKEN, url: process.env.VERCEL_API_URL }
  const restore = (name: string, value: string | undefined) => {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  beforeEach(() => {
    delete process.env.VERCEL_TOKEN
    delete process.env.VERCEL_API_URL
  })
  afterEach(() => {
    restore("VERCEL_TOKEN", saved.token)
    restore("VERCEL_API_URL", saved.url)
  })

  const refusedForLackOfToken = async (vercel: ReturnType<typeof createVercelAuth>, sent: () => number) => {
    const failures = await Promise.allSettled([
      vercel.tokens.delete("tok_1"),
      vercel.tokens.get("current"),
      vercel.tokens.create({ name: "x" }),
      vercel.tokens.deleteMany(["tok_1"]),
      (async () => {
        for await (const _ of vercel.tokens.list()) break
      })()
    ])
    for (const failure of failures) {
      expect(failure.status).toBe("rejected")
      const error = (failure as PromiseRejectedResult).reason as Error
      expect(error.message).toContain("`token`")
      expect(error.message).toContain("VERCEL_TOKEN")
    }
    expect(sent()).toBe(0)
    await vercel.dispose()
  }

  it("without a token option or VERCEL_TOKEN: the client is made, its token operations reject naming both, sending nothing", () =>
    withServer({}, async (server) => {
      await refusedForLackOfToken(createVercelAuth({ baseUrl: server.url }), () => server.requests.length)
      process.env.VERCEL_API_URL = server.url
      await refusedForLackOfToken(createVercelAuth(), () => server.requests.length)
    }))

  it("an empty or blank token counts as none, from the option or the variable", () =>
    withServer({}, async (server) => {
      await refusedForLackOfToken(createVercelAuth({ token: "", baseUrl: server.url }), () => server.requests.length)
      process.env.VERCEL_TOKEN = "  "
      await refusedForLackOfToken(createVercelAuth({ baseUrl: server.url }), () => server.requests.length)
    }))

  it("without a token the SSO exchange still works, and sends no Authorization header", () =>
    withServer({ sso: { clients: { oac_1: "secret_1" }, codes: ["code_1"] } }, async (server) => {
      const vercel = createVercelAuth({ baseUrl: server.url })
      const tokens = await vercel.sso.exchange({
        grantType: "authorization_code",
        code: Redacted.make("code_1"),
        clientId: "oac_1",
        clientSecret: Redacted.make("secret_1")
      })
      expect(Redacted.isRedacted(tokens.idToken)).toBe(true)
      expect(server.requests.map(({ hasAuth, route }) => ({ hasAuth, route }))).toEqual([{
        hasAuth: false,
        route: "sso"
      }])
      await vercel.dispose()
    }))

  it("a baseUrl that is not an absolute URL: a synchronous Error naming the option", () => {
    const error = thrown(() => createVercelAuth({ token: TOKEN, baseUrl: "api.vercel.com" }))
    expect(error.message).toMatch(/^createVercelAuth: baseUrl must be an absolute http\(s\) URL/)
  })

  it("plain http to a non-loopback host is refused; loopback and https are accepted", async () => {
    const error = thrown(() => createVercelAuth({ token: TOKEN, baseUrl: "http://api.vercel.com" }))
    expect(error.message).toMatch(/plain http/)
    for (const baseUrl of ["http://127.0.0.1:1", "http://localhost:1", "https://api.vercel.example"]) {
      await createVercelAuth({ token: TOKEN, baseUrl }).dispose()
    }
  })

  it("a VERCEL_API_URL with plain http to another host is refused the same way", () => {
    process.env.VERCEL_API_URL = "http://example.com"
    expect(thrown(() => createVercelAuth({ token: TOKEN })).message).toMatch(/plain http/)
  })

  it("a policy that cannot work is a synchronous Error naming the field, like any other option", () => {
    expect(thrown(() => createVercelAuth({ token: TOKEN, resilience: { maxAttempts: 0 } })).message).toBe(
      "createVercelAuth: resilience.maxAttempts must be a whole number from 1 to 1000000, got 0"
    )
    expect(thrown(() => createVercelAuth({ token: TOKEN, resilience: { deadline: -1 } })).message).toMatch(
      /^createVercelAuth: resilience\.deadline is not a duration/
    )
  })

  it("VERCEL_API_URL is the base URL when the option is absent", () =>
    withServer({ tokens: { [TOKEN]: ["tok_1"] } }, (server) => {
      process.env.VERCEL_API_URL = server.url
      return withClient({ token: TOKEN }, async (vercel) => {
        expect(await vercel.tokens.delete("tok_1")).toEqual({ tokenId: "tok_1" })
      })
    }))
})
