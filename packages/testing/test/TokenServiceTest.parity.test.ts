/**
 * The in-memory service must answer like the real one. Each script runs twice from the same instant
 * of the TestClock: through the real `TokenService` (the whole core) over `MockHttpClient`, answered
 * by the request handling of `MockVercelServer` (its router, token store, pagination and Vercel error
 * bodies), and through `TokenServiceTest`. Every outcome must be the same, success values and errors
 * alike (`_tag`, class, fields, `message`), except what only one side can know: the request id (the
 * real one's `x-vercel-id`; compared by type, and cut from `message`), and the random ids and secrets
 * of created tokens (numbered by first appearance, the secret's `prefix`/`suffix` by shape).
 */
import { describe, expect, it } from "@effect/vitest"
import { TokenError, TokenService, VercelAuth } from "@vercel-auth/core"
import { MockHttpClient, type MockVercelServer, TokenServiceTest } from "@vercel-auth/testing"
import { Clock, Effect, Exit, Layer, Redacted, Stream, TestClock } from "effect"
import { incoming, makeAnswer } from "../src/internal/handlers.js"
import { pageConfig } from "../src/internal/pagination.js"
import type { RawBody } from "../src/internal/requestBody.js"
import { bearerOf, queryOf, route } from "../src/internal/route.js"
import { makeSso } from "../src/internal/sso.js"
import { makeTokenStore } from "../src/internal/tokenStore.js"

const BEARER = "vcp_PARITY_bearer_0123456789abcdef"
const T0 = Date.UTC(2026, 10, 29, 12, 0, 0)
const MINUTE = 60_000
const DAY = 86_400_000

/** The seed of one run, in MockVercelServer's shape (epoch milliseconds), which the double takes too. */
interface Seed {
  readonly tokens: ReadonlyArray<string | MockVercelServer.TokenSeed>
  readonly current: string | MockVercelServer.TokenSeed
}

/** What a script can ask of the side it runs on, besides the service. */
interface Side {
  readonly service: TokenService.Service
  /** The list page requests that were answered (the real one sends none for a refused `pageSize`). */
  readonly pages: Effect.Effect<number>
}

type Script = (side: Side) => Effect.Effect<ReadonlyArray<unknown>>

const noBody: RawBody = { bytes: Buffer.alloc(0), tooLarge: false, contentType: undefined }

/** The real service over MockHttpClient, answered by MockVercelServer's request handling. */
const real = (seed: Seed, script: Script) =>
  Effect.gen(function*() {
    let time = yield* Clock.currentTimeMillis
    const store = makeTokenStore(() => time)
    store.add({ [BEARER]: seed.tokens }, { [BEARER]: seed.current })
    const answer = makeAnswer({ store, sso: makeSso(undefined), pages: pageConfig(), now: () => time })
    let served = 0
    const mock = MockHttpClient.make((request, url) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        time = now
        const target = `${url.pathname}${url.search}`
        const body = request.body._tag === "Uint8Array"
          ? { bytes: Buffer.from(request.body.body), tooLarge: false, contentType: request.body.contentType }
          : noBody
        const reply = answer(
          incoming(route(request.method, target), queryOf(target), bearerOf(request.headers["authorization"]), body),
          undefined,
          0
        )
        return new Response(reply.body, {
          status: reply.status,
          headers: {
            "content-type": "application/json; charset=utf-8",
            "x-vercel-id": `fra1::parity-${++served}`,
            ...reply.headers
          }
        })
      })
    )
    const layer = VercelAuth.layer({ token: BEARER, baseUrl: "https://api.vercel.test" }).pipe(
      Layer.provide(mock.layer),
      Layer.orDie
    )
    const pages = Effect.sync(() =>
      mock.requests.filter((sent) => sent.method === "GET" && sent.url.pathname === "/v6/user/tokens").length
    )
    return yield* Effect.flatMap(TokenService.TokenService, (service) => script({ service, pages })).pipe(
      Effect.provide(layer)
    )
  })

