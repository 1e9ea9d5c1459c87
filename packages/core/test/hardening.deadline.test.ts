/**
 * Item 2 of the hardening issue: the deadline covers the wait for a concurrency slot (and every other
 * wait). No attempt starts at or past its call's deadline, wherever the call waited, and `attempts`
 * counts only the requests actually sent (0 when none).
 *
 * On the TestClock, sleeps due at the same instant wake in reverse order of registration, and every
 * fiber runs until it suspends before the next one wakes. So a slot freed at a waiter's deadline by
 * something that started after the waiter (an attempt timeout, a gate hold) reaches the waiter before
 * its own deadline does: exactly the race a real clock loses at random.
 */
import { describe, expect, it } from "@effect/vitest"
import { MockHttpClient } from "@vercel-auth/testing"
import { Clock, Effect, Exit, Fiber, TestClock } from "effect"
import { client, failureOf, idOf, pick, T0 } from "./hardening.support.js"

const CALLS = 20
const DEADLINE = 300

/** Advances the TestClock, then lets woken fibers run up to their next wait. */
const advance = (millis: number) => Effect.zipRight(TestClock.adjust(millis), Effect.repeatN(Effect.yieldNow(), 50))

interface Arrival {
  readonly tokenId: string
  readonly at: number
}

const ids = Array.from({ length: CALLS }, (_, i) => `tok_${String(i).padStart(2, "0")}`)

/** Starts every call at the current instant; each records when it settled. */
const startAll = (revoke: (id: string) => Effect.Effect<unknown, unknown, any>) =>
  Effect.forEach(ids, (id) => Effect.fork(Effect.zip(Effect.exit(revoke(id)), Clock.currentTimeMillis)))

const outcomeOf = (exit: Exit.Exit<unknown, unknown>) =>
  Exit.isSuccess(exit) ? { ok: exit.value } : pick(failureOf(exit), "_tag", "attempts", "phase")

const pending = (fibers: ReadonlyArray<Fiber.RuntimeFiber<unknown, unknown>>) =>
  fibers.filter((fiber) => fiber.unsafePoll() === null).length

