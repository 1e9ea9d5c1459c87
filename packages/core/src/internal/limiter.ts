/**
 * The concurrency limit of one client: a FIFO of waiting callers, each release handing its permit
 * straight to the next. Effect 3's `Semaphore` resumes every waiter on each release and lets all
 * but one queue again, which at 50 callers on 8 permits costs more than the requests themselves.
 */
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"

export interface Limiter {
  readonly withPermit: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

export const makeLimiter = (permits: number): Limiter => {
  let free = permits
  const waiting: Array<Deferred.Deferred<void>> = []

  const release = Effect.sync(() => {
    const next = waiting.shift()
    if (next === undefined) free++
    else Deferred.unsafeDone(next, Effect.void)
  })

  const take: Effect.Effect<void> = Effect.suspend(() => {
    if (free > 0) {
      free--
      return Effect.void
    }
    const turn = Deferred.unsafeMake<void>(undefined as never)
    waiting.push(turn)
    // Only the wait is interruptible: a permit is either never taken or always released.
    return Effect.onInterrupt(Effect.interruptible(Deferred.await(turn)), () =>
      Effect.suspend(() => {
        const index = waiting.indexOf(turn)
        if (index !== -1) {
          waiting.splice(index, 1)
          return Effect.void
        }
        // The permit was handed over just as the caller gave up: pass it on.
        return release
      }))
  })

  return {
    withPermit: (effect) =>
      Effect.uninterruptibleMask((restore) => Effect.zipRight(take, Effect.ensuring(restore(effect), release)))
  }
}