/** The in-memory double, seeded alike. */
const fake = (seed: Seed, script: Script) =>
  Effect.gen(function*() {
    const { service, store } = yield* TokenServiceTest.make({ tokens: seed.tokens, current: seed.current })
    const pages = Effect.map(
      store.callsOf("list"),
      (calls) =>
        calls.filter((call) =>
          Exit.isSuccess(call.exit) || !(Exit.causeOption(call.exit).pipe((cause) =>
            cause._tag === "Some" && cause.value._tag === "Fail" && cause.value.error._tag === "InvalidInput"
          ))
        ).length
    )
    return yield* script({ service, pages })
  })

// ---------------------------------------------------------------------------------------------------
// Outcomes, comparable across the two sides

const createdId = /tok_[0-9a-f]{24}/g

/** Makes one side's outcomes comparable: created ids numbered, secrets and request ids by shape. */
const normalizer = () => {
  const labels = new Map<string, string>()
  const text = (value: string) =>
    value.replace(createdId, (id) => {
      if (!labels.has(id)) labels.set(id, `<created ${labels.size + 1}>`)
      return labels.get(id)!
    })
  const walk = (value: unknown): unknown => {
    if (typeof value === "string") return text(value)
    if (Redacted.isRedacted(value)) return `<Redacted ${String(value)}>`
    if (value instanceof Date) return value.toISOString()
    if (Array.isArray(value)) return value.map(walk)
    if (value instanceof Error) {
      const { requestId, ...fields } = value as unknown as Record<string, unknown>
      return {
        class: value.constructor.name,
        ...(walk(fields) as object),
        requestId: typeof requestId,
        message: text(value.message).replace(/ Vercel request id: \S+\.$/, "")
      }
    }
    if (typeof value === "object" && value !== null) {
      const fields = value as Record<string, unknown>
      const created = typeof fields.id === "string" && new RegExp(`^${createdId.source}$`).test(fields.id)
      return Object.fromEntries(
        Object.entries(fields).map(([key, field]) => {
          // What Vercel shows of a new secret: its first 6 and last 4 characters, random here.
          if (created && key === "prefix" && typeof field === "string" && /^vcp_[0-9a-f]{2}$/.test(field)) {
            return [key, "vcp_<2 hex>"]
          }
          if (created && key === "suffix" && typeof field === "string" && /^[0-9a-f]{4}$/.test(field)) {
            return [key, "<4 hex>"]
          }
          return [key, walk(field)]
        })
      )
    }
    return value
  }
  return walk
}

/** A script's outcome of one step: its label and exit, as plain data. */
const recorder = () => {
  const outcomes: Array<unknown> = []
  const step = <A, E>(label: string, effect: Effect.Effect<A, E>) =>
    Effect.map(Effect.exit(effect), (exit) => {
      outcomes.push(
        Exit.match(exit, {
          onSuccess: (value) => ({ label, success: value }),
          onFailure: (cause) => ({ label, failure: cause._tag === "Fail" ? cause.error : `defect: ${String(cause)}` })
        })
      )
      return exit
    })
  return { outcomes, step }
}

const collect = <A, E>(stream: Stream.Stream<A, E>) => Effect.map(Stream.runCollect(stream), (chunk) => [...chunk])

/** deleteMany reports in completion order, which for the real one is not the input order. */
const deleteMany = (service: TokenService.Service, tokenIds: Iterable<string>, options?: TokenService.DeleteOptions) =>
  Effect.map(
    collect(service.deleteMany(tokenIds, options)),
    (results) => results.sort((a, b) => (a.tokenId < b.tokenId ? -1 : a.tokenId > b.tokenId ? 1 : 0))
  )

/** Runs `script` on both sides from the same instant; returns both sides' outcomes, normalized. */
const both = (seed: Seed, script: Script) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(T0)
    const viaHttp = normalizer()(yield* real(seed, script))
    yield* TestClock.setTime(T0)
    const inMemory = normalizer()(yield* fake(seed, script))
    return { real: viaHttp as ReadonlyArray<Record<string, unknown>>, fake: inMemory }
  })

// ---------------------------------------------------------------------------------------------------
// Inputs

