/**
 * The Effect API: `vercel.effect.tokens.delete` (an Effect with no requirements, on the client's
 * runtime) and `VercelAuthNode` layers, composed with `Effect.gen` and `Effect.catchTag`.
 */
import { describe, expect, it } from "@effect/vitest"
import {
  createVercelAuth,
  type DeletedToken,
  type DeleteTokenError,
  TokenNotFound,
  TokenService,
  VercelAuthNode
} from "@vercel-auth/adapter"
import type { MockVercelServer } from "@vercel-auth/testing"
import { ConfigError, ConfigProvider, Effect, Fiber, Layer, Logger, LogLevel } from "effect"
import { eventually, expectNoUnhandledRejections, fast, TOKEN, withServer } from "./support.js"

expectNoUnhandledRejections()

const tokens = { [TOKEN]: ["tok_1", "tok_2"] }

/** A client for the test's scope, disposed when it closes. */
const client = (server: MockVercelServer.Server) =>
  Effect.acquireRelease(
    Effect.sync(() => createVercelAuth({ token: TOKEN, baseUrl: server.url, resilience: fast })),
    (vercel) => Effect.promise(() => vercel.dispose())
  )

/** Runs `use` with a fresh MockVercelServer, closed however `use` ends. */
const onServer = (
  options: MockVercelServer.Options,
  use: (s: MockVercelServer.Server) => Effect.Effect<void, unknown>
) => Effect.promise(() => withServer(options, (s) => Effect.runPromise(use(s))))

describe("vercel.effect.tokens.delete", () => {
  it.live("composes in Effect.gen, with Effect.catchTag for a missing token", () =>
    onServer({ tokens }, (s) =>
      Effect.gen(function*() {
        const vercel = yield* client(s)
        const revoked = yield* vercel.effect.tokens.delete("tok_1")
        const missing = yield* vercel.effect.tokens.delete("tok_unknown").pipe(
          Effect.catchTag("TokenNotFound", (error) => Effect.succeed({ tokenId: error.tokenId, gone: true }))
        )
        expect(revoked).toEqual({ tokenId: "tok_1" })
        expect(missing).toEqual({ tokenId: "tok_unknown", gone: true })
        expect(s.requests.map((r) => r.status)).toEqual([200, 404])
      }).pipe(Effect.scoped)))

  it.live("has no requirements and fails with the typed errors", () =>
    onServer({ tokens }, (s) =>
      Effect.gen(function*() {
        const vercel = yield* client(s)
        const effect: Effect.Effect<DeletedToken, DeleteTokenError, never> = vercel.effect.tokens.delete("tok_x")
        const error = yield* Effect.flip(effect)
        expect(error).toBeInstanceOf(TokenNotFound)
        expect(error._tag).toBe("TokenNotFound")
      }).pipe(Effect.scoped)))

  it.live("shares the client's state with the Promise API", () =>
    onServer({ tokens }, (s) =>
      Effect.gen(function*() {
        s.script.push({ kind: "normal", tokenId: "tok_1", delayMs: 300 })
        const vercel = createVercelAuth({ token: TOKEN, baseUrl: s.url, resilience: { ...fast, maxConcurrent: 1 } })
        yield* Effect.addFinalizer(() => Effect.promise(() => vercel.dispose()))
        const first = vercel.tokens.delete("tok_1")
        yield* Effect.promise(() => eventually(() => s.requests.length === 1, "the first request"))
        const second = yield* Effect.fork(vercel.effect.tokens.delete("tok_2"))
        yield* Effect.sleep("100 millis")
        // The Effect call waits for the Promise call's permit: one client, one concurrency limit.
        expect(s.requests).toHaveLength(1)
        expect(yield* Fiber.join(second)).toEqual({ tokenId: "tok_2" })
        expect(yield* Effect.promise(() => first)).toEqual({ tokenId: "tok_1" })
      }).pipe(Effect.scoped)))

  it.live("the caller's own logger still applies inside the call", () =>
    onServer({ tokens }, (s) =>
      Effect.gen(function*() {
        s.script.push({ kind: "status", status: 503 })
        const vercel = yield* client(s)
        const lines: Array<string> = []
        const logger = Logger.make(({ message }) => lines.push(String(message)))
        yield* vercel.effect.tokens.delete("tok_1").pipe(
          Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
          Logger.withMinimumLogLevel(LogLevel.Debug)
        )
        // The retry after the 503 is logged by core, at debug level, through the caller's logger.
        expect(lines).toEqual(["retrying after ServerError"])
      }).pipe(Effect.scoped)))

  it.live("interrupting the fiber stops the request in flight", () =>
    onServer({ tokens }, (s) =>
      Effect.gen(function*() {
        s.script.push({ kind: "hang" })
        const vercel = yield* client(s)
        const fiber = yield* Effect.fork(vercel.effect.tokens.delete("tok_1"))
        yield* Effect.promise(() => eventually(() => s.requests.length === 1, "the request"))
        yield* Fiber.interrupt(fiber)
        yield* Effect.promise(() => eventually(() => s.requests[0]!.aborted, "the connection to close"))
        expect(s.requests).toHaveLength(1)
      }).pipe(Effect.scoped)))
})

describe("VercelAuthNode", () => {
  const revoke = (tokenId: string) =>
    Effect.gen(function*() {
      const tokens = yield* TokenService.TokenService
      return yield* tokens.delete(tokenId)
    })

  it.live("layer provides TokenService over undici", () =>
    onServer({ tokens }, (s) =>
      Effect.gen(function*() {
        const result = yield* revoke("tok_1")
        const fallback = yield* revoke("tok_1").pipe(
          Effect.catchTag("TokenNotFound", () => Effect.succeed({ tokenId: "tok_1", alreadyDeleted: true as const }))
        )
        expect(result).toEqual({ tokenId: "tok_1" })
        expect(fallback).toEqual({ tokenId: "tok_1", alreadyDeleted: true })
      }).pipe(Effect.provide(VercelAuthNode.layer({ token: TOKEN, baseUrl: s.url, resilience: fast })), Effect.orDie)))

  it.live("layerConfig reads VERCEL_TOKEN and VERCEL_API_URL through Config", () =>
    onServer({ tokens }, (s) =>
      revoke("tok_2").pipe(
        Effect.tap((result) => expect(result).toEqual({ tokenId: "tok_2" })),
        Effect.provide(VercelAuthNode.layerConfig(fast)),
        Effect.provide(
          Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["VERCEL_TOKEN", TOKEN], ["VERCEL_API_URL", s.url]])))
        ),
        Effect.orDie
      )))

  it.live("a bad option fails the layer with a ConfigError", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(revoke("tok_1").pipe(Effect.provide(VercelAuthNode.layer({ token: "" }))))
      expect(ConfigError.isConfigError(error)).toBe(true)
    }))
})
