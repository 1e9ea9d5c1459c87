/**
 * What a Redis outage does to revocations: nothing but a warning. Through `VercelAuth.layer` over
 * undici against `MockVercelServer`, with a real `redis-server` that the tests kill, freeze, restart,
 * or never start: every call succeeds on the process's fallback gate, each waits at most about the
 * command timeout for Redis, the outage is logged once, and sharing resumes when Redis answers again.
 * And a process killed with permits out holds them no longer than their lease.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "@effect/vitest"
import { TokenService, VercelAuth } from "@vercel-auth/core"
import { RedisGate } from "@vercel-auth/redis"
import { MockVercelServer } from "@vercel-auth/testing"
import { Effect, Exit, Layer, Logger, LogLevel, Scope } from "effect"
import { Redis } from "ioredis"
import * as Net from "node:net"
import { performance } from "node:perf_hooks"
import { type Bundle, bundleChild, startChild } from "./fleet.js"
import { describeRedis, freePort, startRedis } from "./redisServer.js"

const bearer = "vcp_FAULTS_secret_0123456789abcdef"
const commandTimeoutMs = 250
// What a call may take beyond the command timeout on this shared 2-core machine: the loopback
// request itself, the fallback's bookkeeping, a scheduler hiccup.
const slackMs = 400

interface Logged {
  readonly level: string
  readonly message: string
}

const collect = (logs: Array<Logged>) =>
  Logger.replace(
    Logger.defaultLogger,
    Logger.make(({ logLevel, message }) => {
      if (LogLevel.greaterThanEqual(logLevel, LogLevel.Info)) {
        logs.push({ level: logLevel.label, message: Array.isArray(message) ? message.join(" ") : String(message) })
      }
    })
  )

const warnings = (logs: ReadonlyArray<Logged>) => logs.filter((log) => log.level === "WARN")

const clientLayer = (baseUrl: string, redis: string, prefix: string) =>
  VercelAuth.layer({
    token: bearer,
    baseUrl,
    resilience: { baseDelay: 10, maxDelay: 50 },
    gate: RedisGate.make({ redis, prefix, commandTimeout: commandTimeoutMs })
  }).pipe(Layer.provide(NodeHttpClient.layerUndici))

/** Revokes `ids` one after the other, returning how long each call took. */
const revokeTimed = (ids: ReadonlyArray<string>) =>
  Effect.flatMap(TokenService.TokenService, (tokens) =>
    Effect.forEach(ids, (id) =>
      Effect.suspend(() => {
        const start = performance.now()
        return Effect.map(tokens.delete(id), () => performance.now() - start)
      })))

const eventually = (condition: () => boolean, what: string, timeoutMs = 5_000) =>
  Effect.gen(function*() {
    const start = performance.now()
    while (!condition()) {
      if (performance.now() - start > timeoutMs) return yield* Effect.die(`timed out waiting for ${what}`)
      yield* Effect.sleep("20 millis")
    }
  })

const ids = (label: string, n: number) => Array.from({ length: n }, (_, i) => `tok_${label}_${i}`)

let prefixes = 0
const freshPrefix = () => `faults-${process.pid}-${++prefixes}:`

