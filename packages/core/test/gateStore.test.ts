/**
 * The rate-limit gate below the engine: the in-memory store behind the public `GateStore` seam, and
 * the engine's side of it (`src/internal/gate/gate.ts`: refusing, sleeping out a hold, waiting for a
 * change). Instants are epoch milliseconds on the TestClock.
 */
import { describe, expect, it } from "@effect/vitest"
import { GateStore } from "@vercel-auth/core"
import { Effect, Fiber, TestClock } from "effect"
import { makeDeadlines } from "../src/internal/deadlines.js"
import { late, makeGate } from "../src/internal/gate/gate.js"
import { advance, countingClock, failureOf, T0, yieldAll } from "./support.js"

const options: GateStore.TakeOptions = { earlyProbe: true, leaseMs: 11_000 }
const noEarlyProbe: GateStore.TakeOptions = { earlyProbe: false, leaseMs: 11_000 }

/** A window of `limit` with `remaining` left, resetting at T0 + `resetIn` (rounded: maybe a second before). */
const window = (remaining: number, resetIn: number, limit = 5, windowId = 1): GateStore.WindowObservation => ({
  limit,
  remaining,
  resetAt: T0 + resetIn,
  earliestResetAt: T0 + resetIn - 999,
  windowId
})
const answered = (observed?: GateStore.WindowObservation): GateStore.Learned => ({ answered: true, window: observed })

const memory = GateStore.memory({ fingerprint: "test" })

/** Takes a permit that must be a `Go`. */
const go = (store: GateStore.GateStore, now: number, bucket = "delete", take = options) =>
  Effect.map(store.take(bucket, now, take), (result) => {
    if (result._tag !== "Go") throw new Error(`expected Go at T0 + ${now - T0}, got ${JSON.stringify(result)}`)
    return result.permit
  })

/** A store past the lone first request of each bucket: it has had one answer, without a window. */
const warm = (...buckets: ReadonlyArray<string>) =>
  Effect.tap(
    memory,
    (store) =>
      Effect.forEach(buckets.length === 0 ? ["delete"] : buckets, (bucket) =>
        Effect.flatMap(go(store, T0, bucket), (permit) => store.give(permit, answered(), T0)))
  )

const tagOf = (store: GateStore.GateStore, now: number, bucket = "delete", take = options) =>
  Effect.map(store.take(bucket, now, take), (result) => result._tag)

