/**
 * The rate-limit gate of one client, after dfx's `RateLimit`: every response feeds it, and callers
 * wait here instead of drawing a 429 they could have predicted.
 *
 *   open ──(Remaining − in flight ≤ 0)──▶ holding until reset ──(reset)──▶ open
 *   open ──(429)──▶ closed until hint ──(hint passed)──▶ probing: one request, others wait
 *   probing ──(probe answered, not 429)──▶ open        probing ──(429)──▶ closed until hint
 *
 * State changes happen inside `Effect.sync` blocks, so they are atomic between fibers.
 */
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import type { RateLimitObservation } from "./hints.js"

/** What an attempt learned, handed back to the gate when its permit is released. */
export interface Feedback {
  readonly rateLimit?: RateLimitObservation | undefined
  /** Set on a 429: the local instant before which nobody on this client should send. */
  readonly closedUntil?: number | undefined
  /** The server answered (any status but 429); a probe that got this reopens the gate. */
  readonly answered?: boolean | undefined
}

export interface Permit {
  readonly probe: boolean
  feedback: Feedback | undefined
}

/** The gate would hold the caller past what it may wait: the earliest instant it could send. */
export class GateHold {
  readonly _tag = "GateHold"
  constructor(readonly until: number, readonly rateLimit: RateLimitObservation | undefined) {}
}

type Decision =
  | { readonly _tag: "Go"; readonly permit: Permit }
  | { readonly _tag: "Wait"; readonly until: number }
  | { readonly _tag: "AwaitProbe"; readonly done: Deferred.Deferred<void> }

export interface Gate {
  /** Waits until the caller may send; fails at once when that is later than `latestStart`. */
  readonly acquire: (latestStart: number) => Effect.Effect<Permit, GateHold>
  readonly release: (permit: Permit) => Effect.Effect<void>
}

export const makeGate: Effect.Effect<Gate> = Effect.sync(() => {
  let closedUntil = 0
  let needsProbe = false
  let probeDone: Deferred.Deferred<void> | undefined
  let window: RateLimitObservation | undefined
  let inFlight = 0

  const decide = (now: number): Decision => {
    if (now < closedUntil) return { _tag: "Wait", until: closedUntil }
    if (probeDone !== undefined) return { _tag: "AwaitProbe", done: probeDone }
    if (window !== undefined && now >= window.resetAt) window = undefined
    // Requests still in flight will spend what the last response said remains.
    if (!needsProbe && window !== undefined && window.remaining - inFlight <= 0) {
      return { _tag: "Wait", until: window.resetAt }
    }
    inFlight++
    if (needsProbe) {
      probeDone = Deferred.unsafeMake(undefined as never)
      return { _tag: "Go", permit: { probe: true, feedback: undefined } }
    }
    return { _tag: "Go", permit: { probe: false, feedback: undefined } }
  }

  // Meant to run as the uninterruptible acquire of `acquireUseRelease`: only the waits are
  // interruptible, so a permit is either never taken or always handed to its release.
  const acquire = (latestStart: number): Effect.Effect<Permit, GateHold> =>
    Effect.gen(function*() {
      // Each pass either sends, or sleeps / awaits a state change, so the loop cannot spin.
      while (true) {
        const now = yield* Clock.currentTimeMillis
        const decision = decide(now)
        switch (decision._tag) {
          case "Go":
            return decision.permit
          case "Wait":
            if (decision.until > latestStart) return yield* Effect.fail(new GateHold(decision.until, window))
            yield* Effect.interruptible(Effect.sleep(decision.until - now))
            break
          case "AwaitProbe":
            yield* Effect.interruptible(Deferred.await(decision.done))
            break
        }
      }
    })

  const release = (permit: Permit): Effect.Effect<void> =>
    Effect.suspend(() => {
      inFlight--
      const feedback = permit.feedback
      const observed = feedback?.rateLimit
      // Responses overtake each other: keep the newest window; within one window, the lowest count
      // and the earliest reset (every estimate of it is late, never early, so the earliest is best).
      if (observed !== undefined) {
        if (window === undefined || observed.windowId > window.windowId) {
          window = observed
        } else if (observed.windowId === window.windowId) {
          window = {
            ...observed,
            remaining: Math.min(observed.remaining, window.remaining),
            resetAt: Math.min(observed.resetAt, window.resetAt)
          }
        }
      }
      if (feedback?.closedUntil !== undefined) {
        closedUntil = Math.max(closedUntil, feedback.closedUntil)
        needsProbe = true
      } else if (permit.probe && feedback?.answered === true) {
        needsProbe = false
      }
      if (!permit.probe || probeDone === undefined) return Effect.void
      // A probe that failed without an answer (reset, timeout, interruption) hands the probe role on.
      const done = probeDone
      probeDone = undefined
      return Deferred.succeed(done, undefined)
    })

  return { acquire, release }
})
