/**
 * The concurrency limit of one client: a FIFO of waiting callers, each release handing its slot
 * straight to the next. Effect 3's `Semaphore` resumes every waiter on each release and lets all but
 * one queue again, which at 50 callers on 8 slots costs more than the requests themselves. A wait
 * ends at the caller's deadline at the latest, through the client's one deadline timer.
 */
import * as Effect from "effect/Effect"
import type { Deadlines } from "./deadlines.js"

export interface Limiter {
  /** A caller arriving now would wait for a slot. */
  readonly full: () => boolean
  /**
   * Takes a slot, waiting for one until `deadlineAt` at the latest, then failing with `late()`. Only
   * the wait is interruptible: run it in an uninterruptible region whose finalizer calls `release`.
   */
  readonly take: <E2>(deadlineAt: number, late: () => E2) => Effect.Effect<void, E2>
  /** Gives a taken slot back, to the next caller in line if one waits. */
  readonly release: () => void
  /** Runs `effect` holding a slot; a caller still waiting for one at `deadlineAt` fails with `late()`. */
  readonly withPermit: <A, E, R, E2>(
    deadlineAt: number,
    late: () => E2,
    effect: Effect.Effect<A, E, R>
  ) => Effect.Effect<A, E | E2, R>
}

interface Waiter {
  readonly resume: (effect: Effect.Effect<void, any>) => void
  /** Resumed, with a slot or with `late()`, or gave up. */
  done: boolean
  granted: boolean
  cancelTimer: () => void
}

export const makeLimiter = (slots: number, deadlines: Deadlines): Limiter => {
  let free = slots
  // A queue with a moving head: shift() on a long array is O(n), and a storm of timeouts would make it O(n²).
  let queue: Array<Waiter> = []
  let head = 0

  const release = () => {
    while (head < queue.length) {
      const next = queue[head++]!
      if (next.done) continue
      next.done = true
      next.granted = true
      next.cancelTimer()
      next.resume(Effect.void)
      return
    }
    queue = []
    head = 0
    free++
  }

  const take = <E2>(deadlineAt: number, late: () => E2): Effect.Effect<void, E2> =>
    Effect.suspend(() => {
      if (free > 0) {
        free--
        return Effect.void
      }
      return Effect.async<void, E2>((resume) => {
        const waiter: Waiter = { resume, done: false, granted: false, cancelTimer: () => true }
        queue.push(waiter)
        waiter.cancelTimer = deadlines.add(deadlineAt, () => {
          if (waiter.done) return
          waiter.done = true
          resume(Effect.fail(late()))
        })
        return Effect.sync(() => {
          // The slot was handed over just as the caller gave up: pass it on.
          if (waiter.granted) return release()
          waiter.done = true
          waiter.cancelTimer()
        })
      })
    })

  return {
    full: () => free === 0,
    take,
    release,
    withPermit: (deadlineAt, late, effect) =>
      Effect.uninterruptibleMask((restore) =>
        Effect.zipRight(restore(take(deadlineAt, late)), Effect.ensuring(restore(effect), Effect.sync(release)))
      )
  }
}
