import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber } from "effect"
import { makeLimiter } from "../src/internal/limiter.js"

describe("the concurrency limiter", () => {
  it.effect("lets `permits` callers in at once and the rest in arrival order", () =>
    Effect.gen(function*() {
      const limiter = makeLimiter(2)
      const order: Array<number> = []
      const gates = yield* Effect.all(Array.from({ length: 5 }, () => Deferred.make<void>()))
      const fibers = yield* Effect.forEach(gates, (gate, i) =>
        Effect.fork(limiter.withPermit(Effect.zipRight(
          Effect.sync(() => order.push(i)),
          Deferred.await(gate)
        ))))
      yield* Effect.yieldNow()
      expect(order).toEqual([0, 1])
      yield* Deferred.succeed(gates[1]!, undefined)
      yield* Effect.repeatN(Effect.yieldNow(), 5)
      expect(order).toEqual([0, 1, 2])
      for (const gate of gates) yield* Deferred.succeed(gate, undefined)
      yield* Fiber.joinAll(fibers)
      expect(order).toEqual([0, 1, 2, 3, 4])
    }))

  it.effect("a waiter that gives up takes no permit, and a holder that is interrupted gives its permit back", () =>
    Effect.gen(function*() {
      const limiter = makeLimiter(1)
      const holder = yield* Effect.fork(limiter.withPermit(Effect.never))
      yield* Effect.yieldNow()
      const waiter = yield* Effect.fork(limiter.withPermit(Effect.void))
      yield* Effect.yieldNow()
      yield* Fiber.interrupt(waiter)
      yield* Fiber.interrupt(holder)
      const ran: Array<string> = []
      yield* limiter.withPermit(Effect.sync(() => ran.push("after")))
      expect(ran).toEqual(["after"])
    }))
})
