/**
 * The Redis store against a real `redis-server`: the memory store's behaviours (window hold, presumed
 * window after a reset, one early probe per window, closed until the hint then one probe, `hold()`
 * only peeks), plus what only a shared store has: leases that expire, several stores ("processes") on
 * one fingerprint sharing one state, clocks that disagree, keys that expire.
 */
import { afterAll, beforeAll, expect, it } from "@effect/vitest"
import { type GateStore, VercelConfig } from "@vercel-auth/core"
import { RedisGate } from "@vercel-auth/redis"
import { Clock, Effect, Either, Exit, Layer, Logger, LogLevel } from "effect"
import { Redis } from "ioredis"
import { describeRedis, type RedisServer, startRedis } from "./redisServer.js"

let redis: RedisServer
let admin: Redis
let prefixes = 0

const exact = { earlyProbe: false, leaseMs: 5_000 }
const early = { earlyProbe: true, leaseMs: 5_000 }

/** A fresh key space per test, so that tests share nothing but the server. */
const freshPrefix = () => `test-${process.pid}-${++prefixes}:`

const storeOn = (prefix: string, fingerprint = "fp-a") => RedisGate.make({ redis: redis.url, prefix })({ fingerprint })

const window = (now: number, fields: Partial<GateStore.WindowObservation> & { readonly resetInMs: number }) => ({
  limit: fields.limit ?? 10,
  remaining: fields.remaining ?? 0,
  resetAt: now + fields.resetInMs,
  earliestResetAt: fields.earliestResetAt ?? now + fields.resetInMs,
  windowId: fields.windowId ?? 1_700_000_000
})

const go = (take: GateStore.Take): GateStore.Permit => {
  if (take._tag !== "Go") throw new Error(`expected Go, got ${JSON.stringify(take)}`)
  return take.permit
}

/** The first request of a credential goes alone; its answer teaches the store `learned`. */
const seed = (store: GateStore.GateStore, learned: GateStore.Learned) =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const permit = go(yield* store.take("delete", now, exact))
    yield* store.give(permit, learned, yield* Clock.currentTimeMillis)
    return now
  })

const takeNow = (store: GateStore.GateStore, options: GateStore.TakeOptions = exact, skewMs = 0) =>
  Effect.flatMap(Clock.currentTimeMillis, (now) => store.take("delete", now + skewMs, options))

const giveNow = (store: GateStore.GateStore, permit: GateStore.Permit, learned: GateStore.Learned) =>
  Effect.flatMap(Clock.currentTimeMillis, (now) => store.give(permit, learned, now))

/** Sleeps until the local instant `at`. */
const sleepUntil = (at: number) => Effect.flatMap(Clock.currentTimeMillis, (t) => Effect.sleep(Math.max(0, at - t)))

/** `actual` is `expected` give or take what round trips to Redis blur (tens of ms on a busy machine). */
const near = (actual: number, expected: number, slackMs = 100) => {
  expect(actual).toBeGreaterThanOrEqual(expected - slackMs)
  expect(actual).toBeLessThanOrEqual(expected + slackMs)
}

const expectHold = (take: GateStore.Take, until: number) => {
  expect(take._tag).toBe("Hold")
  if (take._tag === "Hold") near(take.until, until)
  return take as Extract<GateStore.Take, { _tag: "Hold" }>
}

const expectPending = (take: GateStore.Take, now: number) => {
  expect(take._tag).toBe("Pending")
  // Nothing wakes a waiter from another process: it is told to ask again soon.
  if (take._tag === "Pending") expect(take.until).toBeLessThanOrEqual(now + 100)
}

