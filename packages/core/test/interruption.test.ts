import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { advance, harness, vercelError } from "./support.js"

describe("interruption", () => {
  it.effect("aborts the request in flight at once", () =>
    Effect.gen(function*() {
      const h = harness(["hang"])
      const fiber = yield* Effect.fork(h.revoke("tok_1").pipe(Effect.provide(h.layer)))
      yield* advance(100)
      expect(h.sent).toHaveLength(1)
      expect(h.sent[0]!.signal.aborted).toBe(false)
      yield* Fiber.interrupt(fiber)
      expect(h.sent[0]!.signal.aborted).toBe(true)
      yield* advance(60_000)
      expect(h.sent).toHaveLength(1)
    }))

  it.effect("stops a retry wait and sends nothing more", () =>
    Effect.gen(function*() {
      const h = harness([vercelError(503, "unavailable", "later")], { baseDelay: 5000, maxDelay: 5000 })
      const fiber = yield* Effect.fork(h.revoke("tok_1").pipe(Effect.provide(h.layer)))
      yield* advance(1)
      expect(h.sent).toHaveLength(1)
      yield* Fiber.interrupt(fiber)
      yield* advance(60_000)
      expect(h.sent).toHaveLength(1)
    }))

  it.effect("leaves no fiber behind once a call is over", () =>
    Effect.gen(function*() {
      const h = harness([vercelError(503, "unavailable", "later"), "hang"])
      const fiber = yield* Effect.fork(h.revoke("tok_1").pipe(Effect.provide(h.layer)))
      yield* advance(300)
      yield* Fiber.interrupt(fiber)
      const children = yield* fiber.children
      expect(children).toHaveLength(0)
    }))
})