describe("the memory store", () => {
  it.scoped("before any answer, sends one request alone; once answered without a window, lets everyone go", () =>
    Effect.gen(function*() {
      const store = yield* memory
      expect(yield* store.hold("delete", T0, options)).toBeUndefined()
      // A burst into a window nobody knows would draw a 429 for every request beyond its limit.
      const first = yield* go(store, T0)
      expect(first).toEqual({ bucket: "delete", probe: true })
      expect(yield* tagOf(store, T0)).toBe("Pending")
      yield* store.give(first, answered(), T0 + 5)
      for (let i = 0; i < 20; i++) expect(yield* go(store, T0 + 5)).toEqual({ bucket: "delete", probe: false })
    }))

  it.scoped("a first request slow to answer holds the others one second at most, then they go", () =>
    Effect.gen(function*() {
      const store = yield* memory
      const first = yield* go(store, T0)
      expect(yield* store.take("delete", T0 + 999, options)).toMatchObject({ _tag: "Pending", until: T0 + 1000 })
      expect(yield* go(store, T0 + 1000)).toEqual({ bucket: "delete", probe: false })
      yield* store.give(first, answered(), T0 + 1500)
      expect(yield* go(store, T0 + 1500)).toEqual({ bucket: "delete", probe: false })
    }))

  it.scoped("a first request that ends without an answer hands the lone first request on", () =>
    Effect.gen(function*() {
      const store = yield* memory
      yield* store.give(yield* go(store, T0), { answered: false }, T0 + 5)
      expect(yield* go(store, T0 + 5)).toEqual({ bucket: "delete", probe: true })
      expect(yield* tagOf(store, T0 + 5)).toBe("Pending")
    }))

  it.scoped("counts requests in flight against what remains, then holds until the reset", () =>
    Effect.gen(function*() {
      const store = yield* memory
      yield* store.give(yield* go(store, T0), answered(window(2, 10_000)), T0)
      const a = yield* go(store, T0 + 1)
      const b = yield* go(store, T0 + 1)
      expect(a).toEqual({ bucket: "delete", probe: false })
      expect(yield* store.take("delete", T0 + 1, noEarlyProbe)).toEqual({
        _tag: "Hold",
        until: T0 + 10_000,
        limit: 5,
        remaining: 2
      })
      // Their answers say the window is spent: still held, by the answers rather than the count.
      yield* store.give(a, answered(window(1, 10_000)), T0 + 50)
      yield* store.give(b, answered(window(0, 10_000)), T0 + 60)
      expect(yield* store.take("delete", T0 + 60, noEarlyProbe)).toEqual({
        _tag: "Hold",
        until: T0 + 10_000,
        limit: 5,
        remaining: 0
      })
      expect(yield* tagOf(store, T0 + 9999, "delete", noEarlyProbe)).toBe("Hold")
      expect(yield* go(store, T0 + 10_000, "delete", noEarlyProbe)).toEqual({ bucket: "delete", probe: false })
    }))

  it.scoped("after a reset, presumes the next window holds `limit`, less those in flight, not an unlimited number", () =>
    Effect.gen(function*() {
      const store = yield* memory
      yield* store.give(yield* go(store, T0), answered(window(0, 1000, 3)), T0)
      const at = T0 + 1000
      const permits = [yield* go(store, at, "delete", noEarlyProbe), yield* go(store, at, "delete", noEarlyProbe)]
      const inFlight = yield* go(store, at, "delete", noEarlyProbe)
      // Three in flight: the presumed window is spent until an answer says when the new one resets.
      const pending = yield* store.take("delete", at, noEarlyProbe)
      expect(pending).toMatchObject({ _tag: "Pending", until: at + 11_000 })
      expect(yield* store.hold("delete", at, noEarlyProbe)).toBeUndefined() // no known hold: nothing to refuse
      // A change of state (an answer) wakes whoever waits.
      const woken: Array<string> = []
      if (pending._tag === "Pending") pending.onChange!(() => woken.push("woken"))
      yield* store.give(inFlight, answered(window(0, 3000, 3, 2)), at + 100)
      expect(woken).toEqual(["woken"])
      // The answer names the new window: spent, until its reset.
      expect(yield* store.take("delete", at + 100, noEarlyProbe)).toEqual({
        _tag: "Hold",
        until: T0 + 3000,
        limit: 3,
        remaining: 0
      })
      for (const permit of permits) yield* store.give(permit, answered(), at + 100)
    }))

  it.scoped("lets one early probe into an exhausted window at its earliest reset; the others wait for its answer", () =>
    Effect.gen(function*() {
      const store = yield* memory
      yield* store.give(yield* go(store, T0), answered(window(0, 10_000)), T0)
      expect(yield* store.take("delete", T0 + 9000, options)).toEqual({
        _tag: "Hold",
        until: T0 + 9001,
        limit: 5,
        remaining: 0
      })
      const probe = yield* go(store, T0 + 9001)
      expect(probe).toEqual({ bucket: "delete", probe: true, early: true })
      const pending = yield* store.take("delete", T0 + 9001, options)
      expect(pending._tag).toBe("Pending")
      const woken: Array<string> = []
      if (pending._tag === "Pending") pending.onChange!(() => woken.push("woken"))
      // The probe finds the new window open: everyone goes.
      yield* store.give(probe, answered(window(4, 70_000, 5, 2)), T0 + 9050)
      expect(woken).toEqual(["woken"])
      expect(yield* go(store, T0 + 9050)).toEqual({ bucket: "delete", probe: false })
    }))

  it.scoped("probes a window early once only: a probe lost without an answer leaves the rest to the reset", () =>
    Effect.gen(function*() {
      const store = yield* memory
      yield* store.give(yield* go(store, T0), answered(window(0, 10_000)), T0)
      const probe = yield* go(store, T0 + 9001)
      expect(probe.early).toBe(true)
      yield* store.give(probe, { answered: false }, T0 + 9100) // reset, timeout, interruption
      expect(yield* store.take("delete", T0 + 9100, options)).toEqual({
        _tag: "Hold",
        until: T0 + 10_000,
        limit: 5,
        remaining: 0
      })
    }))

  it.scoped("after a 429, holds everyone until the hint, then lets one probe go alone until it is answered", () =>
    Effect.gen(function*() {
      const store = yield* warm()
      const first = yield* go(store, T0)
      const inFlight = yield* go(store, T0)
      yield* store.give(first, { answered: false, closedUntil: T0 + 5000 }, T0)
      expect(yield* store.take("delete", T0 + 4999, options)).toEqual({
        _tag: "Hold",
        until: T0 + 5000,
        limit: undefined,
        remaining: 0
      })
      // A later 429 with a shorter hint never shortens the hold.
      yield* store.give(inFlight, { answered: false, closedUntil: T0 + 3000 }, T0 + 10)
      expect(yield* store.take("delete", T0 + 4999, options)).toMatchObject({ _tag: "Hold", until: T0 + 5000 })

      const probe = yield* go(store, T0 + 5000)
      expect(probe).toEqual({ bucket: "delete", probe: true })
      expect(yield* tagOf(store, T0 + 5000)).toBe("Pending")
      // The probe draws another 429: closed again, and the next one through is a probe again.
      yield* store.give(probe, { answered: false, closedUntil: T0 + 7000 }, T0 + 5100)
      expect(yield* tagOf(store, T0 + 6999)).toBe("Hold")
      const second = yield* go(store, T0 + 7000)
      expect(second.probe).toBe(true)
      yield* store.give(second, answered(), T0 + 7100)
      // Answered: open for everyone.
      expect(yield* go(store, T0 + 7100)).toEqual({ bucket: "delete", probe: false })
      expect(yield* go(store, T0 + 7100)).toEqual({ bucket: "delete", probe: false })
    }))

  it.scoped("hands the probe role on when a probe is lost without an answer", () =>
    Effect.gen(function*() {
      const store = yield* memory
      yield* store.give(yield* go(store, T0), { answered: false, closedUntil: T0 + 1000 }, T0)
      const lost = yield* go(store, T0 + 1000)
      yield* store.give(lost, { answered: false }, T0 + 1100)
      expect(yield* go(store, T0 + 1100)).toEqual({ bucket: "delete", probe: true })
    }))

  it.scoped("hold() peeks at what take() would meet, without taking anything", () =>
    Effect.gen(function*() {
      const store = yield* memory
      expect(yield* store.hold("unknown", T0, options)).toBeUndefined()
      yield* store.give(yield* go(store, T0), answered(window(1, 10_000)), T0)
      // One left: a take would go, so there is no hold; and peeking does not spend it.
      for (let i = 0; i < 3; i++) expect(yield* store.hold("delete", T0, options)).toBeUndefined()
      yield* go(store, T0)
      expect(yield* store.hold("delete", T0, options)).toEqual({ until: T0 + 9001, limit: 5, remaining: 1 })
      expect(yield* store.hold("delete", T0, noEarlyProbe)).toEqual({ until: T0 + 10_000, limit: 5, remaining: 1 })
      // At the earliest reset a take would probe: no hold, and the probe is still there to take.
      expect(yield* store.hold("delete", T0 + 9001, options)).toBeUndefined()
      expect(yield* store.hold("delete", T0 + 9001, options)).toBeUndefined()
      expect(yield* go(store, T0 + 9001)).toEqual({ bucket: "delete", probe: true, early: true })
      // Closed after a 429: the hold is the hint.
      yield* store.give(yield* go(store, T0, "get"), { answered: false, closedUntil: T0 + 4000 }, T0)
      expect(yield* store.hold("get", T0, options)).toEqual({ until: T0 + 4000, limit: undefined, remaining: 0 })
    }))

  it.scoped("a request whose answer was lost counts against the window: the server may have counted it", () =>
    Effect.gen(function*() {
      const store = yield* warm()
      yield* store.give(yield* go(store, T0), answered(window(2, 10_000)), T0)
      yield* store.give(yield* go(store, T0 + 1), { answered: false, lost: true }, T0 + 2)
      yield* store.give(yield* go(store, T0 + 3), { answered: false }, T0 + 4)
      // One left: a request that never reached the server (refused) took nothing from the window.
      const last = yield* go(store, T0 + 5, "delete", noEarlyProbe)
      expect(yield* tagOf(store, T0 + 5, "delete", noEarlyProbe)).toBe("Hold")
      yield* store.give(last, answered(window(0, 10_000)), T0 + 6)
    }))

  it.scoped("keeps the buckets apart: Vercel limits each endpoint on its own", () =>
    Effect.gen(function*() {
      const store = yield* warm("delete", "get")
      yield* store.give(yield* go(store, T0, "delete"), { answered: false, closedUntil: T0 + 5000 }, T0)
      expect(yield* tagOf(store, T0, "delete")).toBe("Hold")
      expect(yield* go(store, T0, "get")).toEqual({ bucket: "get", probe: false })
    }))

  describe("window bookkeeping", () => {
    it.scoped("within one window keeps the tightest of what each answer said", () =>
      Effect.gen(function*() {
        const store = yield* warm()
        const first = yield* go(store, T0)
        const second = yield* go(store, T0)
        // The same window seen twice; the second answer came with a sharper clock: an earlier reset.
        yield* store.give(
          first,
          answered({ limit: 2, remaining: 1, resetAt: T0 + 5900, earliestResetAt: T0 + 4900, windowId: 7 }),
          T0
        )
        yield* store.give(
          second,
          answered({ limit: 2, remaining: 0, resetAt: T0 + 5000, earliestResetAt: T0 + 4500, windowId: 7 }),
          T0
        )
        expect(yield* store.hold("delete", T0, noEarlyProbe)).toEqual({ until: T0 + 5000, limit: 2, remaining: 0 })
        expect(yield* store.hold("delete", T0, options)).toEqual({ until: T0 + 4900, limit: 2, remaining: 0 })
      }))

    it.scoped("takes a newer window over an older one, whatever their order of arrival", () =>
      Effect.gen(function*() {
        const store = yield* warm()
        const a = yield* go(store, T0)
        const b = yield* go(store, T0)
        yield* store.give(
          a,
          answered({ limit: 2, remaining: 0, resetAt: T0 + 2000, earliestResetAt: T0 + 2000, windowId: 2 }),
          T0
        )
        yield* store.give(
          b,
          answered({ limit: 2, remaining: 2, resetAt: T0 + 1000, earliestResetAt: T0 + 1000, windowId: 1 }),
          T0
        )
        expect(yield* store.hold("delete", T0, options)).toEqual({ until: T0 + 2000, limit: 2, remaining: 0 })
      }))

    it.scoped("a late answer from the window that already reset says nothing about the presumed new one", () =>
      Effect.gen(function*() {
        const store = yield* warm()
        const slow = yield* go(store, T0)
        yield* store.give(yield* go(store, T0), answered(window(0, 1000, 2)), T0)
        const fresh = yield* go(store, T0 + 1000, "delete", noEarlyProbe) // the presumed window: 2 less in flight
        // The slow answer of the old window arrives now: it must not close the presumed window again.
        yield* store.give(slow, answered(window(0, 1000, 2)), T0 + 1001)
        expect(yield* go(store, T0 + 1001, "delete", noEarlyProbe)).toEqual({ bucket: "delete", probe: false })
        expect(yield* tagOf(store, T0 + 1001, "delete", noEarlyProbe)).toBe("Pending")
        yield* store.give(fresh, answered(), T0 + 1002)
      }))
  })
})

