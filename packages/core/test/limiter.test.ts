/**
 * The concurrency limit of one client (`src/internal/limiter.ts`) on the TestClock: FIFO hand-over,
 * a waiter that leaves at its deadline with `late()`, and slots given back by interruption.
 */
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber, TestClock } from "effect"
import { makeDeadlines } from "../src/internal/deadlines.js"
import { makeLimiter } from "../src/internal/limiter.js"
import { advance, countingClock, failureOf, T0, yieldAll } from "./support.js"

const never = T0 + 3_600_000

/** A limiter of `slots` with its deadline timer, on a counting TestClock, for the enclosing scope. */
const setup = (slots: number) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(T0)
    const { clock, timers } = yield* countingClock
    const deadlines = yield* Effect.withClock(makeDeadlines, clock)
    return { limiter: makeLimiter(slots, deadlines), timers }
  })

interface Late {
  readonly _tag: "Late"
  readonly at: number
}

describe("the concurrency limiter", () => {
  it.scoped("lets `slots` callers in at once and the others in arrival order, each release handing over one slot", () =>
    Effect.gen(function*() {
      const { limiter } = yield* setup(2)
      const entered: Array<number> = []
      const done = yield* Effect.forEach(Array.from({ length: 5 }), () => Deferred.make<void>())
      expect(limiter.full()).toBe(false)
      const fibers = yield* Effect.forEach(
        done,
        (gate, i) =>
          Effect.fork(limiter.withPermit(
            never,
            () => "late",
            Effect.zipRight(Effect.sync(() => entered.push(i)), Deferred.await(gate))
          ))
      )
      yield* yieldAll
      expect(entered).toEqual([0, 1])
      expect(limiter.full()).toBe(true)
      // The second holder leaves first: its slot goes to the longest waiter, not to whoever asks next.
      yield* Deferred.succeed(done[1]!, undefined)
      yield* yieldAll
      expect(entered).toEqual([0, 1, 2])
      const latecomer = yield* Effect.fork(
        limiter.withPermit(never, () => "late", Effect.sync(() => entered.push(99)))
      )
      yield* Deferred.succeed(done[0]!, undefined)
      yield* yieldAll
      expect(entered).toEqual([0, 1, 2, 3])
      for (const gate of done) yield* Deferred.succeed(gate, undefined)
      yield* Fiber.joinAll(fibers)
      yield* Fiber.join(latecomer)
      expect(entered).toEqual([0, 1, 2, 3, 4, 99])
      expect(limiter.full()).toBe(false)
    }))

  it.scoped("a waiter leaves the queue exactly at its deadline with `late()`, taking no slot and no timer with it", () =>
    Effect.gen(function*() {
      const { limiter, timers } = yield* setup(1)
      const release = yield* Deferred.make<void>()
      const holder = yield* Effect.fork(limiter.withPermit(never, () => "late", Deferred.await(release)))
      yield* yieldAll
      const late = (at: number) => () => ({ _tag: "Late", at } as Late)
      const ran: Array<string> = []
      const first = yield* Effect.fork(limiter.withPermit(T0 + 100, late(100), Effect.sync(() => ran.push("first"))))
      const second = yield* Effect.fork(
        limiter.withPermit(T0 + 300, late(300), Effect.as(Effect.sync(() => ran.push("second")), "second ran"))
      )
      yield* yieldAll
      expect(timers()).toBe(1) // one timer for both waiters: the earliest deadline's
      yield* advance(99)
      expect(first.unsafePoll()).toBeNull()
      yield* advance(1)
      expect(failureOf(first.unsafePoll()!)).toEqual({ _tag: "Late", at: 100 })
      // The slot, freed at 200 ms, goes to the waiter still in the queue, before its own deadline.
      yield* advance(100)
      yield* Deferred.succeed(release, undefined)
      yield* Fiber.join(holder)
      expect(yield* Fiber.join(second)).toBe("second ran")
      expect(ran).toEqual(["second"])
      // Its deadline timer went with it: nothing fires at 300 ms, and no timer is left.
      yield* yieldAll
      expect(timers()).toBe(0)
      expect(limiter.full()).toBe(false)
    }))

  it.scoped("a waiter that is interrupted takes no slot; a holder that is interrupted gives its slot back", () =>
    Effect.gen(function*() {
      const { limiter, timers } = yield* setup(1)
      const holder = yield* Effect.fork(limiter.withPermit(never, () => "late", Effect.never))
      yield* yieldAll
      const waiter = yield* Effect.fork(limiter.withPermit(never, () => "late", Effect.sync(() => "waiter ran")))
      const next = yield* Effect.fork(limiter.withPermit(never, () => "late", Effect.sync(() => "next ran")))
      yield* yieldAll
      expect(Exit.isInterrupted(yield* Fiber.interrupt(waiter))).toBe(true)
      expect(limiter.full()).toBe(true)
      expect(Exit.isInterrupted(yield* Fiber.interrupt(holder))).toBe(true)
      // The holder's slot skips the interrupted waiter and goes to the next one.
      expect(yield* Fiber.join(next)).toBe("next ran")
      expect(limiter.full()).toBe(false)
      expect(yield* limiter.withPermit(never, () => "late", Effect.succeed("after"))).toBe("after")
      yield* yieldAll
      expect(timers()).toBe(0)
    }))

  it.scoped("a failing or dying effect gives its slot back too", () =>
    Effect.gen(function*() {
      const { limiter } = yield* setup(1)
      expect(yield* Effect.flip(limiter.withPermit(never, () => "late", Effect.fail("boom")))).toBe("boom")
      expect(limiter.full()).toBe(false)
      const died = yield* Effect.exit(limiter.withPermit(never, () => "late", Effect.die("defect")))
      expect(Exit.isFailure(died) && !Exit.isInterrupted(died)).toBe(true)
      expect(limiter.full()).toBe(false)
    }))
})
