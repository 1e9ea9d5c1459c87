/**
 * `TokenService.create` (`POST /v3/user/tokens?teamId=`): the body on the wire, input checked before
 * sending, the new secret `Redacted` everywhere (result, logs, spans, errors), retried only when the
 * attempt certainly did not reach Vercel, and `possibleOrphans` after an ambiguous attempt. Unit
 * tests over `MockHttpClient` on the `TestClock`; the end-to-end tests are in
 * `tokenGroup.create.e2e.test.ts`.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Equal, Redacted, TestClock } from "effect"
import { inspect } from "node:util"
import {
  capturingLogs,
  create,
  expectNoSecret,
  fail,
  failureOf,
  hang,
  json,
  pick,
  recordingTracer,
  settle,
  spanContents,
  successOf,
  T0,
  TOKEN,
  transportFailure,
  unit,
  type UnitHandler,
  vercelError,
  wirePage,
  wireToken
} from "./tokenGroup.support.js"

const SECRET = "vcp_NEWLY_created_secret_0f1e2d3c4b5a69788796a5b4"
const NAME = "deploy-bot"
const HOUR = 3_600_000

const createdBody = (fields: Record<string, unknown> = {}) => ({
  bearerToken: SECRET,
  token: wireToken("tok_created", {
    name: NAME,
    origin: "manual",
    createdAt: T0,
    prefix: "vcp_NE",
    suffix: "a5b4",
    ...fields
  })
})

/** The list the orphan search reads: one token of ours made after the call began, and decoys. */
const orphanPage = wirePage([
  wireToken("tok_orphan", { name: NAME, createdAt: T0 + 50 }),
  wireToken("tok_other_name", { name: "something-else", createdAt: T0 + 10 }),
  wireToken("tok_same_name_old", { name: NAME, createdAt: T0 - HOUR })
], null)

/** POSTs answered by `onCreate`, list GETs by `listReply`. */
const routes =
  (onCreate: UnitHandler, listReply: () => Response = () => json(200, orphanPage)): UnitHandler => (request, index) =>
    request.method === "POST" ? onCreate(request, index) : listReply()

const posts = (seen: ReadonlyArray<{ readonly method: string }>) => seen.filter((r) => r.method === "POST")

const isSecret = (value: unknown) => Redacted.isRedacted(value) && Equal.equals(value, Redacted.make(SECRET))

