import { describe, expect, it } from "@effect/vitest"
import { Resilience, TokenService, VercelAuth, VercelConfig } from "@vercel-auth/core"
import { MockHttpClient } from "@vercel-auth/testing"
import {
  Cause,
  ConfigError,
  ConfigProvider,
  Duration,
  Effect,
  Either,
  Equivalence,
  Exit,
  Layer,
  Redacted
} from "effect"
import { inspect } from "node:util"
import { TOKEN } from "./support.js"

const make = (options: VercelConfig.Options) => Effect.runSyncExit(VercelConfig.make(options))
const messageOf = (exit: Exit.Exit<unknown, unknown>) => Exit.isFailure(exit) ? String(exit.cause) : "success"

/** The `ConfigError` an exit failed with; fails the test otherwise. */
const configErrorOf = (exit: Exit.Exit<unknown, unknown>): ConfigError.ConfigError => {
  if (Exit.isSuccess(exit)) throw new Error("expected a ConfigError, got a success")
  const failure = Cause.failureOption(exit.cause)
  if (failure._tag === "None" || !ConfigError.isConfigError(failure.value)) {
    throw new Error(`expected a ConfigError, got ${Cause.pretty(exit.cause)}`)
  }
  return failure.value
}

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

  it("accepts a Redacted token as given and trims a trailing slash: the base URL is the origin", () => {
    const exit = make({ token: Redacted.make(TOKEN), baseUrl: "https://vercel.example/" })
    expect(Exit.isSuccess(exit) && exit.value.baseUrl).toBe("https://vercel.example")
    const sameSecret = Redacted.getEquivalence(Equivalence.string)
    expect(Exit.isSuccess(exit) && sameSecret(exit.value.token, Redacted.make(TOKEN))).toBe(true)
  })

  it("keeps a port and drops the default one", () => {
    const withPort = make({ token: TOKEN, baseUrl: "http://127.0.0.1:3000/" })
    expect(Exit.isSuccess(withPort) && withPort.value.baseUrl).toBe("http://127.0.0.1:3000")
    const defaultPort = make({ token: TOKEN, baseUrl: "https://vercel.example:443" })
    expect(Exit.isSuccess(defaultPort) && defaultPort.value.baseUrl).toBe("https://vercel.example")
  })

  for (const baseUrl of ["https://vercel.example/api/", "https://vercel.example/api", "https://api.vercel.com/v3"]) {
    it(`refuses a base URL with a path (${baseUrl}), naming the option and the path`, () => {
      const exit = make({ token: TOKEN, baseUrl })
      const error = configErrorOf(exit)
      expect(error).toMatchObject({ _op: "InvalidData", path: ["baseUrl"] })
      const path = new URL(baseUrl).pathname
      expect(error.message).toBe(
        `baseUrl must be an origin without a path, such as "https://api.vercel.com", got path "${path}"`
      )
    })
  }

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
  const resolved = (policy?: Partial<Resilience.ResiliencePolicy>) => Either.getOrThrow(Resilience.resolve(policy))

  it("completes a partial policy with the defaults; numbers are milliseconds", () => {
    const policy = resolved({ baseDelay: 100, deadline: "1 minute", retryBudget: { maxTokens: 4 } as never })
    expect(Duration.toMillis(policy.baseDelay)).toBe(100)
    expect(Duration.toMillis(policy.deadline)).toBe(60_000)
    expect(Duration.toMillis(policy.maxDelay)).toBe(8000)
    expect(policy.maxAttempts).toBe(3)
    expect(policy.retryBudget).toEqual({ maxTokens: 4, tokenRatio: 0.1 })
  })

  it("has the documented defaults", () => {
    const policy = resolved()
    expect({
      maxAttempts: policy.maxAttempts,
      baseDelay: Duration.toMillis(policy.baseDelay),
      maxDelay: Duration.toMillis(policy.maxDelay),
      attemptTimeout: Duration.toMillis(policy.attemptTimeout),
      deadline: Duration.toMillis(policy.deadline),
      maxServerWait: Duration.toMillis(policy.maxServerWait),
      maxConcurrent: policy.maxConcurrent,
      retryBudget: policy.retryBudget,
      earlyProbe: policy.earlyProbe
    }).toEqual({
      maxAttempts: 3,
      baseDelay: 250,
      maxDelay: 8000,
      attemptTimeout: 10_000,
      deadline: 30_000,
      maxServerWait: 60_000,
      maxConcurrent: 8,
      retryBudget: { maxTokens: 10, tokenRatio: 0.1 },
      earlyProbe: true
    })
  })

  it("accepts zero for the delays and maxServerWait, which may be zero", () => {
    const policy = resolved({ baseDelay: 0, maxDelay: 0, maxServerWait: 0 })
    expect([policy.baseDelay, policy.maxDelay, policy.maxServerWait].map(Duration.toMillis)).toEqual([0, 0, 0])
  })

  const invalid: ReadonlyArray<readonly [string, Partial<Resilience.ResiliencePolicy>, string]> = [
    ["zero attempts", { maxAttempts: 0 }, "maxAttempts"],
    ["fractional attempts", { maxAttempts: 1.5 }, "maxAttempts"],
    ["a negative delay", { baseDelay: -1 }, "baseDelay"],
    ["a garbage delay", { maxDelay: "soon" as never }, "maxDelay"],
    ["a zero deadline", { deadline: 0 }, "deadline"],
    ["no concurrency", { maxConcurrent: 0 }, "maxConcurrent"],
    ["a NaN timeout", { attemptTimeout: Number.NaN }, "attemptTimeout"],
    ["a negative maxServerWait", { maxServerWait: -5 }, "maxServerWait"],
    ["an empty budget", { retryBudget: { maxTokens: 0, tokenRatio: 0.1 } }, "retryBudget"],
    ["a non-boolean earlyProbe", { earlyProbe: "yes" as never }, "earlyProbe"]
  ]
  for (const [name, policy, field] of invalid) {
    it(`refuses ${name} with a ConfigError naming resilience.${field}`, () => {
      const result = Resilience.resolve(policy)
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) {
        expect(ConfigError.isConfigError(result.left)).toBe(true)
        expect(result.left).toMatchObject({ _op: "InvalidData", path: ["resilience", field] })
        expect((result.left as ConfigError.InvalidData).message).toMatch(new RegExp(`^resilience\\.${field} `))
      }
    })
  }

  it.effect("Resilience.layer and VercelAuth.layer fail with that ConfigError, and nothing is sent", () =>
    Effect.gen(function*() {
      const fromResilience = yield* Effect.exit(Layer.build(Resilience.layer({ maxConcurrent: 0 })).pipe(Effect.scoped))
      expect(configErrorOf(fromResilience)).toMatchObject({ _op: "InvalidData", path: ["resilience", "maxConcurrent"] })
      const mock = MockHttpClient.make(() => MockHttpClient.json(200, { tokenId: "tok_1" }))
      const fromAuth = yield* Effect.exit(
        Effect.flatMap(TokenService.TokenService, (tokens) => tokens.delete("tok_1")).pipe(
          Effect.provide(
            VercelAuth.layer({ token: TOKEN, resilience: { deadline: 0 } }).pipe(Layer.provide(mock.layer))
          )
        )
      )
      expect(configErrorOf(fromAuth)).toMatchObject({ _op: "InvalidData", path: ["resilience", "deadline"] })
      expect(mock.requests).toHaveLength(0)
    }))
})