const invalidIds: ReadonlyArray<unknown> = [
  "",
  " ",
  "\t",
  ".",
  "..",
  "x".repeat(257),
  "tok\u0000",
  "tok\n1",
  "tok\u0085",
  "tok\ud800",
  42,
  undefined,
  null
]

/** Valid ids that no token has, some of them awkward in a URL. */
const unknownIds = ["tok_unknown", "CURRENT", "current ", "tok/1", "tok%2F1", "%", "tok?x=1", "tok#1", "tök", "..."]

const seed: Seed = {
  current: "tok_self",
  tokens: [
    "tok_1",
    "tok_2",
    "tok with space",
    "tok/slash",
    {
      id: "tok_leaked",
      name: "CI deploy",
      type: "oauth2-token",
      origin: "github",
      createdAt: T0 - 3 * DAY,
      activeAt: T0 - DAY,
      expiresAt: T0 + 30 * DAY,
      leakedAt: T0 - 2 * DAY,
      leakedUrl: "https://github.com/acme/app/blob/main/.env",
      prefix: "vcp_ab",
      suffix: "wxyz",
      scopes: [
        { type: "user", origin: "github", createdAt: T0 - 3 * DAY },
        { type: "team", teamId: "team_1", origin: "github", createdAt: T0 - 3 * DAY, expiresAt: T0 + 30 * DAY }
      ]
    },
    { id: "tok_expired", name: "old", createdAt: T0 - 10 * DAY, expiresAt: T0 - DAY }
  ]
}

