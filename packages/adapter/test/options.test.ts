/**
 * `createVercelAuth` refuses, synchronously and with a message naming what to fix, the options that
 * could not work: no token, a bad base URL, plain http to a non-loopback host, a broken policy.
 */
import { afterEach, beforeEach, describe, expect, it } from "@effect/vitest"
import { createVercelAuth } from "@vercel-auth/adapter"
import { ConfigError } from "effect"
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

  it("without a token option or VERCEL_TOKEN: a synchronous Error naming both", () => {
    const error = thrown(() => createVercelAuth({ baseUrl: "https://api.vercel.com" }))
    expect(error.message).toContain("`token`")
    expect(error.message).toContain("VERCEL_TOKEN")
    expect(() => createVercelAuth()).toThrow(/VERCEL_TOKEN/)
  })

  it("an empty or blank token counts as none, from the option or the variable", () => {
    expect(() => createVercelAuth({ token: "" })).toThrow(/VERCEL_TOKEN/)
    process.env.VERCEL_TOKEN = "  "
    expect(() => createVercelAuth()).toThrow(/VERCEL_TOKEN/)
  })

  it("a baseUrl that is not an absolute URL: a synchronous Error naming the option", () => {
    const error = thrown(() => createVercelAuth({ token: TOKEN, baseUrl: "api.vercel.com" }))
    expect(error.message).toContain("`baseUrl`")
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

  it("a policy that cannot work is a synchronous RangeError naming the field", () => {
    expect(() => createVercelAuth({ token: TOKEN, resilience: { maxAttempts: 0 } })).toThrow(RangeError)
    expect(() => createVercelAuth({ token: TOKEN, resilience: { deadline: -1 } })).toThrow(/deadline/)
  })

  it("VERCEL_API_URL is the base URL when the option is absent", () =>
    withServer({ tokens: { [TOKEN]: ["tok_1"] } }, (server) => {
      process.env.VERCEL_API_URL = server.url
      return withClient({ token: TOKEN }, async (vercel) => {
        expect(await vercel.tokens.delete("tok_1")).toEqual({ tokenId: "tok_1" })
      })
    }))
})
