import { describe, expect, it } from "@effect/vitest"
import { type Schemas, TokenError, TokenService } from "@vercel-auth/core"
import { TokenServiceTest } from "@vercel-auth/testing"
import { Cause, Chunk, Effect, Exit, Redacted, Stream, TestClock } from "effect"

const T0 = Date.UTC(2026, 10, 29, 12, 0, 0)
const MINUTE = 60_000
const DAY = 86_400_000

const revoke = (tokenId: string, options?: TokenService.DeleteOptions) =>
  Effect.flatMap(TokenService.TokenService, (service) => service.delete(tokenId, options))
const get = (tokenId: string) => Effect.flatMap(TokenService.TokenService, (service) => service.get(tokenId))
const list = (options?: TokenService.ListOptions) =>
  Stream.unwrap(Effect.map(TokenService.TokenService, (service) => service.list(options)))
const listAll = (options?: TokenService.ListOptions) => Effect.map(Stream.runCollect(list(options)), Chunk.toArray)
const create = (input: TokenService.CreateTokenInput) =>
  Effect.flatMap(TokenService.TokenService, (service) => service.create(input))
const deleteMany = (tokenIds: Iterable<string>, options?: TokenService.DeleteOptions) =>
  Effect.flatMap(
    TokenService.TokenService,
    (service) => Effect.map(Stream.runCollect(service.deleteMany(tokenIds, options)), Chunk.toArray)
  )
const store = TokenServiceTest.TokenStore

const ids = (tokens: ReadonlyArray<{ readonly id: string }>) => tokens.map((token) => token.id)

/**
 * The named fields of an error as a plain object: vitest cannot render a failed `toMatchObject` on
 * Effect errors (its diff recurses without end), so tests compare this projection.
 */
const pick = (error: unknown, ...keys: ReadonlyArray<string>): Record<string, unknown> =>
  Object.fromEntries(keys.map((key) => [key, (error as Record<string, unknown>)[key]]))

/**
 * `error` is `expected`: an error failed inside a span comes out as a proxy of itself (Effect records
 * the span on it), so identity cannot be compared, but every field and the message can.
 */
const expectSame = (error: unknown, expected: Error) =>
  expect({ ...(error as object), message: (error as Error).message, class: (error as Error).constructor })
    .toEqual({ ...expected, message: expected.message, class: expected.constructor })

const seeded = TokenServiceTest.layer({ tokens: ["tok_1", "tok_2"], current: "tok_self" })

/** Runs `effect` over `layer` built with the TestClock at T0, so that seeded dates are realistic. */
const atT0 = <A, E>(
  layer: ReturnType<typeof TokenServiceTest.layer>,
  effect: Effect.Effect<A, E, TokenService.TokenService | TokenServiceTest.TokenStore>
) => Effect.zipRight(TestClock.setTime(T0), Effect.provide(effect, layer))