describeRedis("RedisGate when Redis fails", () => {
  let admins: Array<Redis> = []
  const unhandled: Array<unknown> = []
  const onUnhandled = (reason: unknown) => {
    unhandled.push(reason)
  }
  beforeAll(() => {
    process.on("unhandledRejection", onUnhandled)
    process.on("uncaughtException", onUnhandled)
  })
  afterAll(() => {
    process.off("unhandledRejection", onUnhandled)
    process.off("uncaughtException", onUnhandled)
    // Neither a dropped connection nor a refused reconnect may surface as an unhandled error.
    expect(unhandled).toEqual([])
  })
  beforeEach(() => {
    admins = []
  })
  afterEach(async () => {
    for (const client of admins) client.disconnect()
  })
  const adminOf = (url: string) => {
    const admin = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: true })
    admin.on("error", () => {})
    admins.push(admin)
    return admin
  }

  it.scopedLive(
    "with Redis up, a call does not wait out the command timeout (permits are taken uninterruptibly)",
    () =>
      Effect.gen(function*() {
        const redis = yield* Effect.acquireRelease(Effect.promise(() => startRedis()), (r) => Effect.promise(r.stop))
        const server = yield* Effect.acquireRelease(
          Effect.promise(() => MockVercelServer.start({ tokens: { [bearer]: ids("up", 6) } })),
          (s) => Effect.promise(s.close)
        )
        const layer = VercelAuth.layer({
          token: bearer,
          baseUrl: server.url,
          gate: RedisGate.make({ redis: redis.url, prefix: freshPrefix(), commandTimeout: "3 seconds" })
        }).pipe(Layer.provide(NodeHttpClient.layerUndici))
        const took = yield* Effect.provide(revokeTimed(ids("up", 6)), layer)
        // Each call takes and gives a permit in Redis: milliseconds, nowhere near 3 s.
        expect(Math.max(...took.slice(1))).toBeLessThan(1_000)
      }),
    30_000
  )

  it.scopedLive(
    "Redis killed mid-run: calls go on, each bounded, one warning; restarted: the gate is shared again",
    () =>
      Effect.gen(function*() {
        const redis = yield* Effect.acquireRelease(Effect.promise(() => startRedis()), (r) => Effect.promise(r.stop))
        const server = yield* Effect.acquireRelease(
          Effect.promise(() => MockVercelServer.start({ tokens: { [bearer]: ids("kill", 30) } })),
          (s) => Effect.promise(s.close)
        )
        const prefix = freshPrefix()
        const keys = () => adminOf(redis.url).keys(`${prefix}*`)
        const logs: Array<Logged> = []
        yield* Effect.gen(function*() {
          const context = yield* Layer.build(clientLayer(server.url, redis.url, prefix))
          const run = (list: ReadonlyArray<string>) => Effect.provide(revokeTimed(list), context)
          const all = ids("kill", 30)

          yield* run(all.slice(0, 5))
          expect((yield* Effect.promise(keys)).length).toBeGreaterThan(0)
          expect(warnings(logs)).toEqual([])

          yield* Effect.promise(redis.kill)
          const during = yield* run(all.slice(5, 20))
          expect(Math.max(...during)).toBeLessThan(commandTimeoutMs + slackMs)
          expect(warnings(logs)).toHaveLength(1)
          expect(warnings(logs)[0]!.message).toMatch(/^Redis did not answer the shared rate-limit gate/)
          process.stdout.write(`Redis killed: ${during.length} calls, slowest ${Math.max(...during).toFixed(0)} ms\n`)

          yield* Effect.promise(redis.restart)
          yield* eventually(() => logs.some((log) => /answers the rate-limit gate again/.test(log.message)), "recovery")
          expect((yield* Effect.promise(keys)).length).toBe(0)
          yield* run(all.slice(20, 30))
          // The state lives in the new Redis again (learned afresh from the server's headers).
          expect((yield* Effect.promise(keys)).length).toBeGreaterThan(0)
          expect(warnings(logs)).toHaveLength(1)
          expect(server.deleted()).toHaveLength(30)
          // No log line carries the token.
          expect(JSON.stringify(logs)).not.toContain(bearer)
        }).pipe(Effect.scoped, Effect.provide(collect(logs)))
      }),
    30_000
  )

  it.scopedLive(
    "Redis frozen (no answer at all): the call that meets it waits about the command timeout, the next ones not at all",
    () =>
      Effect.gen(function*() {
        const redis = yield* Effect.acquireRelease(Effect.promise(() => startRedis()), (r) => Effect.promise(r.stop))
        const server = yield* Effect.acquireRelease(
          Effect.promise(() => MockVercelServer.start({ tokens: { [bearer]: ids("freeze", 20) } })),
          (s) => Effect.promise(s.close)
        )
        const logs: Array<Logged> = []
        yield* Effect.gen(function*() {
          const context = yield* Layer.build(clientLayer(server.url, redis.url, freshPrefix()))
          const run = (list: ReadonlyArray<string>) => Effect.provide(revokeTimed(list), context)
          const all = ids("freeze", 20)
          yield* run(all.slice(0, 3))

          redis.pause()
          const during = yield* run(all.slice(3, 13)).pipe(Effect.ensuring(Effect.sync(() => redis.resume())))
          expect(during[0]!).toBeGreaterThanOrEqual(commandTimeoutMs - 20)
          expect(during[0]!).toBeLessThan(commandTimeoutMs + slackMs)
          expect(Math.max(...during.slice(1))).toBeLessThan(slackMs)
          expect(warnings(logs)).toHaveLength(1)
          expect(warnings(logs)[0]!.message).toContain(`no answer within ${commandTimeoutMs} ms`)
          process.stdout.write(
            `Redis frozen: first call ${during[0]!.toFixed(0)} ms, the next ${during.length - 1} at most ` +
              `${Math.max(...during.slice(1)).toFixed(0)} ms\n`
          )

          yield* eventually(() => logs.some((log) => /answers the rate-limit gate again/.test(log.message)), "recovery")
          yield* run(all.slice(13))
          expect(warnings(logs)).toHaveLength(1)
          expect(server.deleted()).toHaveLength(20)
        }).pipe(Effect.scoped, Effect.provide(collect(logs)))
      }),
    30_000
  )

  it.scopedLive(
    "Redis still dead when the client is closed: closing neither hangs nor complains",
    () =>
      Effect.gen(function*() {
        const redis = yield* Effect.acquireRelease(Effect.promise(() => startRedis()), (r) => Effect.promise(r.stop))
        const server = yield* Effect.acquireRelease(
          Effect.promise(() => MockVercelServer.start({ tokens: { [bearer]: ids("close", 4) } })),
          (s) => Effect.promise(s.close)
        )
        const logs: Array<Logged> = []
        const closedIn = yield* Effect.gen(function*() {
          const scope = yield* Scope.make()
          const context = yield* Layer.buildWithScope(clientLayer(server.url, redis.url, freshPrefix()), scope)
          yield* Effect.provide(revokeTimed(ids("close", 4).slice(0, 2)), context)
          yield* Effect.promise(redis.kill)
          // On its fallback now, with its check for Redis running in the background.
          yield* Effect.provide(revokeTimed(ids("close", 4).slice(2)), context)
          const start = performance.now()
          yield* Scope.close(scope, Exit.void)
          return performance.now() - start
        }).pipe(Effect.provide(collect(logs)))
        expect(closedIn).toBeLessThan(commandTimeoutMs + slackMs)
        expect(warnings(logs)).toHaveLength(1)
        expect(server.deleted()).toHaveLength(4)
      }),
    30_000
  )

  it.scopedLive(
    "Redis not there when the client starts: it starts on its fallback within about a second, and shares once Redis is up",
    () =>
      Effect.gen(function*() {
        const port = yield* Effect.promise(freePort)
        const server = yield* Effect.acquireRelease(
          Effect.promise(() => MockVercelServer.start({ tokens: { [bearer]: ids("late", 10) } })),
          (s) => Effect.promise(s.close)
        )
        const prefix = freshPrefix()
        const logs: Array<Logged> = []
        yield* Effect.gen(function*() {
          const start = performance.now()
          const context = yield* Layer.build(clientLayer(server.url, `redis://127.0.0.1:${port}`, prefix))
          const builtMs = performance.now() - start
          expect(builtMs).toBeLessThan(1_000 + slackMs)
          expect(warnings(logs)).toHaveLength(1)
          const during = yield* Effect.provide(revokeTimed(ids("late", 10).slice(0, 5)), context)
          expect(Math.max(...during)).toBeLessThan(slackMs)
          process.stdout.write(
            `Redis absent at start: layer built in ${builtMs.toFixed(0)} ms, calls at most ${
              Math.max(...during).toFixed(0)
            } ms\n`
          )

          const redis = yield* Effect.acquireRelease(Effect.promise(() => startRedis(port)), (r) =>
            Effect.promise(r.stop))
          yield* eventually(() =>
            logs.some((log) => /answers the rate-limit gate again/.test(log.message)), "recovery")
          yield* Effect.provide(revokeTimed(ids("late", 10).slice(5)), context)
          expect((yield* Effect.promise(() => adminOf(redis.url).keys(`${prefix}*`))).length).toBeGreaterThan(0)
          expect(warnings(logs)).toHaveLength(1)
        }).pipe(Effect.scoped, Effect.provide(collect(logs)))
      }),
    30_000
  )

  describeRedis("a process killed with permits out", () => {
    let bundle: Bundle
    beforeAll(async () => {
      bundle = await bundleChild()
    }, 30_000)
    afterAll(() => bundle?.dispose())

    it.scopedLive("holds them only until their leases expire (attemptTimeout + 1 s)", () =>
      Effect.gen(function*() {
        const redis = yield* Effect.acquireRelease(Effect.promise(() => startRedis()), (r) => Effect.promise(r.stop))
        // A window far longer than the test: only the leases' expiry can give the capacity back.
        const server = yield* Effect.acquireRelease(
          Effect.promise(() =>
            MockVercelServer.start({
              tokens: { [bearer]: ids("crash", 10) },
              rateLimit: { limit: 4, windowMs: 120_000 }
            })
          ),
          (s) => Effect.promise(s.close)
        )
        // The other process's requests go to a server that never answers, so that they hold their
        // permits without spending the mock server's window.
        const blackHole = yield* Effect.acquireRelease(
          Effect.async<{
            readonly url: string
            readonly connections: () => number
            readonly server: Net.Server
            readonly sockets: Set<Net.Socket>
          }>(
            (resume) => {
              let connections = 0
              const sockets = new Set<Net.Socket>()
              const hole = Net.createServer((socket) => {
                connections++
                sockets.add(socket)
                socket.on("error", () => {})
                socket.on("close", () => sockets.delete(socket))
              })
              hole.listen(0, "127.0.0.1", () => {
                const { port } = hole.address() as Net.AddressInfo
                resume(Effect.succeed({
                  url: `http://127.0.0.1:${port}`,
                  connections: () => connections,
                  server: hole,
                  sockets
                }))
              })
            }
          ),
          ({ server: hole, sockets }) =>
            Effect.async<void>((resume) => {
              hole.close(() => resume(Effect.void))
              for (const socket of sockets) socket.destroy()
            })
        )
        const prefix = freshPrefix()
        const logs: Array<Logged> = []
        yield* Effect.gen(function*() {
          const context = yield* Layer.build(clientLayer(server.url, redis.url, prefix))
          const tokens = yield* Effect.provide(TokenService.TokenService, context)
          // This process learns the window: 4 per 2 minutes, 3 left.
          yield* tokens.delete("tok_crash_0")

          // Another process on the token takes the 3 permits left, and is killed with them out.
          const child = yield* Effect.acquireRelease(
            Effect.sync(() =>
              startChild(bundle, {
                baseUrl: blackHole.url,
                token: bearer,
                ids: ["tok_crash_1", "tok_crash_2", "tok_crash_3"],
                redis: redis.url,
                prefix,
                maxConcurrent: 3,
                // Leases of 3 s + 1 s: time enough to see them hold, on a busy machine too.
                attemptTimeoutMs: 3_000
              })
            ),
            (c) => Effect.sync(() => c.process.kill("SIGKILL"))
          )
          yield* Effect.promise(() => child.next("ready")).pipe(
            Effect.timeoutFail({
              duration: "20 seconds",
              onTimeout: () => new Error("the other process never got ready")
            })
          )
          child.process.send({ type: "start" })
          yield* eventually(() => blackHole.connections() >= 3, "the other process's 3 requests")
          const killedAt = performance.now()
          child.process.kill("SIGKILL")
          yield* Effect.promise(() => child.exited)

          // Its 3 leases spend what remains: this process is refused at once (the reset is 2 minutes away).
          const refused = yield* Effect.flip(tokens.delete("tok_crash_4"))
          expect(refused).toMatchObject({ _tag: "RateLimited", attempts: 0 })
          // Once the leases (taken before the kill) have expired, the capacity is back.
          yield* Effect.sleep(Math.max(0, 4_000 + 100 - (performance.now() - killedAt)))
          expect(yield* tokens.delete("tok_crash_4")).toMatchObject({ tokenId: "tok_crash_4" })
          expect(server.count(429)).toBe(0)
        }).pipe(Effect.scoped, Effect.provide(collect(logs)))
        expect(warnings(logs)).toEqual([])
      }), 60_000)
  })
})
