import { describe, expect, it } from "@effect/vitest"
import { TokenError, TokenService } from "@vercel-auth/core"
import { TokenServiceTest } from "@vercel-auth/testing"
import { Effect, Exit } from "effect"

const revoke = (tokenId: string, options?: TokenService.DeleteOptions) =>
  Effect.flatMap(TokenService.TokenService, (service) => service.delete(tokenId, options))

const seeded = TokenServiceTest.layer({ tokens: ["tok_1", "tok_2"], current: "tok_self" })

describe("TokenServiceTest", () => {
  it.effect("revokes a seeded token once, then fails with TokenNotFound", () =>
    Effect.gen(function*() {
      expect(yield* revoke("tok_1")).toEqual({ tokenId: "tok_1" })
      const error = yield* Effect.flip(revoke("tok_1"))
      expect(error).toBeInstanceOf(TokenError.TokenNotFound)
      expect(error).toMatchObject({
        _tag: "TokenNotFound",
        tokenId: "tok_1",
        status: 404,
        attempts: 1,
        code: "not_found"
      })
      expect(error.message).toContain("missingOk")
      const store = yield* TokenServiceTest.TokenStore
      expect(yield* store.deleted).toEqual(["tok_1"])
      expect(yield* store.tokens).toEqual(["tok_2", "tok_self"])
    }).pipe(Effect.provide(seeded)))

  it.effect("turns not-found into alreadyDeleted with missingOk", () =>
    Effect.gen(function*() {
      expect(yield* revoke("tok_gone", { missingOk: true })).toEqual({ tokenId: "tok_gone", alreadyDeleted: true })
      expect(yield* revoke("tok_1", { missingOk: true })).toEqual({ tokenId: "tok_1" })
    }).pipe(Effect.provide(seeded)))

  it.effect("revokes the caller's own token for `current`, after which every call is Forbidden", () =>
    Effect.gen(function*() {
      expect(yield* revoke("current")).toEqual({ tokenId: "tok_self" })
      for (const tokenId of ["current", "tok_2"]) {
        const error = yield* Effect.flip(revoke(tokenId, { missingOk: true }))
        expect(error).toBeInstanceOf(TokenError.Forbidden)
        expect(error).toMatchObject({ status: 403, code: "forbidden", invalidToken: true, attempts: 1 })
      }
      const store = yield* TokenServiceTest.TokenStore
      expect(yield* store.deleted).toEqual(["tok_self"])
    }).pipe(Effect.provide(seeded)))

  it.effect("has a default own token id", () =>
    Effect.gen(function*() {
      expect(yield* revoke("current")).toEqual({ tokenId: "tok_current" })
    }).pipe(Effect.provide(TokenServiceTest.layer())))

  const invalid: ReadonlyArray<readonly [unknown, TokenError.InvalidTokenId["reason"]]> = [
    [42, "not-a-string"],
    [undefined, "not-a-string"],
    ["", "empty"],
    [".", "dot-segment"],
    ["..", "dot-segment"],
    ["x".repeat(257), "too-long"],
    ["tok\n1", "control-character"],
    ["tok\u0085", "control-character"],
    ["tok\ud800", "malformed-unicode"]
  ]
  it.effect("rejects invalid ids before anything else, with attempts 0", () =>
    Effect.gen(function*() {
      const store = yield* TokenServiceTest.TokenStore
      yield* store.failNext(new TokenError.Timeout({ message: "injected", attempts: 1, phase: "deadline" }))
      for (const [tokenId, reason] of invalid) {
        const error = yield* Effect.flip(revoke(tokenId as string))
        expect(error).toBeInstanceOf(TokenError.InvalidTokenId)
        expect(error).toMatchObject({ reason, attempts: 0 })
        expect(error.message).toContain("Nothing was sent")
      }
      expect(yield* store.deleted).toEqual([])
      expect((yield* store.calls).length).toBe(invalid.length)
      // The injected failure is still there for the first valid id.
      expect(yield* Effect.flip(revoke("x".repeat(256)))).toMatchObject({ _tag: "Timeout", message: "injected" })
      expect(yield* revoke("x".repeat(256), { missingOk: true })).toMatchObject({ alreadyDeleted: true })
    }).pipe(Effect.provide(TokenServiceTest.layer())))

  it.effect("fails the next calls with injected errors, revoking nothing, then behaves normally", () =>
    Effect.gen(function*() {
      const store = yield* TokenServiceTest.TokenStore
      const limited = new TokenError.RateLimited({ message: "slow down", attempts: 3, status: 429 })
      const network = new TokenError.NetworkError({ message: "reset", attempts: 3, ambiguous: true })
      yield* store.failNext(limited, network)
      const first = yield* Effect.flip(revoke("tok_1"))
      expect(first).toBeInstanceOf(TokenError.RateLimited)
      expect(first.message).toBe("slow down")
      const second = yield* Effect.flip(revoke("tok_1"))
      expect(second).toMatchObject({ _tag: "NetworkError", ambiguous: true })
      expect(yield* revoke("tok_1")).toEqual({ tokenId: "tok_1" })
      const calls = yield* store.calls
      expect(calls.map((call) => [call.tokenId, Exit.isSuccess(call.exit)])).toEqual([
        ["tok_1", false],
        ["tok_1", false],
        ["tok_1", true]
      ])
    }).pipe(Effect.provide(seeded)))

  it.effect("takes tokens added later", () =>
    Effect.gen(function*() {
      const store = yield* TokenServiceTest.TokenStore
      yield* store.add("tok_new")
      expect(yield* revoke("tok_new")).toEqual({ tokenId: "tok_new" })
    }).pipe(Effect.provide(TokenServiceTest.layer())))

  it.effect("lets exactly one of many concurrent calls revoke a token", () =>
    Effect.gen(function*() {
      const exits = yield* Effect.all(Array.from({ length: 10 }, () => Effect.exit(revoke("tok_1"))), {
        concurrency: "unbounded"
      })
      expect(exits.filter(Exit.isSuccess)).toHaveLength(1)
    }).pipe(Effect.provide(seeded)))

  it.effect("starts afresh with each build of the layer", () =>
    Effect.gen(function*() {
      yield* revoke("tok_1").pipe(Effect.provide(seeded))
      expect(yield* revoke("tok_1").pipe(Effect.provide(seeded))).toEqual({ tokenId: "tok_1" })
    }))
})