describe("the deadline covers the wait for a concurrency slot", () => {
  it.effect("20 calls, one slot, a 200 ms server, a 300 ms deadline: 2 requests, all before their deadline", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const arrivals: Array<Arrival> = []
      const h = client(
        (_request, url) =>
          Effect.gen(function*() {
            arrivals.push({ tokenId: idOf(url), at: (yield* Clock.currentTimeMillis) - T0 })
            yield* Effect.sleep(200)
            return MockHttpClient.json(200, { tokenId: idOf(url) })
          }),
        { maxConcurrent: 1, deadline: DEADLINE }
      )
      yield* Effect.gen(function*() {
        const fibers = yield* startAll(h.revoke)
        yield* advance(DEADLINE - 1)
        expect(pending(fibers)).toBe(CALLS - 1) // only the first call has settled, at 200 ms
        yield* advance(1)
        expect(pending(fibers)).toBe(0) // everyone else settles at their deadline
        yield* advance(60_000)
        const results = yield* Effect.forEach(fibers, Fiber.join)

        for (const { at, tokenId } of arrivals) {
          expect(at, `the request for ${tokenId} arrived at +${at} ms`).toBeLessThan(DEADLINE)
        }
        expect(arrivals.map(({ at }) => at)).toEqual([0, 200])
        const [first, second] = arrivals.map(({ tokenId }) => tokenId)
        const outcomes = ids.map((id, i) => ({
          id,
          outcome: outcomeOf(results[i]![0]),
          settledAt: results[i]![1] - T0
        }))
        expect(outcomes).toEqual(ids.map((id) =>
          id === first
            ? { id, outcome: { ok: { tokenId: id } }, settledAt: 200 }
            : id === second
            // Sent at 200 ms, unanswered at its deadline.
            ? { id, outcome: { _tag: "Timeout", attempts: 1, phase: "deadline" }, settledAt: DEADLINE }
            // Never sent.
            : { id, outcome: { _tag: "Timeout", attempts: 0, phase: "deadline" }, settledAt: DEADLINE }
        ))
        expect(h.requests).toHaveLength(2)
      }).pipe(Effect.provide(h.layer))
    }))

  it.effect("a slot freed exactly at the waiters' deadline (an attempt timeout) is not used: no request at 300 ms", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const arrivals: Array<Arrival> = []
      // The first request is answered in 100 ms; the server then hangs, so the second call's attempt
      // times out at 100 + 200 = 300 ms: the deadline of every call, all started at T0.
      const h = client(
        (_request, url) =>
          Effect.gen(function*() {
            arrivals.push({ tokenId: idOf(url), at: (yield* Clock.currentTimeMillis) - T0 })
            if (arrivals.length > 1) return yield* Effect.never
            yield* Effect.sleep(100)
            return MockHttpClient.json(200, { tokenId: idOf(url) })
          }),
        { maxConcurrent: 1, deadline: DEADLINE, attemptTimeout: 200 }
      )
      yield* Effect.gen(function*() {
        const fibers = yield* startAll(h.revoke)
        yield* advance(DEADLINE - 1)
        expect(pending(fibers)).toBe(CALLS - 1)
        yield* advance(1)
        expect(pending(fibers)).toBe(0)
        yield* advance(60_000)
        const results = yield* Effect.forEach(fibers, Fiber.join)

        const late = arrivals.filter(({ at }) => at >= DEADLINE)
        expect(late, `${late.length} requests were sent at or after their call's deadline`).toEqual([])
        expect(arrivals.map(({ at }) => at)).toEqual([0, 100])
        const [first, second] = arrivals.map(({ tokenId }) => tokenId)
        const outcomes = ids.map((id, i) => {
          const outcome = outcomeOf(results[i]![0])
          // The second call's attempt timeout and its deadline coincide: either phase is true.
          const phase = id === second && outcome.phase === "attempt" ? "deadline" : outcome.phase
          return {
            id,
            outcome: { ...outcome, ...(phase === undefined ? {} : { phase }) },
            settledAt: results[i]![1] - T0
          }
        })
        expect(outcomes).toEqual(ids.map((id) =>
          id === first
            ? { id, outcome: { ok: { tokenId: id } }, settledAt: 100 }
            : id === second
            ? { id, outcome: { _tag: "Timeout", attempts: 1, phase: "deadline" }, settledAt: DEADLINE }
            : { id, outcome: { _tag: "Timeout", attempts: 0, phase: "deadline" }, settledAt: DEADLINE }
        ))
        expect(h.requests).toHaveLength(2)
      }).pipe(Effect.provide(h.layer))
    }))

  it.effect("a gate hold reached after the slot wait, ending exactly at the deadline, sends nothing at the deadline", () =>
    Effect.gen(function*() {
      // The calls start 300 ms before T0, a whole second, so that their deadline is a reset instant.
      yield* TestClock.setTime(T0 - DEADLINE)
      const arrivals: Array<Arrival> = []
      // The first request takes 100 ms and its answer exhausts the window, which resets at T0 (no Date
      // header: the local clock is the only clock). The second call got the slot at T0 - 200 and is
      // held at the gate until T0, its deadline.
      const h = client(
        (_request, url) =>
          Effect.gen(function*() {
            arrivals.push({ tokenId: idOf(url), at: (yield* Clock.currentTimeMillis) - (T0 - DEADLINE) })
            if (arrivals.length === 1) yield* Effect.sleep(100)
            return MockHttpClient.json(200, { tokenId: idOf(url) }, {
              "x-ratelimit-limit": "10",
              "x-ratelimit-remaining": arrivals.length === 1 ? "0" : "9",
              "x-ratelimit-reset": String(T0 / 1000)
            })
          }),
        { maxConcurrent: 1, deadline: DEADLINE }
      )
      yield* Effect.gen(function*() {
        const first = yield* Effect.fork(h.revoke("tok_first"))
        const held = yield* Effect.fork(Effect.zip(Effect.exit(h.revoke("tok_held")), Clock.currentTimeMillis))
        yield* advance(60_000)
        expect(yield* Fiber.join(first)).toEqual({ tokenId: "tok_first" })
        const [exit, settledAt] = yield* Fiber.join(held)

        const sent = arrivals.filter(({ tokenId }) => tokenId === "tok_held")
        for (const { at } of sent) {
          expect(at, `the held call's request arrived at +${at} ms; its deadline is +${DEADLINE} ms`)
            .toBeLessThan(DEADLINE)
        }
        if (Exit.isSuccess(exit)) {
          // Probing the window early, before the deadline, is allowed: then it was sent in time (above).
          expect(sent).toHaveLength(1)
        } else {
          // Otherwise it sent nothing, says so, and did not outlive its deadline.
          const error = failureOf(exit)
          expect(["RateLimited", "Timeout"]).toContain(error._tag)
          expect(pick(error, "attempts")).toEqual({ attempts: 0 })
          expect(sent).toEqual([])
          expect(settledAt - (T0 - DEADLINE)).toBeLessThanOrEqual(DEADLINE)
        }
      }).pipe(Effect.provide(h.layer))
    }))
})