describe("TokenServiceTest: delete", () => {
  it.effect("revokes a seeded token once, then fails with TokenNotFound as the real service builds it", () =>
    Effect.gen(function*() {
      expect(yield* revoke("tok_1")).toEqual({ tokenId: "tok_1" })
      const error = yield* Effect.flip(revoke("tok_1"))
      expect(error).toBeInstanceOf(TokenError.TokenNotFound)
      expect(pick(error, "_tag", "operation", "tokenId", "status", "attempts", "code", "serverMessage", "requestId"))
        .toEqual({
          _tag: "TokenNotFound",
          operation: "delete",
          tokenId: "tok_1",
          status: 404,
          attempts: 1,
          code: "not_found",
          serverMessage: "The token was not found",
          requestId: "test1::2"
        })
      expect(error.message).toBe(
        "Revoking token \"tok_1\" failed: Vercel answered 404 (not_found: The token was not found) after 1 attempt. " +
          "No such token for this account: it may already be revoked. Pass `missingOk: true` to treat that as success. " +
          "Vercel request id: test1::2."
      )
      const tokens = yield* store
      expect(yield* tokens.deleted).toEqual(["tok_1"])
      expect(yield* tokens.tokens).toEqual(["tok_self", "tok_2"])
    }).pipe(Effect.provide(seeded)))

  it.effect("turns not-found into alreadyDeleted with missingOk", () =>
    Effect.gen(function*() {
      expect(yield* revoke("tok_gone", { missingOk: true })).toEqual({ tokenId: "tok_gone", alreadyDeleted: true })
      expect(yield* revoke("tok_1", { missingOk: true })).toEqual({ tokenId: "tok_1" })
    }).pipe(Effect.provide(seeded)))

  it.effect("revokes the caller's own token for `current`, after which every operation is Forbidden", () =>
    Effect.gen(function*() {
      expect(yield* revoke("current")).toEqual({ tokenId: "tok_self" })
      for (const tokenId of ["current", "tok_2"]) {
        const error = yield* Effect.flip(revoke(tokenId, { missingOk: true }))
        expect(error).toBeInstanceOf(TokenError.Forbidden)
        expect(pick(error, "operation", "tokenId", "status", "code", "invalidToken", "attempts")).toEqual({
          operation: "delete",
          tokenId,
          status: 403,
          code: "forbidden",
          invalidToken: true,
          attempts: 1
        })
        expect(error.message).toContain("The bearer token is invalid, expired or already revoked.")
      }
      expect(pick(yield* Effect.flip(get("tok_2")), "_tag", "operation", "invalidToken")).toEqual({
        _tag: "Forbidden",
        operation: "get",
        invalidToken: true
      })
      expect(pick(yield* Effect.flip(listAll()), "_tag", "operation", "tokenId")).toEqual({
        _tag: "Forbidden",
        operation: "list",
        tokenId: undefined
      })
      expect(pick(yield* Effect.flip(create({ name: "new" })), "_tag", "operation", "tokenName")).toEqual({
        _tag: "Forbidden",
        operation: "create",
        tokenName: "new"
      })
      // The checks still come first: nothing would be sent.
      expect((yield* Effect.flip(create({ name: "" })))._tag).toBe("InvalidInput")
      const tokens = yield* store
      expect(yield* tokens.deleted).toEqual(["tok_self"])
      expect(yield* tokens.tokens).toEqual(["tok_1", "tok_2"])
    }).pipe(Effect.provide(seeded)))

  it.effect("has a default own token id", () =>
    Effect.gen(function*() {
      expect(yield* revoke("current")).toEqual({ tokenId: "tok_current" })
    }).pipe(Effect.provide(TokenServiceTest.layer())))

  const invalid: ReadonlyArray<readonly [unknown, TokenError.InvalidTokenId["reason"]]> = [
    [42, "not-a-string"],
    [undefined, "not-a-string"],
    ["", "empty"],
    ["  ", "empty"],
    [".", "dot-segment"],
    ["..", "dot-segment"],
    ["x".repeat(257), "too-long"],
    ["tok\n1", "control-character"],
    ["tok\u0085", "control-character"],
    ["tok\ud800", "malformed-unicode"]
  ]
  it.effect("rejects invalid ids before anything else, with attempts 0, exactly as core's decodeTokenId", () =>
    Effect.gen(function*() {
      const tokens = yield* store
      const injected = new TokenError.Timeout({ operation: "delete", attempts: 1, phase: "deadline" })
      yield* tokens.failNext(injected)
      for (const [tokenId, reason] of invalid) {
        const error = yield* Effect.flip(revoke(tokenId as string))
        expect(error).toBeInstanceOf(TokenError.InvalidTokenId)
        expect(pick(error, "reason", "attempts", "operation")).toEqual({ reason, attempts: 0, operation: "delete" })
        expect(error.message).toBe(
          TokenService.decodeTokenId(tokenId, "delete").pipe((id) => id._tag === "Left" && id.left.message)
        )
        expect(error.message).toContain("Nothing was sent")
        const viaGet = yield* Effect.flip(get(tokenId as string))
        expect(pick(viaGet, "_tag", "reason", "operation")).toEqual({
          _tag: "InvalidTokenId",
          reason,
          operation: "get"
        })
      }
      expect(yield* tokens.deleted).toEqual([])
      expect((yield* tokens.callsOf("delete")).length).toBe(invalid.length)
      // The injected failure is still there for the first valid id.
      expectSame(yield* Effect.flip(revoke("x".repeat(256))), injected)
      expect(yield* revoke("x".repeat(256), { missingOk: true })).toEqual({
        tokenId: "x".repeat(256),
        alreadyDeleted: true
      })
    }).pipe(Effect.provide(TokenServiceTest.layer())))

  it.effect("fails the next calls with injected errors, revoking nothing, then behaves normally", () =>
    Effect.gen(function*() {
      const tokens = yield* store
      const limited = new TokenError.RateLimited({ operation: "delete", tokenId: "tok_1", attempts: 3, status: 429 })
      const network = new TokenError.NetworkError({
        operation: "delete",
        tokenId: "tok_1",
        attempts: 3,
        ambiguous: true
      })
      // The form of 0.1 (errors only) is for delete.
      yield* tokens.failNext(limited)
      yield* tokens.failNext("delete", network)
      expectSame(yield* Effect.flip(revoke("tok_1")), limited)
      expectSame(yield* Effect.flip(revoke("tok_1")), network)
      expect(yield* revoke("tok_1")).toEqual({ tokenId: "tok_1" })
      const calls = yield* tokens.callsOf("delete")
      expect(calls.map((call) => [call.tokenId, call.via, Exit.isSuccess(call.exit)])).toEqual([
        ["tok_1", "delete", false],
        ["tok_1", "delete", false],
        ["tok_1", "delete", true]
      ])
    }).pipe(Effect.provide(seeded)))

  it.effect("takes tokens added later", () =>
    Effect.gen(function*() {
      const tokens = yield* store
      yield* tokens.add("tok_new", { id: "tok_named", name: "named" })
      expect(yield* revoke("tok_new")).toEqual({ tokenId: "tok_new" })
      expect((yield* get("tok_named")).name).toBe("named")
      // Seeding a revoked id again makes it live again.
      yield* tokens.add("tok_new")
      expect(yield* revoke("tok_new")).toEqual({ tokenId: "tok_new" })
      expect(yield* tokens.deleted).toEqual(["tok_new", "tok_new"])
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

describe("TokenServiceTest: seeds", () => {
  it.effect("defaults like MockVercelServer: own token first and named self, a minute apart, counting back from the Clock", () =>
    atT0(
      TokenServiceTest.layer({ tokens: ["tok_1", "tok_2"], current: "tok_self" }),
      Effect.gen(function*() {
        const live = yield* (yield* store).live
        expect(live).toEqual([
          {
            id: "tok_self",
            name: "self",
            type: "oauth2-token",
            createdAt: new Date(T0 - MINUTE),
            activeAt: new Date(T0 - MINUTE),
            scopes: [{ type: "user", createdAt: new Date(T0 - MINUTE) }]
          },
          {
            id: "tok_1",
            name: "tok_1",
            type: "oauth2-token",
            createdAt: new Date(T0 - 2 * MINUTE),
            activeAt: new Date(T0 - 2 * MINUTE),
            scopes: [{ type: "user", createdAt: new Date(T0 - 2 * MINUTE) }]
          },
          {
            id: "tok_2",
            name: "tok_2",
            type: "oauth2-token",
            createdAt: new Date(T0 - 3 * MINUTE),
            activeAt: new Date(T0 - 3 * MINUTE),
            scopes: [{ type: "user", createdAt: new Date(T0 - 3 * MINUTE) }]
          }
        ])
      })
    ))

  it.effect("takes records with Date or epoch-millisecond times, and a bare iterable of seeds", () =>
    atT0(
      TokenServiceTest.layer([
        {
          id: "tok_leaked",
          name: "CI",
          type: "oauth2-token",
          origin: "github",
          createdAt: new Date(T0 - 3 * DAY),
          activeAt: T0 - DAY,
          expiresAt: new Date(T0 + DAY),
          leakedAt: T0 - 2 * DAY,
          leakedUrl: "https://github.com/acme/app",
          prefix: "vcp_ab",
          suffix: "wxyz",
          scopes: [
            { type: "user", origin: "github" },
            { type: "team", teamId: "team_1", createdAt: T0 - DAY, expiresAt: new Date(T0 + DAY) },
            { type: "sso-future" }
          ]
        },
        "tok_plain"
      ]),
      Effect.gen(function*() {
        expect(yield* get("tok_leaked")).toEqual({
          id: "tok_leaked",
          name: "CI",
          type: "oauth2-token",
          origin: "github",
          createdAt: new Date(T0 - 3 * DAY),
          activeAt: new Date(T0 - DAY),
          expiresAt: new Date(T0 + DAY),
          leakedAt: new Date(T0 - 2 * DAY),
          leakedUrl: "https://github.com/acme/app",
          prefix: "vcp_ab",
          suffix: "wxyz",
          scopes: [
            { type: "user", origin: "github", createdAt: new Date(T0 - 3 * DAY) },
            { type: "team", teamId: "team_1", createdAt: new Date(T0 - DAY), expiresAt: new Date(T0 + DAY) },
            { type: "sso-future" }
          ]
        })
        // The own token is the default one, seeded first.
        expect(yield* (yield* store).tokens).toEqual(["tok_current", "tok_plain", "tok_leaked"])
      })
    ))

  it.effect("an AuthToken read from core seeds as itself", () =>
    Effect.gen(function*() {
      const original = yield* get("tok_x").pipe(
        Effect.provide(TokenServiceTest.layer([{ id: "tok_x", name: "x", leakedAt: 5, createdAt: 1, activeAt: 2 }]))
      )
      const copy = yield* get("tok_x").pipe(Effect.provide(TokenServiceTest.layer([original])))
      expect(copy).toEqual(original)
    }))

  it.effect("a seed no AuthToken could be read from is a defect that says what is wrong", () =>
    Effect.gen(function*() {
      const badDate = yield* Effect.exit(TokenServiceTest.make([{ id: "tok_1", createdAt: new Date(Number.NaN) }]))
      expect(Exit.isFailure(badDate) && Cause.pretty(badDate.cause)).toContain(
        "the seed \"tok_1\" has a `createdAt` that is neither a valid Date nor epoch milliseconds"
      )
      const badScope = yield* Effect.exit(TokenServiceTest.make([{ id: "tok_2", scopes: [{ type: "team" }] }]))
      expect(Exit.isFailure(badScope) && Cause.pretty(badScope.cause)).toContain("the seed \"tok_2\" is not a token")
    }))
})

describe("TokenServiceTest: get", () => {
  it.effect("reads seeded tokens and `current`, whose activeAt moves to now as Vercel's does", () =>
    atT0(
      seeded,
      Effect.gen(function*() {
        expect(yield* get("tok_1")).toMatchObject({ id: "tok_1", createdAt: new Date(T0 - 2 * MINUTE) })
        yield* TestClock.adjust("1 minute")
        const self = yield* get("current")
        expect(self).toMatchObject({ id: "tok_self", name: "self", activeAt: new Date(T0 + MINUTE) })
        expect(yield* get("tok_self")).toEqual(self)
      })
    ))

  it.effect("fails with TokenNotFound (no missingOk advice) for unknown and revoked ids", () =>
    Effect.gen(function*() {
      yield* revoke("tok_1")
      for (const tokenId of ["tok_1", "tok_unknown"]) {
        const error = yield* Effect.flip(get(tokenId))
        expect(error).toBeInstanceOf(TokenError.TokenNotFound)
        expect(pick(error, "operation", "tokenId", "status", "code", "attempts")).toEqual({
          operation: "get",
          tokenId,
          status: 404,
          code: "not_found",
          attempts: 1
        })
        expect(error.message).toMatch(new RegExp(`^Reading token "${tokenId}" failed: Vercel answered 404`))
        expect(error.message).not.toContain("missingOk")
      }
      const calls = yield* (yield* store).callsOf("get")
      expect(calls.map((call) => [call.tokenId, Exit.isFailure(call.exit)])).toEqual([
        ["tok_1", true],
        ["tok_unknown", true]
      ])
    }).pipe(Effect.provide(seeded)))

  it.effect("fails with the errors injected for get, then answers", () =>
    Effect.gen(function*() {
      const tokens = yield* store
      const timeout = new TokenError.Timeout({ operation: "get", tokenId: "tok_1", attempts: 2, phase: "deadline" })
      yield* tokens.failNext("get", timeout)
      expect(yield* Effect.flip(get(""))).toBeInstanceOf(TokenError.InvalidTokenId)
      expectSame(yield* Effect.flip(get("tok_1")), timeout)
      expect((yield* get("tok_1")).id).toBe("tok_1")
      // An injection for another operation does not touch get.
      yield* tokens.failNext("list", timeout as unknown as TokenError.ListTokensError)
      expect((yield* get("tok_1")).id).toBe("tok_1")
    }).pipe(Effect.provide(seeded)))

  it.effect("an expired own token is refused like a revoked one", () =>
    atT0(
      TokenServiceTest.layer({ current: { id: "tok_self", expiresAt: T0 + MINUTE }, tokens: ["tok_1"] }),
      Effect.gen(function*() {
        expect((yield* get("current")).expiresAt).toEqual(new Date(T0 + MINUTE))
        yield* TestClock.adjust("1 minute")
        expect(pick(yield* Effect.flip(get("tok_1")), "_tag", "invalidToken")).toEqual({
          _tag: "Forbidden",
          invalidToken: true
        })
        expect(yield* (yield* store).tokens).toEqual(["tok_self", "tok_1"])
      })
    ))
})

describe("TokenServiceTest: list", () => {
  const many = TokenServiceTest.layer({ tokens: Array.from({ length: 45 }, (_, i) => `tok_${i}`) })

  it.effect("streams every live token newest first, in pages of 20 unless told", () =>
    Effect.gen(function*() {
      const all = yield* listAll()
      expect(ids(all)).toEqual(["tok_current", ...Array.from({ length: 45 }, (_, i) => `tok_${i}`)])
      const pages = yield* (yield* store).callsOf("list")
      expect(pages.map((call) => [call.page, call.pageSize, Exit.isSuccess(call.exit) && call.exit.value.length]))
        .toEqual([
          [1, undefined, 20],
          [2, undefined, 20],
          [3, undefined, 6]
        ])
      expect(ids(yield* listAll({ pageSize: 100 }))).toEqual(ids(all))
      expect(ids(yield* listAll({ pageSize: 1 }))).toEqual(ids(all))
    }).pipe(Effect.provide(many)))

  it.effect("is lazy: a page is asked for only when the stream is pulled past the one before", () =>
    Effect.gen(function*() {
      const first = yield* Stream.runCollect(Stream.take(list({ pageSize: 2 }), 3))
      expect(ids(Chunk.toArray(first))).toEqual(["tok_current", "tok_0", "tok_1"])
      expect((yield* (yield* store).callsOf("list")).map((call) => call.page)).toEqual([1, 2])
      // Nothing is asked for before the stream runs.
      list({ pageSize: 0 })
      expect((yield* (yield* store).callsOf("list")).length).toBe(2)
    }).pipe(Effect.provide(many)))

  it.effect("resumes after the last token of a page, seeing changes made in between as a cursor would", () =>
    atT0(
      seeded,
      Effect.gen(function*() {
        const tokens = yield* store
        const seen: Array<string> = []
        yield* list({ pageSize: 1 }).pipe(
          Stream.tap((token) =>
            Effect.gen(function*() {
              seen.push(token.id)
              // Revoked before its page is read: never shown. Added older than all: shown last.
              if (token.id === "tok_self") yield* revoke("tok_1")
              if (token.id === "tok_self") yield* tokens.add({ id: "tok_old", createdAt: T0 - DAY })
            })
          ),
          Stream.runDrain
        )
        expect(seen).toEqual(["tok_self", "tok_2", "tok_old"])
      })
    ))

  const refused: ReadonlyArray<unknown> = [0, -1, 101, 1.5, Number.NaN, Infinity, "5", null]
  it.effect("refuses a bad pageSize with InvalidInput naming it, when the stream runs", () =>
    Effect.gen(function*() {
      for (const pageSize of refused) {
        const error = yield* Effect.flip(listAll({ pageSize: pageSize as number }))
        expect(error).toBeInstanceOf(TokenError.InvalidInput)
        const expected = TokenService.decodeListOptions({ pageSize: pageSize as number })
        expect(expected._tag === "Left" && expected.left.message).toBe(error.message)
        expect(pick(error, "operation", "field", "attempts")).toEqual({
          operation: "list",
          field: "pageSize",
          attempts: 0
        })
      }
      const calls = yield* (yield* store).callsOf("list")
      expect(calls.map((call) => [call.page, Exit.isFailure(call.exit)])).toEqual(refused.map(() => [1, true]))
    }).pipe(Effect.provide(seeded)))

  it.effect("fails a page with the error injected for list", () =>
    Effect.gen(function*() {
      const tokens = yield* store
      const server = new TokenError.ServerError({ operation: "list", attempts: 4, status: 503 })
      yield* tokens.failNext("list", server)
      expectSame(yield* Effect.flip(listAll()), server)
      // Injected once the first page is out, the failure is the second page's: its tokens came out before.
      const seen: Array<string> = []
      const error = yield* list({ pageSize: 2 }).pipe(
        Stream.tap((token) =>
          Effect.zipRight(
            Effect.sync(() => seen.push(token.id)),
            token.id === "tok_self" ? tokens.failNext("list", server) : Effect.void
          )
        ),
        Stream.runDrain,
        Effect.flip
      )
      expect(seen).toEqual(["tok_self", "tok_1"])
      expectSame(error, server)
      expect(ids(yield* listAll({ pageSize: 2 }))).toEqual(["tok_self", "tok_1", "tok_2"])
    }).pipe(Effect.provide(seeded)))
})

describe("TokenServiceTest: create", () => {
  it.effect("creates a token with a fresh secret; it is listed first, readable and revocable", () =>
    atT0(
      seeded,
      Effect.gen(function*() {
        const created = yield* create({ name: "deploy" })
        const { bearerToken, token } = created
        expect(token).toEqual({
          id: token.id,
          name: "deploy",
          type: "oauth2-token",
          origin: "manual",
          createdAt: new Date(T0),
          activeAt: new Date(T0),
          prefix: token.prefix,
          suffix: token.suffix,
          scopes: [{ type: "user", origin: "manual", createdAt: new Date(T0) }]
        })
        expect(token.id).toMatch(/^tok_[0-9a-f]{24}$/)
        expect(Redacted.isRedacted(bearerToken)).toBe(true)
        expect(String(bearerToken)).toBe("<redacted>")
        // eslint-disable-next-line no-restricted-syntax -- the test checks what the secret looks like
        const secret = Redacted.value(bearerToken)
        expect(secret).toMatch(/^vcp_[0-9a-f]{48}$/)
        expect([token.prefix, token.suffix]).toEqual([secret.slice(0, 6), secret.slice(-4)])
        expect(JSON.stringify(created)).not.toContain(secret)

        yield* TestClock.adjust("1 second")
        const other = yield* create({ name: "deploy" })
        expect(other.token.id).not.toBe(token.id)
        // eslint-disable-next-line no-restricted-syntax -- the test checks the secrets differ
        expect(Redacted.value(other.bearerToken)).not.toBe(secret)

        expect(ids(yield* listAll()).slice(0, 3)).toEqual([other.token.id, token.id, "tok_self"])
        expect(yield* get(token.id)).toEqual(token)
        expect(yield* revoke(token.id)).toEqual({ tokenId: token.id })
        const calls = yield* (yield* store).callsOf("create")
        expect(calls.map((call) => [call.input.name, Exit.isSuccess(call.exit)])).toEqual([
          ["deploy", true],
          ["deploy", true]
        ])
      })
    ))

  it.effect("takes expiresAt as a Date or epoch milliseconds, and a team's scope for teamId", () =>
    atT0(
      seeded,
      Effect.gen(function*() {
        const byDate = yield* create({ name: "a", expiresAt: new Date(T0 + DAY) })
        expect(byDate.token.expiresAt).toEqual(new Date(T0 + DAY))
        const team = yield* create({ name: "b", expiresAt: T0 + 2 * DAY, teamId: "team_1", projectId: "prj_1" })
        expect(team.token.scopes).toEqual([
          { type: "user", origin: "manual", createdAt: new Date(T0), expiresAt: new Date(T0 + 2 * DAY) },
          {
            type: "team",
            teamId: "team_1",
            origin: "manual",
            createdAt: new Date(T0),
            expiresAt: new Date(T0 + 2 * DAY)
          }
        ])
        // A created token expires on the Clock like any other; it is still listed.
        yield* TestClock.adjust("1 day")
        expect(ids(yield* listAll())).toContain(byDate.token.id)
      })
    ))

  const refused: ReadonlyArray<readonly [unknown, string]> = [
    [{ name: "" }, "name"],
    [{ name: "  " }, "name"],
    [{ name: "x".repeat(257) }, "name"],
    [{ name: "a\u0000" }, "name"],
    [{}, "name"],
    [undefined, "name"],
    [{ name: "past", expiresAt: T0 - 1 }, "expiresAt"],
    [{ name: "now", expiresAt: T0 }, "expiresAt"],
    [{ name: "nan", expiresAt: new Date(Number.NaN) }, "expiresAt"],
    [{ name: "team", teamId: "" }, "teamId"],
    [{ name: "project", projectId: "p\n" }, "projectId"]
  ]
  it.effect("refuses what core's decodeCreateInput refuses, at the Clock's now, with the same InvalidInput", () =>
    atT0(
      seeded,
      Effect.gen(function*() {
        const tokens = yield* store
        const injected = new TokenError.NetworkError({ operation: "create", attempts: 1, ambiguous: true })
        yield* tokens.failNext("create", injected)
        for (const [input, field] of refused) {
          const error = yield* Effect.flip(create(input as TokenService.CreateTokenInput))
          expect(error).toBeInstanceOf(TokenError.InvalidInput)
          const expected = TokenService.decodeCreateInput(input as TokenService.CreateTokenInput, T0)
          expect(expected._tag === "Left" && { ...expected.left, message: expected.left.message }).toEqual({
            ...error,
            message: error.message
          })
          expect(pick(error, "field", "attempts")).toEqual({ field, attempts: 0 })
        }
        // The injected failure waited for valid input, and created nothing.
        expectSame(yield* Effect.flip(create({ name: "ok" })), injected)
        expect(yield* tokens.tokens).toEqual(["tok_self", "tok_1", "tok_2"])
        expect((yield* create({ name: "ok" })).token.name).toBe("ok")
      })
    ))
})

describe("TokenServiceTest: deleteMany", () => {
  it.effect("reports every id once, in input order, never failing", () =>
    Effect.gen(function*() {
      const tokens = yield* store
      const limited = new TokenError.RateLimited({ operation: "delete", tokenId: "tok_2", attempts: 3, status: 429 })
      const results = yield* deleteMany(["tok_1", "tok_unknown", "", "tok_1"])
      expect(results.map((result) => [result.tokenId, result.ok])).toEqual([
        ["tok_1", true],
        ["tok_unknown", false],
        ["", false],
        ["tok_1", false]
      ])
      const [first, unknown, blank] = results as [
        Schemas.DeleteResult & { ok: true },
        Schemas.DeleteResult & { ok: false },
        Schemas.DeleteResult & { ok: false }
      ]
      expect(first.token).toEqual({ tokenId: "tok_1" })
      expect(unknown.error).toBeInstanceOf(TokenError.TokenNotFound)
      expect(pick(blank.error, "_tag", "reason")).toEqual({ _tag: "InvalidTokenId", reason: "empty" })

      yield* tokens.failNext("delete", limited)
      const second = yield* deleteMany(["tok_2", "tok_2", "tok_gone"], { missingOk: true })
      expect(second).toEqual([
        { tokenId: "tok_2", ok: false, error: limited },
        { tokenId: "tok_2", ok: true, token: { tokenId: "tok_2" } },
        { tokenId: "tok_gone", ok: true, token: { tokenId: "tok_gone", alreadyDeleted: true } }
      ])
      const calls = yield* tokens.callsOf("delete")
      expect(calls.map((call) => [call.tokenId, call.via, call.missingOk])).toEqual([
        ["tok_1", "deleteMany", false],
        ["tok_unknown", "deleteMany", false],
        ["", "deleteMany", false],
        ["tok_1", "deleteMany", false],
        ["tok_2", "deleteMany", true],
        ["tok_2", "deleteMany", true],
        ["tok_gone", "deleteMany", true]
      ])
      expect(yield* deleteMany([])).toEqual([])
    }).pipe(Effect.provide(seeded)))

  it.effect("is lazy: ids not pulled are not revoked", () =>
    Effect.gen(function*() {
      const service = yield* TokenService.TokenService
      const first = yield* Stream.runCollect(Stream.take(service.deleteMany(["tok_1", "tok_2"]), 1))
      expect(Chunk.toArray(first).map((result) => result.tokenId)).toEqual(["tok_1"])
      expect(yield* (yield* store).tokens).toEqual(["tok_self", "tok_2"])
    }).pipe(Effect.provide(seeded)))

  it.effect("revokes `current` like delete, after which the rest are Forbidden", () =>
    Effect.gen(function*() {
      const results = yield* deleteMany(["current", "tok_1"])
      expect(results[0]).toEqual({ tokenId: "current", ok: true, token: { tokenId: "tok_self" } })
      expect(results[1]!.ok === false && pick(results[1]!.error, "_tag", "invalidToken")).toEqual({
        _tag: "Forbidden",
        invalidToken: true
      })
    }).pipe(Effect.provide(seeded)))
})

describe("TokenServiceTest: the store", () => {
  it.effect("reads live and revoked tokens, and every call in order", () =>
    atT0(
      seeded,
      Effect.gen(function*() {
        const tokens = yield* store
        yield* TestClock.adjust("1 minute")
        yield* revoke("tok_2")
        yield* TestClock.adjust("1 minute")
        yield* revoke("current")
        const revoked = yield* tokens.revoked
        expect(revoked.map(({ revokedAt, token }) => [token.id, revokedAt])).toEqual([
          ["tok_2", new Date(T0 + MINUTE)],
          ["tok_self", new Date(T0 + 2 * MINUTE)]
        ])
        // The own token was last used by the call that revoked it.
        expect(revoked[1]!.token.activeAt).toEqual(new Date(T0 + 2 * MINUTE))
        expect(ids(yield* tokens.live)).toEqual(["tok_1"])
        yield* Effect.flip(get("tok_1"))
        const calls = yield* tokens.calls
        expect(calls.map((call) => [call.operation, call.exit._tag === "Success"])).toEqual([
          ["delete", true],
          ["delete", true],
          ["get", false]
        ])
        // Seeded again, a revoked token is live, and no longer among the revoked.
        yield* tokens.add("tok_2")
        expect(ids((yield* tokens.revoked).map((entry) => entry.token))).toEqual(["tok_self"])
      })
    ))
})