describe("create (unit, TestClock)", () => {
  it.effect("sends name, expiresAt (epoch ms from a Date) and projectId as JSON, teamId as the query", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const h = unit(() => json(200, createdBody()))
      const created = successOf(
        yield* settle(
          create({ name: NAME, expiresAt: new Date(T0 + 24 * HOUR), projectId: "prj_1", teamId: "team_1" }).pipe(
            Effect.provide(h.layer)
          )
        )
      )
      expect(h.seen.map((r) => [r.method, r.url.origin + r.url.pathname, [...r.url.searchParams.entries()], r.at]))
        .toEqual([["POST", "https://api.vercel.test/v3/user/tokens", [["teamId", "team_1"]], T0]])
      expect(h.seen[0]!.body).toEqual({ name: NAME, expiresAt: T0 + 24 * HOUR, projectId: "prj_1" })
      expect(h.seen[0]!.contentType).toBe("application/json")
      expect(h.seen[0]!.headers["authorization"]).toBe(`Bearer ${TOKEN}`)
      expect(isSecret(created.bearerToken)).toBe(true)
      expect(pick(created.token, "id", "name", "createdAt")).toEqual({
        id: "tok_created",
        name: NAME,
        createdAt: new Date(T0)
      })
    }))

  it.effect("expiresAt as epoch milliseconds goes on the wire as it is; no teamId, no query", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const h = unit(() => json(200, createdBody()))
      successOf(yield* settle(create({ name: NAME, expiresAt: T0 + 1 }).pipe(Effect.provide(h.layer))))
      expect(h.seen[0]!.body).toEqual({ name: NAME, expiresAt: T0 + 1 })
      expect(h.seen[0]!.url.search).toBe("")
    }))

  it.effect("only the name when nothing else is given", () =>
    Effect.gen(function*() {
      const h = unit(() => json(200, createdBody()))
      successOf(yield* settle(create({ name: NAME }).pipe(Effect.provide(h.layer))))
      expect(h.seen[0]!.body).toEqual({ name: NAME })
    }))

  it.effect("the new secret is Redacted: not in String, JSON.stringify or util.inspect of the result", () =>
    Effect.gen(function*() {
      const h = unit(() => json(200, createdBody()))
      const created = successOf(yield* settle(create({ name: NAME }).pipe(Effect.provide(h.layer))))
      expect(Redacted.isRedacted(created.bearerToken)).toBe(true)
      for (
        const rendering of [
          String(created),
          JSON.stringify(created),
          inspect(created, { depth: 10 }),
          `${created.bearerToken}`
        ]
      ) {
        expect(rendering).not.toContain(SECRET)
      }
    }))

  it.effect("the new secret and the bearer token appear in no log line at Debug (a 429 retry included)", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const { lines, withLogs } = capturingLogs()
      const h = unit((_, i) =>
        i === 0 ? vercelError(429, "rate_limited", "slow down", {}, { "retry-after": "1" }) : json(200, createdBody())
      )
      successOf(yield* settle(withLogs(create({ name: NAME }).pipe(Effect.provide(h.layer)))))
      expect(lines.some((line) => line.includes("retrying"))).toBe(true)
      expect(lines.join("\n")).not.toContain(SECRET)
      expect(lines.join("\n")).not.toContain(TOKEN)
    }))

  it.effect("the new secret and the bearer token appear in no span (recording tracer: attributes, events, exits)", () =>
    Effect.gen(function*() {
      const { spans, tracer } = yield* recordingTracer
      const h = unit(() => json(200, createdBody()))
      successOf(yield* settle(create({ name: NAME }).pipe(Effect.provide(h.layer), Effect.withTracer(tracer))))
      expect(spans.map((span) => span.name)).toEqual(
        expect.arrayContaining(["TokenService.create", "http.client POST"])
      )
      const leaking = spans.filter((span) => spanContents(span).includes(SECRET)).map((span) => span.name)
      expect(leaking, "spans holding the new bearer token").toEqual([])
      expect(spans.filter((span) => spanContents(span).includes(TOKEN)).map((span) => span.name)).toEqual([])
    }))

  it.effect("retried after a 429, no earlier than Retry-After (1000 ms + 125 ms jitter)", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const h = unit((_, i) =>
        i === 0 ? vercelError(429, "rate_limited", "slow down", {}, { "retry-after": "1" }) : json(200, createdBody())
      )
      const created = successOf(yield* settle(create({ name: NAME }).pipe(Effect.provide(h.layer))))
      expect(created.token.id).toBe("tok_created")
      expect(h.seen.map((r) => [r.method, r.at - T0])).toEqual([["POST", 0], ["POST", 1125]])
    }))

  it.effect("retried after a 429 without any hint, backing off from 1 s (jitter 0.5: +500 ms)", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const h = unit((_, i) => i === 0 ? vercelError(429, "rate_limited", "slow down") : json(200, createdBody()))
      successOf(yield* settle(create({ name: NAME }).pipe(Effect.provide(h.layer))))
      expect(h.seen.map((r) => [r.method, r.at - T0])).toEqual([["POST", 0], ["POST", 500]])
    }))

  it.effect("retried after a refused connection (ECONNREFUSED: certainly not sent)", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const h = unit((_, i) =>
        i === 0
          ? fail(transportFailure("ECONNREFUSED", "connect ECONNREFUSED 76.76.21.21:443"))
          : json(200, createdBody())
      )
      const created = successOf(yield* settle(create({ name: NAME }).pipe(Effect.provide(h.layer))))
      expect(created.token.id).toBe("tok_created")
      expect(h.seen.map((r) => [r.method, r.at - T0])).toEqual([["POST", 0], ["POST", 125]])
    }))

  it.effect("refused every time: NetworkError ambiguous false after maxAttempts, no orphan search", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const h = unit(() => fail(transportFailure("ECONNREFUSED", "connect ECONNREFUSED 76.76.21.21:443")))
      const error = failureOf(yield* settle(create({ name: NAME }).pipe(Effect.provide(h.layer))))
      expect(pick(error, "_tag", "ambiguous", "attempts", "operation", "tokenName", "possibleOrphans")).toEqual({
        _tag: "NetworkError",
        ambiguous: false,
        attempts: 3,
        operation: "create",
        tokenName: NAME,
        possibleOrphans: undefined
      })
      expect(h.seen.map((r) => r.method)).toEqual(["POST", "POST", "POST"])
      expectNoSecret(error, SECRET)
    }))

  for (const status of [500, 502, 503, 504]) {
    it.effect(`a ${status} is not retried: ServerError with possibleOrphans (ids of our name made since the call began)`, () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(T0)
        const h = unit(routes(() => vercelError(status, "internal_server_error", "oops", {}, { "retry-after": "1" })))
        const error = failureOf(yield* settle(create({ name: NAME }).pipe(Effect.provide(h.layer))))
        expect(pick(error, "_tag", "status", "attempts", "operation", "tokenName", "possibleOrphans")).toEqual({
          _tag: "ServerError",
          status,
          attempts: 1,
          operation: "create",
          tokenName: NAME,
          possibleOrphans: ["tok_orphan"]
        })
        expect(posts(h.seen)).toHaveLength(1)
        expect(h.seen.map((r) => [r.method, r.url.pathname])).toEqual([
          ["POST", "/v3/user/tokens"],
          ["GET", "/v6/user/tokens"]
        ])
        expect((error as Error).message).toContain("tok_orphan")
        expectNoSecret(error, SECRET)
      }))
  }

  it.effect("an attempt timeout is not retried: Timeout ambiguous with possibleOrphans, listed at exactly attemptTimeout", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const h = unit(routes(() => hang, () => json(200, wirePage([], null))), { attemptTimeout: "5 seconds" })
      const error = failureOf(yield* settle(create({ name: NAME }).pipe(Effect.provide(h.layer))))
      expect(pick(error, "_tag", "phase", "ambiguous", "attempts", "operation", "possibleOrphans")).toEqual({
        _tag: "Timeout",
        phase: "attempt",
        ambiguous: true,
        attempts: 1,
        operation: "create",
        possibleOrphans: []
      })
      expect(h.seen.map((r) => [r.method, r.at - T0])).toEqual([["POST", 0], ["GET", 5000]])
      expect(h.seen[0]!.signal.aborted).toBe(true)
      expectNoSecret(error, SECRET)
    }))

  it.effect("a reset after sending (ECONNRESET) is not retried: NetworkError ambiguous with possibleOrphans", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const h = unit(routes(() => fail(transportFailure("ECONNRESET", "read ECONNRESET"))))
      const error = failureOf(yield* settle(create({ name: NAME }).pipe(Effect.provide(h.layer))))
      expect(pick(error, "_tag", "ambiguous", "attempts", "possibleOrphans")).toEqual({
        _tag: "NetworkError",
        ambiguous: true,
        attempts: 1,
        possibleOrphans: ["tok_orphan"]
      })
      expect(posts(h.seen)).toHaveLength(1)
      expectNoSecret(error, SECRET)
    }))

  it.effect("a 429 then an ambiguous failure: sent twice, never a third time", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const h = unit(routes((_, i) =>
        i === 0
          ? vercelError(429, "rate_limited", "slow down", {}, { "retry-after": "1" })
          : fail(transportFailure("ECONNRESET", "socket hang up"))
      ))
      const error = failureOf(yield* settle(create({ name: NAME }).pipe(Effect.provide(h.layer))))
      expect(pick(error, "_tag", "ambiguous", "attempts")).toEqual({
        _tag: "NetworkError",
        ambiguous: true,
        attempts: 2
      })
      expect(posts(h.seen)).toHaveLength(2)
      expectNoSecret(error, SECRET)
    }))

  const garbage: ReadonlyArray<readonly [string, () => Response]> = [
    [
      "a body missing `token.createdAt`",
      () =>
        json(200, { bearerToken: SECRET, token: { id: "tok_created", name: NAME, type: "oauth2-token", activeAt: T0 } })
    ],
    ["an empty bearerToken", () => json(200, { ...createdBody(), bearerToken: "" })],
    ["text that is not JSON", () => new Response(`token=${SECRET}; id=tok_created`, { status: 200 })],
    ["a 201 whose JSON is cut short", () => json(201, `{"bearerToken":"${SECRET}","token":{"id":"tok_cr`)]
  ]
  for (const [name, reply] of garbage) {
    it.effect(`a 2xx with ${name} is UnexpectedResponse whose body does not quote the new secret`, () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(T0)
        const h = unit(routes(reply))
        const error = failureOf(yield* settle(create({ name: NAME }).pipe(Effect.provide(h.layer))))
        expect(pick(error, "_tag", "reason", "operation", "attempts", "possibleOrphans")).toEqual({
          _tag: "UnexpectedResponse",
          reason: "body",
          operation: "create",
          attempts: 1,
          possibleOrphans: ["tok_orphan"]
        })
        const body = (error as { body: string }).body
        expect(body).not.toContain(SECRET)
        expect(body).not.toContain("tok_created")
        expect(posts(h.seen)).toHaveLength(1)
        expectNoSecret(error, SECRET)
      }))
  }

  it.effect("a 400 is final and certainly created nothing: BadRequest, no orphan search", () =>
    Effect.gen(function*() {
      const h = unit(routes(() => vercelError(400, "bad_request", `Invalid request for ${TOKEN}`)))
      const error = failureOf(yield* settle(create({ name: NAME }).pipe(Effect.provide(h.layer))))
      expect(pick(error, "_tag", "status", "code", "attempts", "operation", "tokenName")).toEqual({
        _tag: "BadRequest",
        status: 400,
        code: "bad_request",
        attempts: 1,
        operation: "create",
        tokenName: NAME
      })
      expect(h.seen.map((r) => r.method)).toEqual(["POST"])
      expectNoSecret(error, SECRET)
    }))

  it.effect("when the orphan search itself fails, no possibleOrphans are claimed", () =>
    Effect.gen(function*() {
      const h = unit(
        routes(() => vercelError(500, "internal_server_error", "oops"), () => vercelError(401, "unauthorized", "no"))
      )
      const error = failureOf(yield* settle(create({ name: NAME }).pipe(Effect.provide(h.layer))))
      expect(pick(error, "_tag", "possibleOrphans")).toEqual({ _tag: "ServerError", possibleOrphans: undefined })
      expectNoSecret(error, SECRET)
    }))

  const invalid: ReadonlyArray<readonly [string, Record<string, unknown>, string]> = [
    ["an empty name", { name: "" }, "name"],
    ["a blank name", { name: "   " }, "name"],
    ["a name of 257 characters", { name: "n".repeat(257) }, "name"],
    ["a name that is not a string", { name: 42 }, "name"],
    ["expiresAt in the past (Date)", { name: NAME, expiresAt: new Date(T0 - 1) }, "expiresAt"],
    ["expiresAt now", { name: NAME, expiresAt: T0 }, "expiresAt"],
    ["expiresAt in the past (epoch ms)", { name: NAME, expiresAt: T0 - HOUR }, "expiresAt"],
    ["expiresAt an Invalid Date", { name: NAME, expiresAt: new Date("not a date") }, "expiresAt"],
    ["expiresAt NaN", { name: NAME, expiresAt: Number.NaN }, "expiresAt"],
    ["expiresAt a string", { name: NAME, expiresAt: "tomorrow" }, "expiresAt"],
    ["an empty projectId", { name: NAME, projectId: "" }, "projectId"],
    ["an empty teamId", { name: NAME, teamId: " " }, "teamId"]
  ]
  for (const [name, input, field] of invalid) {
    it.effect(`${name} is InvalidInput naming \`${field}\`, nothing sent`, () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(T0)
        const h = unit(() => json(200, createdBody()))
        const error = failureOf(
          yield* settle(create(input as unknown as { name: string }).pipe(Effect.provide(h.layer)))
        )
        expect(pick(error, "_tag", "field", "operation", "attempts")).toEqual({
          _tag: "InvalidInput",
          field,
          operation: "create",
          attempts: 0
        })
        expect((error as Error).message).toContain(field)
        expect(h.seen).toHaveLength(0)
        expectNoSecret(error)
      }))
  }

  it.effect("a name of exactly 256 characters is accepted", () =>
    Effect.gen(function*() {
      const h = unit(() => json(200, createdBody()))
      successOf(yield* settle(create({ name: "n".repeat(256) }).pipe(Effect.provide(h.layer))))
      expect(h.seen).toHaveLength(1)
    }))
})
