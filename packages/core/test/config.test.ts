import { describe, expect, it } from "@effect/vitest"
import { Resilience, VercelConfig } from "@vercel-auth/core"
import { ConfigProvider, Duration, Effect, Exit, Redacted } from "effect"
import { inspect } from "node:util"
import { TOKEN } from "./support.js"

const make = (options: VercelConfig.Options) => Effect.runSyncExit(VercelConfig.make(options))
const messageOf = (exit: Exit.Exit<unknown, unknown>) => Exit.isFailure(exit) ? String(exit.cause) : "success"

describe("VercelConfig", () => {
  it("wraps a string token in Redacted and defaults the base URL and User-Agent", () => {
    const exit = make({ token: TOKEN })
    expect(Exit.isSuccess(exit)).toBe(true)
    if (Exit.isSuccess(exit)) {
      expect(Redacted.isRedacted(exit.value.token)).toBe(true)
      expect(exit.value.baseUrl).toBe("https://api.vercel.com")
      expect(exit.value.userAgent).toMatch(/^@vercel-auth\/core\//)
      expect(inspect(exit.value, { depth: 5 }) + JSON.stringify(exit.value)).not.toContain(TOKEN)
    }
  })

  it("accepts a Redacted token as given and trims a trailing slash", () => {
    const exit = make({ token: Redacted.make(TOKEN), baseUrl: "https://vercel.example/api/" })
    expect(Exit.isSuccess(exit) && exit.value.baseUrl).toBe("https://vercel.example/api")
  })

  const refused: ReadonlyArray<readonly [string, string, RegExp]> = [
    ["not a URL", "api.vercel.com", /absolute http\(s\) URL/],
    ["another scheme", "ftp://api.vercel.com", /https/],
    ["plain http to a remote host", "http://api.vercel.com", /clear text/],
    ["plain http to a private address", "http://10.0.0.5:8080", /clear text/],
    ["credentials in the URL", "https://user:pass@api.vercel.com", /credentials/],
    ["a query string", "https://api.vercel.com/?x=1", /query/]
  ]
  for (const [name, baseUrl, message] of refused) {
    it(`refuses ${name}`, () => {
      const exit = make({ token: TOKEN, baseUrl })
      expect(Exit.isFailure(exit)).toBe(true)
      expect(messageOf(exit)).toMatch(message)
      expect(messageOf(exit)).not.toContain(TOKEN)
    })
  }

  for (const baseUrl of ["http://127.0.0.1:3000", "http://localhost:1234", "http://[::1]:80", "http://api.localhost"]) {
    it(`accepts plain http on loopback ${baseUrl}`, () => {
      expect(Exit.isSuccess(make({ token: TOKEN, baseUrl }))).toBe(true)
    })
  }

  it("refuses an empty token", () => {
    expect(messageOf(make({ token: "  " }))).toMatch(/token/)
  })

  it.effect("layerConfig reads VERCEL_TOKEN and VERCEL_API_URL, and fails clearly without a token", () =>
    Effect.gen(function*() {
      const read = (entries: ReadonlyArray<readonly [string, string]>) =>
        Effect.exit(
          Effect.provide(VercelConfig.VercelConfig, VercelConfig.layerConfig).pipe(
            Effect.withConfigProvider(ConfigProvider.fromMap(new Map(entries)))
          )
        )
      const ok = yield* read([["VERCEL_TOKEN", TOKEN], ["VERCEL_API_URL", "http://127.0.0.1:9"]])
      expect(Exit.isSuccess(ok) && ok.value.baseUrl).toBe("http://127.0.0.1:9")
      const missing = yield* read([])
      expect(messageOf(missing)).toContain("VERCEL_TOKEN")
    }))
})

describe("Resilience.resolve", () => {
  it("completes a partial policy with the defaults; numbers are milliseconds", () => {
    const policy = Resilience.resolve({ baseDelay: 100, deadline: "1 minute", retryBudget: { maxTokens: 4 } as never })
    expect(Duration.toMillis(policy.baseDelay)).toBe(100)
    expect(Duration.toMillis(policy.deadline)).toBe(60_000)
    expect(Duration.toMillis(policy.maxDelay)).toBe(8000)
    expect(policy.maxAttempts).toBe(3)
    expect(policy.retryBudget).toEqual({ maxTokens: 4, tokenRatio: 0.1 })
  })

  it("has the documented defaults", () => {
    const policy = Resilience.resolve()
    expect({
      maxAttempts: policy.maxAttempts,
      baseDelay: Duration.toMillis(policy.baseDelay),
      maxDelay: Duration.toMillis(policy.maxDelay),
      attemptTimeout: Duration.toMillis(policy.attemptTimeout),
      deadline: Duration.toMillis(policy.deadline),
      maxServerWait: Duration.toMillis(policy.maxServerWait),
      maxConcurrent: policy.maxConcurrent,
      retryBudget: policy.retryBudget
    }).toEqual({
      maxAttempts: 3,
      baseDelay: 250,
      maxDelay: 8000,
      attemptTimeout: 10_000,
      deadline: 30_000,
      maxServerWait: 60_000,
      maxConcurrent: 8,
      retryBudget: { maxTokens: 10, tokenRatio: 0.1 }
    })
  })

  const invalid: ReadonlyArray<readonly [string, Partial<Resilience.ResiliencePolicy>, RegExp]> = [
    ["zero attempts", { maxAttempts: 0 }, /maxAttempts/],
    ["fractional attempts", { maxAttempts: 1.5 }, /maxAttempts/],
    ["a negative delay", { baseDelay: -1 }, /baseDelay/],
    ["a zero deadline", { deadline: 0 }, /deadline/],
    ["no concurrency", { maxConcurrent: 0 }, /maxConcurrent/],
    ["a NaN timeout", { attemptTimeout: Number.NaN }, /attemptTimeout/],
    ["an empty budget", { retryBudget: { maxTokens: 0, tokenRatio: 0.1 } }, /retryBudget/]
  ]
  for (const [name, policy, message] of invalid) {
    it(`refuses ${name} with a RangeError naming the field`, () => {
      expect(() => Resilience.resolve(policy)).toThrow(message)
      expect(() => Resilience.resolve(policy)).toThrow(RangeError)
    })
  }
})
