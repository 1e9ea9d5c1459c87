/**
 * `TokenService.create` end to end: the real undici transport against `MockVercelServer` on
 * 127.0.0.1, on the real clock. What the server received and made, the new secret authenticating,
 * an ambiguous create (reset after the server acted) reporting exactly the token it made, a 429
 * retried, a 5xx and a hung request not retried, and a refused connection retried.
 */
import { describe, expect, it } from "@effect/vitest"
import { MockVercelServer } from "@vercel-auth/testing"
import { Effect, Redacted } from "effect"
import { createServer } from "node:net"
import { inspect } from "node:util"
import { create, expectNoSecret, failureOf, get, live, liveAt, pick, TOKEN } from "./tokenGroup.support.js"

const NAME = "deploy-bot"
const HOUR = 3_600_000

/** A port on 127.0.0.1 nobody listens on: connections to it are refused. */
const closedPort = Effect.promise(() =>
  new Promise<number>((resolve) => {
    const server = createServer()
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port
      server.close(() => resolve(port))
    })
  })
)

describe("create (end to end through undici)", () => {
  it.live("creates the token: body and teamId as the server received them, and the new secret authenticates", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { [TOKEN]: [] } })
      const expiresAt = new Date(Date.now() + HOUR)
      const created = yield* create({ name: NAME, expiresAt, projectId: "prj_1", teamId: "team_1" }).pipe(
        Effect.provide(live(server))
      )
      const request = server.requests.find((r) => r.route === "create")!
      expect(request.path).toBe("/v3/user/tokens?teamId=team_1")
      expect(request.status).toBe(200)
      expect(created.token.id).toBe(request.created)
      const record = server.token(request.created!)!
      expect(pick(record, "name", "expiresAt")).toEqual({ name: NAME, expiresAt: expiresAt.getTime() })
      expect(record.scopes.some((scope) => scope.type === "team" && scope.teamId === "team_1")).toBe(true)
      expect(created.token.expiresAt).toEqual(expiresAt)
      expect(created.token.createdAt).toEqual(new Date(record.createdAt))
      expect(Redacted.isRedacted(created.bearerToken)).toBe(true)
      expect(inspect(created, { depth: 10 })).not.toMatch(/vcp_[0-9a-f]{20}/)
      // eslint-disable-next-line no-restricted-syntax -- the test proves the secret is the real one
      const secret = Redacted.value(created.bearerToken)
      expect(JSON.stringify(created)).not.toContain(secret)
      const self = yield* get("current").pipe(Effect.provide(live(server, {}, secret)))
      expect(self.id).toBe(created.token.id)
    }).pipe(Effect.scoped))

  it.live("an ambiguous create (reset after the server acted): ambiguous, possibleOrphans = exactly the id created", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({
        tokens: { [TOKEN]: [{ id: "tok_same_name_old", name: NAME }, { id: "tok_unrelated" }] }
      })
      server.script.push({ kind: "reset", when: "after-action", route: "create" })
      const error = failureOf(yield* Effect.exit(create({ name: NAME }).pipe(Effect.provide(live(server)))))
      const creates = server.requests.filter((r) => r.route === "create")
      expect(creates).toHaveLength(1)
      const createdId = creates[0]!.created
      expect(createdId).toMatch(/^tok_/)
      expect(server.isLive(createdId!)).toBe(true)
      expect(pick(error, "_tag", "ambiguous", "attempts", "operation", "tokenName", "possibleOrphans")).toEqual({
        _tag: "NetworkError",
        ambiguous: true,
        attempts: 1,
        operation: "create",
        tokenName: NAME,
        possibleOrphans: [createdId]
      })
      expect(server.requests.filter((r) => r.route === "list").length).toBeGreaterThanOrEqual(1)
      expectNoSecret(error)
    }).pipe(Effect.scoped))

  it.live("a 429 is retried and creates exactly one token", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { [TOKEN]: [] } })
      server.script.push({ kind: "status", status: 429, retryAfter: 1, route: "create" })
      const created = yield* create({ name: NAME }).pipe(Effect.provide(live(server)))
      const creates = server.requests.filter((r) => r.route === "create")
      expect(creates.map((r) => r.status)).toEqual([429, 200])
      expect(creates[1]!.at - creates[0]!.at).toBeGreaterThanOrEqual(1000)
      expect(created.token.id).toBe(creates[1]!.created)
      expect(server.tokensOf(TOKEN).filter((t) => t.name === NAME)).toHaveLength(1)
    }).pipe(Effect.scoped), 15_000)

  it.live("a 500 is not retried: ServerError, possibleOrphans empty", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { [TOKEN]: [] } })
      server.script.push({ kind: "status", status: 500, route: "create" })
      const error = failureOf(yield* Effect.exit(create({ name: NAME }).pipe(Effect.provide(live(server)))))
      expect(pick(error, "_tag", "status", "attempts", "possibleOrphans")).toEqual({
        _tag: "ServerError",
        status: 500,
        attempts: 1,
        possibleOrphans: []
      })
      expect(server.requests.filter((r) => r.route === "create")).toHaveLength(1)
      expectNoSecret(error)
    }).pipe(Effect.scoped))

  it.live("a hung create times out once, is not sent again, and the server sees the connection close", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make({ tokens: { [TOKEN]: [] } })
      server.script.push({ kind: "hang", route: "create" })
      const error = failureOf(
        yield* Effect.exit(create({ name: NAME }).pipe(Effect.provide(live(server, { attemptTimeout: 300 }))))
      )
      expect(pick(error, "_tag", "phase", "ambiguous", "attempts", "possibleOrphans")).toEqual({
        _tag: "Timeout",
        phase: "attempt",
        ambiguous: true,
        attempts: 1,
        possibleOrphans: []
      })
      yield* Effect.sleep(50)
      const creates = server.requests.filter((r) => r.route === "create")
      expect(creates.map((r) => r.aborted)).toEqual([true])
      expectNoSecret(error)
    }).pipe(Effect.scoped))

  it.live("a refused connection is retried, and reported as not ambiguous", () =>
    Effect.gen(function*() {
      const port = yield* closedPort
      const error = failureOf(
        yield* Effect.exit(create({ name: NAME }).pipe(Effect.provide(liveAt(`http://127.0.0.1:${port}`))))
      )
      expect(pick(error, "_tag", "ambiguous", "attempts", "possibleOrphans")).toEqual({
        _tag: "NetworkError",
        ambiguous: false,
        attempts: 3,
        possibleOrphans: undefined
      })
      expectNoSecret(error)
    }))
})