describe("TokenServiceTest answers like the real TokenService", () => {
  it.effect("get: seeded, `current`, unknown and invalid ids", () =>
    Effect.gen(function*() {
      const { fake: inMemory, real: viaHttp } = yield* both(seed, ({ service }) =>
        Effect.gen(function*() {
          const { outcomes, step } = recorder()
          for (
            const id of ["tok_1", "current", "tok_self", "tok_leaked", "tok_expired", "tok with space", "tok/slash"]
          ) {
            yield* step(`get ${id}`, service.get(id))
          }
          for (const id of [...unknownIds, ...invalidIds]) yield* step(`get ${String(id)}`, service.get(id as string))
          return outcomes
        }))
      expect(inMemory).toEqual(viaHttp)
      expect(viaHttp[0]).toMatchObject({ success: { id: "tok_1", name: "tok_1" } })
      expect(viaHttp[1]).toMatchObject({
        success: { id: "tok_self", name: "self", activeAt: new Date(T0).toISOString() }
      })
      expect(viaHttp.filter((outcome) => (outcome.failure as { class?: string })?.class === "TokenNotFound"))
        .toHaveLength(
          unknownIds.length
        )
    }))

  it.effect("list: newest first, page sizes, laziness, refused page sizes", () =>
    Effect.gen(function*() {
      const many: Seed = {
        current: "tok_self",
        tokens: [...seed.tokens, ...Array.from({ length: 45 }, (_, i) => `tok_m${i}`)]
      }
      const { fake: inMemory, real: viaHttp } = yield* both(many, ({ pages, service }) =>
        Effect.gen(function*() {
          const { outcomes, step } = recorder()
          const counted = <A, E>(label: string, effect: Effect.Effect<A, E>) =>
            Effect.gen(function*() {
              const before = yield* pages
              yield* step(label, effect)
              outcomes.push({ label: `${label}: pages`, pages: (yield* pages) - before })
            })
          yield* counted("list", collect(service.list()))
          for (const pageSize of [1, 7, 20, 51, 100]) {
            yield* counted(`list ${pageSize}`, collect(service.list({ pageSize })))
          }
          yield* counted("list 2, first 3", collect(Stream.take(service.list({ pageSize: 2 }), 3)))
          yield* counted("list 5, first 5", collect(Stream.take(service.list({ pageSize: 5 }), 5)))
          for (const pageSize of [0, -1, 101, 1.5, Number.NaN, Infinity, "5", null]) {
            yield* counted(`list ${String(pageSize)}`, collect(service.list({ pageSize: pageSize as number })))
          }
          yield* counted("list {}", collect(service.list({})))
          return outcomes
        }))
      expect(inMemory).toEqual(viaHttp)
      const all = viaHttp[0]!.success as ReadonlyArray<{ readonly id: string }>
      expect(all).toHaveLength(52)
      expect(all.slice(0, 3).map((token) => token.id)).toEqual(["tok_self", "tok_1", "tok_2"])
      expect(viaHttp[1]).toEqual({ label: "list: pages", pages: 3 })
      expect(viaHttp.find((outcome) => outcome.label === "list 2, first 3: pages")).toEqual({
        label: "list 2, first 3: pages",
        pages: 2
      })
    }))

  it.effect("create: valid and refused inputs; the new token is listed, readable and revocable", () =>
    Effect.gen(function*() {
      const { fake: inMemory, real: viaHttp } = yield* both(seed, ({ service }) =>
        Effect.gen(function*() {
          const { outcomes, step } = recorder()
          const now = yield* Clock.currentTimeMillis
          const refused: ReadonlyArray<unknown> = [
            { name: "" },
            { name: "   " },
            { name: "x".repeat(257) },
            { name: "a\nb" },
            { name: 5 },
            {},
            undefined,
            { name: "past", expiresAt: now - 1 },
            { name: "now", expiresAt: now },
            { name: "past date", expiresAt: new Date(now - DAY) },
            { name: "bad date", expiresAt: new Date(Number.NaN) },
            { name: "bad number", expiresAt: Number.NaN },
            { name: "bad type", expiresAt: "tomorrow" },
            { name: "blank team", teamId: "" },
            { name: "bad project", projectId: "prj\u0000" },
            { name: "bad project type", projectId: 7 }
          ]
          for (const input of refused) {
            yield* step(`create ${JSON.stringify(input)}`, service.create(input as TokenService.CreateTokenInput))
          }
          const first = yield* step("create deploy", service.create({ name: "deploy" }))
          yield* TestClock.adjust("1 second")
          yield* step("create ci", service.create({ name: "ci", expiresAt: new Date(now + DAY) }))
          yield* TestClock.adjust("1 second")
          yield* step(
            "create team",
            service.create({ name: "team", expiresAt: now + 2 * DAY, teamId: "team_1", projectId: "prj_1" })
          )
          yield* TestClock.adjust("1 second")
          yield* step("create max name", service.create({ name: "n".repeat(256) }))
          yield* step("list", collect(service.list({ pageSize: 3 })))
          if (Exit.isSuccess(first)) {
            const id = first.value.token.id
            yield* step("get created", service.get(id))
            yield* step("delete created", service.delete(id))
            yield* step("get deleted", service.get(id))
            yield* step("delete deleted", service.delete(id))
          }
          yield* step("list after", collect(service.list()))
          return outcomes
        }))
      expect(inMemory).toEqual(viaHttp)
      const created = viaHttp.find((outcome) => outcome.label === "create deploy")
      expect(created).toMatchObject({
        success: {
          token: { id: "<created 1>", name: "deploy", prefix: "vcp_<2 hex>" },
          bearerToken: "<Redacted <redacted>>"
        }
      })
    }))

  it.effect("delete and deleteMany: seeded, repeated, unknown, invalid, missingOk, then `current`", () =>
    Effect.gen(function*() {
      const { fake: inMemory, real: viaHttp } = yield* both(seed, ({ service }) =>
        Effect.gen(function*() {
          const { outcomes, step } = recorder()
          yield* step("delete tok_1", service.delete("tok_1"))
          yield* step("delete tok_1 again", service.delete("tok_1"))
          yield* step("delete tok_1 missingOk", service.delete("tok_1", { missingOk: true }))
          yield* step("delete tok_1 missingOk false", service.delete("tok_1", { missingOk: false }))
          yield* step("delete tok with space", service.delete("tok with space"))
          yield* step("delete tok_expired", service.delete("tok_expired"))
          for (const id of [...unknownIds, ...invalidIds]) {
            yield* step(`delete ${String(id)}`, service.delete(id as string))
            yield* step(`delete ${String(id)} missingOk`, service.delete(id as string, { missingOk: true }))
          }
          yield* step(
            "deleteMany",
            deleteMany(service, ["tok_2", "tok_unknown", "", "..", "tok_1", "tok/slash", 7 as unknown as string])
          )
          yield* step(
            "deleteMany missingOk",
            deleteMany(service, ["tok_2", "tok_unknown", "x".repeat(300)], { missingOk: true })
          )
          yield* step("deleteMany none", deleteMany(service, []))
          yield* step("list", collect(service.list()))
          yield* step("delete current", service.delete("current"))
          // The caller's own token is gone: Vercel refuses every request, before looking at it.
          yield* step("delete current again", service.delete("current"))
          yield* step("delete current missingOk", service.delete("current", { missingOk: true }))
          yield* step("delete tok_leaked", service.delete("tok_leaked", { missingOk: true }))
          yield* step("delete invalid", service.delete(".."))
          yield* step("get current", service.get("current"))
          yield* step("get tok_leaked", service.get("tok_leaked"))
          yield* step("get invalid", service.get(""))
          yield* step("list", collect(service.list()))
          yield* step("list refused", collect(service.list({ pageSize: 0 })))
          yield* step("create", service.create({ name: "new" }))
          yield* step("create refused", service.create({ name: "" }))
          yield* step("deleteMany", deleteMany(service, ["tok_leaked", "", "current"], { missingOk: true }))
          return outcomes
        }))
      expect(inMemory).toEqual(viaHttp)
      expect(viaHttp[0]).toEqual({ label: "delete tok_1", success: { tokenId: "tok_1" } })
      expect(viaHttp.find((outcome) => outcome.label === "delete current")).toEqual({
        label: "delete current",
        success: { tokenId: "tok_self" }
      })
      expect(viaHttp.find((outcome) => outcome.label === "get tok_leaked")).toMatchObject({
        failure: { class: "Forbidden", invalidToken: true, status: 403, code: "forbidden", requestId: "string" }
      })
    }))

  it.effect("the caller's own token by id, and once it expired", () =>
    Effect.gen(function*() {
      const expiring: Seed = { current: { id: "tok_self", expiresAt: T0 + MINUTE }, tokens: ["tok_1"] }
      const { fake: inMemory, real: viaHttp } = yield* both(expiring, ({ service }) =>
        Effect.gen(function*() {
          const { outcomes, step } = recorder()
          yield* step("get current", service.get("current"))
          yield* TestClock.adjust("30 seconds")
          yield* step("list", collect(service.list()))
          yield* step("get self", service.get("tok_self"))
          yield* TestClock.adjust("30 seconds")
          yield* step("get current, expired", service.get("current"))
          yield* step("list, expired", collect(service.list()))
          yield* step("delete tok_1, expired", service.delete("tok_1"))
          yield* step("create, expired", service.create({ name: "renewal" }))
          return outcomes
        }))
      expect(inMemory).toEqual(viaHttp)
      expect(viaHttp.at(-1)).toMatchObject({
        failure: { class: "Forbidden", tokenName: "renewal", invalidToken: true }
      })

      const selfById = yield* both(seed, ({ service }) =>
        Effect.gen(function*() {
          const { outcomes, step } = recorder()
          yield* step("delete self by id", service.delete("tok_self"))
          yield* step("get tok_1", service.get("tok_1"))
          yield* step("deleteMany", deleteMany(service, ["tok_1", "tok_2"]))
          return outcomes
        }))
      expect(selfById.fake).toEqual(selfById.real)
    }))

  it.effect("every error is the class the real service uses, with its own message", () =>
    Effect.gen(function*() {
      const { service } = yield* TokenServiceTest.make(seed)
      const errors = yield* Effect.all([
        Effect.flip(service.get("tok_unknown")),
        Effect.flip(service.delete("")),
        Effect.flip(service.create({ name: "" })),
        Effect.flip(collect(service.list({ pageSize: 0 })))
      ])
      expect(errors.map((error) => error.constructor)).toEqual([
        TokenError.TokenNotFound,
        TokenError.InvalidTokenId,
        TokenError.InvalidInput,
        TokenError.InvalidInput
      ])
      for (const error of errors) expect(error).toBeInstanceOf(Error)
    }))
})