describe("the gate (the engine's side)", () => {
  const setup = Effect.gen(function*() {
    yield* TestClock.setTime(T0)
    const { clock, timers } = yield* countingClock
    const deadlines = yield* Effect.withClock(makeDeadlines, clock)
    const store = yield* memory
    // The engine reads the caller's clock synchronously.
    const now = () => clock.unsafeCurrentTimeMillis()
    return { gate: makeGate(store, deadlines, options), store, timers, now }
  })

  it.scoped("precheck refuses a known hold beyond latestStart, and passes one within it", () =>
    Effect.gen(function*() {
      const { gate, store } = yield* setup
      yield* gate.precheck("delete", T0, T0 + 1) // nothing known
      yield* store.give(yield* go(store, T0), answered(window(0, 45_000)), T0)
      expect(failureOf(yield* Effect.exit(gate.precheck("delete", T0, T0 + 30_000)))).toEqual({
        _tag: "Refused",
        until: T0 + 44_001,
        limit: 5,
        remaining: 0
      })
      yield* gate.precheck("delete", T0, T0 + 44_001)
      // A peek: the early probe is still there to take.
      expect(yield* go(store, T0 + 44_001)).toMatchObject({ probe: true, early: true })
    }))

  it.scoped("acquire sleeps out a hold within latestStart, to the millisecond, and refuses a longer one at once", () =>
    Effect.gen(function*() {
      const { gate, now, store } = yield* setup
      yield* store.give(yield* go(store, T0), answered(window(0, 10_000)), T0)
      const refused = yield* Effect.exit(gate.acquire("delete", T0 + 9000, T0 + 30_000, now))
      expect(failureOf(refused)).toMatchObject({ _tag: "Refused", until: T0 + 9001 })
      const waiting = yield* Effect.fork(gate.acquire("delete", T0 + 9001, T0 + 30_000, now))
      yield* advance(9000)
      expect(waiting.unsafePoll()).toBeNull()
      yield* advance(1)
      expect(yield* Fiber.join(waiting)).toEqual({ bucket: "delete", probe: true, early: true })
    }))

  it.scoped("acquire waits on a pending state until it changes, not a moment longer, and holds no timer after", () =>
    Effect.gen(function*() {
      const { gate, now, store, timers } = yield* setup
      yield* store.give(yield* go(store, T0), { answered: false, closedUntil: T0 }, T0)
      const probe = yield* gate.acquire("delete", T0 + 60_000, T0 + 30_000, now)
      expect(probe.probe).toBe(true)
      const waiting = yield* Effect.fork(gate.acquire("delete", T0 + 60_000, T0 + 30_000, now))
      yield* advance(250)
      expect(waiting.unsafePoll()).toBeNull()
      expect(timers()).toBe(1) // the wait is bounded: one deadline timer
      yield* gate.release(probe, answered(), now())
      yield* yieldAll
      expect(yield* Fiber.join(waiting)).toEqual({ bucket: "delete", probe: false })
      expect(timers()).toBe(0)
    }))

  it.scoped("acquire fails Late at the call's deadline when the pending state never changes", () =>
    Effect.gen(function*() {
      const { gate, now, store, timers } = yield* setup
      yield* store.give(yield* go(store, T0), { answered: false, closedUntil: T0 }, T0)
      yield* gate.acquire("delete", T0 + 60_000, T0 + 30_000, now) // the probe, never answered
      const waiting = yield* Effect.fork(gate.acquire("delete", T0 + 60_000, T0 + 2000, now))
      yield* advance(1999)
      expect(waiting.unsafePoll()).toBeNull()
      yield* advance(1)
      expect(failureOf(waiting.unsafePoll()!)).toBe(late)
      expect(timers()).toBe(0)
    }))
})
