/**
 * The engine's side of the gate: asking the store, and waiting as it says. A hold the caller may not
 * wait out is refused at once; a pending state is waited on until it changes or the deadline comes.
 */
import * as Effect from "effect/Effect"
import type * as GateStore from "../../GateStore.js"
import type { Deadlines } from "../deadlines.js"

/** The gate would hold the caller past what it may wait: the earliest instant it could send. */
export interface Refused {
  readonly _tag: "Refused"
  readonly until: number
  readonly limit: number | undefined
  readonly remaining: number | undefined
}

/** The call's deadline came while it waited. */
export interface Late {
  readonly _tag: "Late"
}

export const late: Late = { _tag: "Late" }

export interface Gate {
  /**
   * Refuses at once a caller that a known hold would keep past `latestStart`: asked before a caller
   * queues for a slot, so that a refusal is never delivered late.
   */
  readonly precheck: (bucket: string, now: number, latestStart: number) => Effect.Effect<void, Refused>
  readonly acquire: (
    bucket: string,
    latestStart: number,
    deadlineAt: number,
    now: Now
  ) => Effect.Effect<GateStore.Permit, Refused | Late>
  readonly release: (permit: GateStore.Permit, learned: GateStore.Learned, now: number) => Effect.Effect<void>
}

/** Suspends until `onChange` calls back or `until` comes, whichever is first. */
const awaitChange = (
  deadlines: Deadlines,
  until: number,
  onChange: (wake: () => void) => () => void
): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    let done = false
    const finish = () => {
      if (done) return
      done = true
      stopListening()
      cancelTimer()
      resume(Effect.void)
    }
    const stopListening = onChange(finish)
    const cancelTimer = deadlines.add(until, finish)
    return Effect.sync(() => {
      done = true
      stopListening()
      cancelTimer()
    })
  })

/** The caller's clock, read synchronously: the engine reads one `Clock` per call. */
export type Now = () => number

export const makeGate = (store: GateStore.GateStore, deadlines: Deadlines, options: GateStore.TakeOptions): Gate => {
  const precheck = (bucket: string, now: number, latestStart: number): Effect.Effect<void, Refused> =>
    Effect.flatMap(store.hold(bucket, now, options), (hold) =>
      hold === undefined || hold.until <= latestStart
        ? Effect.void
        : Effect.fail({ _tag: "Refused", until: hold.until, limit: hold.limit, remaining: hold.remaining }))

  const acquire = (bucket: string, latestStart: number, deadlineAt: number, now: Now) => {
    // Each pass either takes a permit, fails, or waits for time to pass or the state to change.
    const pass: Effect.Effect<GateStore.Permit, Refused | Late> = Effect.suspend(() => {
      const at = now()
      return Effect.flatMap(store.take(bucket, at, options), (take) => {
        switch (take._tag) {
          case "Go":
            return Effect.succeed(take.permit)
          case "Hold": {
            if (take.until > latestStart) {
              return Effect.fail<Refused>({
                _tag: "Refused",
                until: take.until,
                limit: take.limit,
                remaining: take.remaining
              })
            }
            return Effect.zipRight(Effect.interruptible(Effect.sleep(take.until - at)), pass)
          }
          case "Pending": {
            if (at >= deadlineAt) return Effect.fail(late)
            const until = Math.min(take.until, deadlineAt)
            return Effect.zipRight(
              Effect.interruptible(
                take.onChange === undefined ? Effect.sleep(until - at) : awaitChange(deadlines, until, take.onChange)
              ),
              pass
            )
          }
        }
      })
    })
    return pass
  }

  const release = (permit: GateStore.Permit, learned: GateStore.Learned, now: number) =>
    store.give(permit, learned, now)

  return { precheck, acquire, release }
}
