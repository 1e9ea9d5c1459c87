/**
 * The one deadline timer of a client (`src/internal/deadlines.ts`), on the TestClock: entries fire in
 * order at their exact instants, cancelled ones never do, and the loop holds no timer while nothing
 * waits (an idle client must keep no process alive).
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Exit, Scope, TestClock } from "effect"
import { makeDeadlines } from "../src/internal/deadlines.js"
import { advance, countingClock, T0, yieldAll } from "./support.js"

/** A deadline timer on a counting TestClock, in a scope the test closes; `fired` records name and instant. */
const setup = Effect.gen(function*() {
  yield* TestClock.setTime(T0)
  const { clock, timers } = yield* countingClock
  const scope = yield* Scope.make()
  const deadlines = yield* makeDeadlines.pipe(Scope.extend(scope), Effect.withClock(clock))
  yield* yieldAll
  const fired: Array<readonly [string, number]> = []
  const now = () => clock.unsafeCurrentTimeMillis() - T0
  const add = (name: string, at: number) => deadlines.add(T0 + at, () => fired.push([name, now()]))
  return { deadlines, add, fired, now, timers, scope }
})

const pendingSleeps = Effect.map(TestClock.sleeps(), (sleeps) => Chunk.toReadonlyArray(sleeps).map((at) => at - T0))

describe("the deadline timer", () => {
  it.effect("fires every entry at its exact instant, in order, first added first among equal instants", () =>
    Effect.gen(function*() {
      const { add, fired } = yield* setup
      add("c", 300)
      add("a", 100)
      add("b", 200)
      add("b2", 200)
      add("a2", 100)
      yield* advance(99)
      expect(fired).toEqual([])
      yield* advance(1)
      expect(fired).toEqual([["a", 100], ["a2", 100]])
      yield* advance(99)
      expect(fired).toHaveLength(2)
      yield* advance(1)
      expect(fired.slice(2)).toEqual([["b", 200], ["b2", 200]])
      yield* advance(100)
      expect(fired.slice(4)).toEqual([["c", 300]])
    }))

  it.effect("an entry added earlier than the one armed wakes the loop for it", () =>
    Effect.gen(function*() {
      const { add, fired, timers } = yield* setup
      add("late", 1000)
      yield* yieldAll
      expect(yield* pendingSleeps).toEqual([1000])
      add("early", 100)
      yield* yieldAll
      expect(timers()).toBe(1) // the 1000 ms sleep was dropped for the 100 ms one
      yield* advance(100)
      expect(fired).toEqual([["early", 100]])
      yield* advance(900)
      expect(fired).toEqual([["early", 100], ["late", 1000]])
    }))

  it.effect("an entry due already fires without the clock moving", () =>
    Effect.gen(function*() {
      const { add, fired } = yield* setup
      add("past", -5)
      add("now", 0)
      yield* yieldAll
      expect(fired).toEqual([["past", 0], ["now", 0]])
    }))

  it.effect("an entry added by a firing one fires at its own instant", () =>
    Effect.gen(function*() {
      const { deadlines, fired, now, timers } = yield* setup
      deadlines.add(T0 + 100, () => {
        fired.push(["first", now()])
        deadlines.add(T0 + 150, () => fired.push(["second", now()]))
      })
      yield* advance(149)
      expect(fired).toEqual([["first", 100]])
      yield* advance(1)
      expect(fired).toEqual([["first", 100], ["second", 150]])
      expect(timers()).toBe(0)
    }))

  it.effect("a cancelled entry never fires, whether it was armed or queued behind", () =>
    Effect.gen(function*() {
      const { add, fired } = yield* setup
      const cancelArmed = add("armed", 100)
      add("kept", 200)
      const cancelQueued = add("queued", 300)
      add("last", 400)
      yield* yieldAll
      cancelArmed()
      cancelQueued()
      cancelQueued() // twice is harmless
      yield* advance(1000)
      expect(fired).toEqual([["kept", 200], ["last", 400]])
    }))

  it.effect("holds no timer while nothing waits: before the first entry, after the last fired or was cancelled", () =>
    Effect.gen(function*() {
      const { add, fired, timers } = yield* setup
      expect(timers()).toBe(0)
      expect(yield* pendingSleeps).toEqual([])

      const cancel = add("a", 1000)
      yield* yieldAll
      expect(timers()).toBe(1)
      expect(yield* pendingSleeps).toEqual([1000])
      cancel()
      yield* yieldAll
      expect(timers()).toBe(0)

      // Two entries; the first fires, the second is cancelled: the timer goes with the last one.
      add("b", 1100)
      const cancelC = add("c", 1200)
      yield* advance(1100)
      expect(fired).toEqual([["b", 1100]])
      expect(timers()).toBe(1)
      cancelC()
      yield* yieldAll
      expect(timers()).toBe(0)

      // The last entry fires: no timer is left, and the TestClock has nothing scheduled past now.
      add("d", 1500)
      yield* advance(400)
      expect(fired).toEqual([["b", 1100], ["d", 1500]])
      expect(timers()).toBe(0)
      expect((yield* pendingSleeps).filter((at) => at > 1500)).toEqual([])
    }))

  it.effect("closing its scope stops the loop and its timer; pending entries never fire", () =>
    Effect.gen(function*() {
      const { add, fired, scope, timers } = yield* setup
      add("never", 100)
      yield* yieldAll
      expect(timers()).toBe(1)
      yield* Scope.close(scope, Exit.void)
      expect(timers()).toBe(0)
      yield* advance(1000)
      expect(fired).toEqual([])
    }))
})