describeRedis("RedisGate store", () => {
  beforeAll(async () => {
    redis = await startRedis()
    admin = new Redis(redis.url, { lazyConnect: false, maxRetriesPerRequest: 1 })
  }, 20_000)
  afterAll(async () => {
    await admin?.quit().catch(() => undefined)
    await redis?.stop()
  })

  it.scopedLive("lets the first request of a credential nobody has heard back about go alone", () =>
    Effect.gen(function*() {
      const prefix = freshPrefix()
      const a = yield* storeOn(prefix)
      const b = yield* storeOn(prefix)
      const first = go(yield* takeNow(a))
      expect(first.probe).toBe(true)
      const now = yield* Clock.currentTimeMillis
      expectPending(yield* takeNow(b), now)
      yield* giveNow(a, first, { answered: true })
      // Answered without rate-limit headers: nothing to hold anyone for.
      expect(go(yield* takeNow(b)).probe).toBe(false)
      expect(go(yield* takeNow(a)).probe).toBe(false)
    }))

  it.scopedLive("a first request slow to answer holds the other processes a second at most, then they go", () =>
    Effect.gen(function*() {
      const prefix = freshPrefix()
      const a = yield* storeOn(prefix)
      const b = yield* storeOn(prefix)
      const sentAt = yield* Clock.currentTimeMillis
      const first = go(yield* takeNow(a))
      expect(first.probe).toBe(true)
      expectPending(yield* takeNow(b), yield* Clock.currentTimeMillis)
      yield* sleepUntil(sentAt + 1100)
      expect(go(yield* takeNow(b)).probe).toBe(false)
      yield* giveNow(a, first, { answered: true })
    }))

  it.scopedLive("holds every process once remaining − in flight ≤ 0, until the reset", () =>
    Effect.gen(function*() {
      const prefix = freshPrefix()
      const a = yield* storeOn(prefix)
      const b = yield* storeOn(prefix)
      const now = yield* Clock.currentTimeMillis
      yield* seed(a, { answered: true, window: window(now, { limit: 3, remaining: 2, resetInMs: 10_000 }) })
      go(yield* takeNow(a))
      go(yield* takeNow(b))
      const held = expectHold(yield* takeNow(a), now + 10_000)
      expect(held).toMatchObject({ limit: 3, remaining: 2 })
      const peek = yield* Effect.flatMap(Clock.currentTimeMillis, (t) => b.hold("delete", t, exact))
      near(peek!.until, now + 10_000)
    }))

  it.scopedLive("presumes the next window holds the learned limit after a reset, not an unlimited number", () =>
    Effect.gen(function*() {
      const prefix = freshPrefix()
      const a = yield* storeOn(prefix)
      const b = yield* storeOn(prefix)
      const now = yield* Clock.currentTimeMillis
      yield* seed(a, { answered: true, window: window(now, { limit: 2, remaining: 0, resetInMs: 500 }) })
      expectHold(yield* takeNow(b), now + 500)
      yield* sleepUntil(now + 550)
      const first = go(yield* takeNow(a))
      go(yield* takeNow(b))
      expectPending(yield* takeNow(a), yield* Clock.currentTimeMillis)
      // The presumed window's own answer says when it resets.
      const later = yield* Clock.currentTimeMillis
      yield* giveNow(a, first, {
        answered: true,
        window: window(later, { limit: 2, remaining: 0, resetInMs: 5_000, windowId: 1_700_000_005 })
      })
      expectHold(yield* takeNow(b), later + 5_000)
    }))

  it.scopedLive("probes an exhausted window once, early, and holds the rest until the reset", () =>
    Effect.gen(function*() {
      const prefix = freshPrefix()
      const a = yield* storeOn(prefix)
      const b = yield* storeOn(prefix)
      const now = yield* Clock.currentTimeMillis
      yield* seed(a, {
        answered: true,
        window: window(now, { limit: 5, remaining: 0, resetInMs: 2_000, earliestResetAt: now - 1 })
      })
      expect(yield* Effect.flatMap(Clock.currentTimeMillis, (t) => b.hold("delete", t, early))).toBeUndefined()
      const probe = go(yield* takeNow(a, early))
      expect(probe).toMatchObject({ probe: true, early: true })
      expectPending(yield* takeNow(b, early), yield* Clock.currentTimeMillis)
      // The probe failed without an answer: no second early probe in this window.
      yield* giveNow(a, probe, { answered: false })
      expectHold(yield* takeNow(b, early), now + 2_000)
    }))

  it.scopedLive("after a 429 holds every process until the hint, then lets one probe go before the rest", () =>
    Effect.gen(function*() {
      const prefix = freshPrefix()
      const a = yield* storeOn(prefix)
      const b = yield* storeOn(prefix)
      yield* seed(a, { answered: true })
      const now = yield* Clock.currentTimeMillis
      const first = go(yield* takeNow(a))
      const second = go(yield* takeNow(b))
      yield* giveNow(a, first, { answered: false, closedUntil: now + 600 })
      // closedUntil is only ever extended: a shorter hint from another 429 does not shorten it.
      yield* giveNow(b, second, { answered: false, closedUntil: now + 200 })
      expect(expectHold(yield* takeNow(b), now + 600)).toMatchObject({ remaining: 0 })
      yield* sleepUntil(now + 620)
      const probe = go(yield* takeNow(b))
      expect(probe.probe).toBe(true)
      expectPending(yield* takeNow(a), yield* Clock.currentTimeMillis)
      yield* giveNow(b, probe, { answered: true })
      expect(go(yield* takeNow(a)).probe).toBe(false)
    }))

  it.scopedLive("a probe answered with another 429 closes the gate again", () =>
    Effect.gen(function*() {
      const prefix = freshPrefix()
      const a = yield* storeOn(prefix)
      const now = yield* Clock.currentTimeMillis
      yield* seed(a, { answered: false, closedUntil: now + 100 })
      yield* Effect.sleep("120 millis")
      const probe = go(yield* takeNow(a))
      expect(probe.probe).toBe(true)
      const later = yield* Clock.currentTimeMillis
      yield* giveNow(a, probe, { answered: false, closedUntil: later + 400 })
      expectHold(yield* takeNow(a), later + 400)
    }))

  it.scopedLive("hold() only peeks: it takes nothing and changes nothing", () =>
    Effect.gen(function*() {
      const prefix = freshPrefix()
      const a = yield* storeOn(prefix)
      const now = yield* Clock.currentTimeMillis
      yield* seed(a, { answered: true, window: window(now, { limit: 3, remaining: 1, resetInMs: 10_000 }) })
      for (let i = 0; i < 3; i++) {
        expect(yield* Effect.flatMap(Clock.currentTimeMillis, (t) => a.hold("delete", t, exact))).toBeUndefined()
      }
      const keys = yield* Effect.promise(() => admin.keys(`${prefix}*`))
      const leases = keys.find((key) => key.endsWith(":leases"))
      expect(leases === undefined ? 0 : yield* Effect.promise(() => admin.zcard(leases))).toBe(0)
      go(yield* takeNow(a))
      near((yield* Effect.flatMap(Clock.currentTimeMillis, (t) => a.hold("delete", t, exact)))!.until, now + 10_000)
    }))

  it.scopedLive("a permit never given back (a crashed process) frees its place after leaseMs", () =>
    Effect.gen(function*() {
      const prefix = freshPrefix()
      const short = { earlyProbe: false, leaseMs: 1_000 }
      const survivor = yield* storeOn(prefix)
      const now = yield* Clock.currentTimeMillis
      yield* seed(survivor, { answered: true, window: window(now, { limit: 2, remaining: 2, resetInMs: 30_000 }) })
      // The "crashed" process takes both permits, then its scope (and connection) ends without giving.
      yield* Effect.scoped(Effect.gen(function*() {
        const crashed = yield* storeOn(prefix)
        go(yield* takeNow(crashed, short))
        go(yield* takeNow(crashed, short))
      }))
      const gone = yield* Clock.currentTimeMillis
      expectHold(yield* takeNow(survivor, short), now + 30_000)
      yield* sleepUntil(gone + 1_050)
      expect(go(yield* takeNow(survivor, short)).probe).toBe(false)
    }))

  it.scopedLive("a probe never given back hands the probe role on after leaseMs", () =>
    Effect.gen(function*() {
      const prefix = freshPrefix()
      const short = { earlyProbe: false, leaseMs: 1_000 }
      const a = yield* storeOn(prefix)
      const b = yield* storeOn(prefix)
      const now = yield* Clock.currentTimeMillis
      yield* seed(a, { answered: false, closedUntil: now })
      expect(go(yield* takeNow(a, short)).probe).toBe(true)
      const taken = yield* Clock.currentTimeMillis
      expectPending(yield* takeNow(b, short), yield* Clock.currentTimeMillis)
      yield* sleepUntil(taken + 1_050)
      expect(go(yield* takeNow(b, short)).probe).toBe(true)
    }))

  it.scopedLive("shares state between stores on one fingerprint, and none between fingerprints", () =>
    Effect.gen(function*() {
      const prefix = freshPrefix()
      const a = yield* storeOn(prefix, "fp-one")
      const b = yield* storeOn(prefix, "fp-one")
      const other = yield* storeOn(prefix, "fp-two")
      const now = yield* Clock.currentTimeMillis
      yield* seed(a, { answered: false, closedUntil: now + 5_000 })
      expectHold(yield* takeNow(b), now + 5_000)
      // Its own first request, alone, but not held.
      expect(go(yield* takeNow(other)).probe).toBe(true)
      expect(yield* Effect.flatMap(Clock.currentTimeMillis, (t) => other.hold("delete", t, exact))).toBeUndefined()
    }))

  it.scopedLive("agrees on every hold between processes whose clocks are an hour apart (Redis keeps the time)", () =>
    Effect.gen(function*() {
      const prefix = freshPrefix()
      const a = yield* storeOn(prefix)
      const b = yield* storeOn(prefix)
      const hour = 3_600_000
      const now = yield* Clock.currentTimeMillis
      yield* seed(a, { answered: true, window: window(now, { limit: 1, remaining: 0, resetInMs: 2_000 }) })
      expectHold(yield* takeNow(b, exact, hour), now + hour + 2_000)
      expectHold(yield* takeNow(b, exact, -hour), now - hour + 2_000)
    }))

  it.scopedLive("keys name the fingerprint, and expire a minute after the last instant they know", () =>
    Effect.gen(function*() {
      const prefix = freshPrefix()
      const a = yield* storeOn(prefix, "0123abcd")
      const now = yield* Clock.currentTimeMillis
      yield* seed(a, { answered: true, window: window(now, { limit: 3, remaining: 2, resetInMs: 20_000 }) })
      go(yield* takeNow(a))
      const keys = (yield* Effect.promise(() => admin.keys(`${prefix}*`))).sort()
      expect(keys).toEqual([`${prefix}{0123abcd:delete}`, `${prefix}{0123abcd:delete}:leases`])
      for (const key of keys) {
        const ttl = yield* Effect.promise(() => admin.pttl(key))
        expect(ttl).toBeGreaterThan(20_000 + 60_000 - 1_000)
        expect(ttl).toBeLessThanOrEqual(20_000 + 60_000)
      }
    }))

  it.scopedLive("loads its scripts again when Redis has forgotten them (EVALSHA, then EVAL)", () =>
    Effect.gen(function*() {
      const warnings: Array<unknown> = []
      const logger = Logger.make(({ logLevel, message }) => {
        if (LogLevel.greaterThanEqual(logLevel, LogLevel.Warning)) warnings.push(message)
      })
      yield* Effect.gen(function*() {
        const prefix = freshPrefix()
        const a = yield* storeOn(prefix)
        yield* seed(a, { answered: true })
        yield* Effect.promise(() => admin.script("FLUSH"))
        expect(go(yield* takeNow(a)).probe).toBe(false)
        expect(yield* Effect.flatMap(Clock.currentTimeMillis, (t) => a.hold("delete", t, exact))).toBeUndefined()
      }).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
      expect(warnings).toEqual([])
    }))

  it.scopedLive("reports an impossible commandTimeout as a ConfigError from RedisGate.layer, and dies in make", () =>
    Effect.gen(function*() {
      const layer = RedisGate.layer(undefined, { redis: redis.url, commandTimeout: -5 }).pipe(
        Layer.provide(VercelConfig.layer({ token: "vcp_config_test" }))
      )
      const built = yield* Effect.either(Layer.build(layer))
      expect(Either.isLeft(built) && built.left).toMatchObject({ _op: "InvalidData", path: ["commandTimeout"] })
      const exit = yield* Effect.exit(RedisGate.make({ commandTimeout: 0 })({ fingerprint: "x" }))
      expect(Exit.isFailure(exit) && !Exit.isInterrupted(exit)).toBe(true)
    }))
}, { announce: true })
