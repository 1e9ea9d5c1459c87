/**
 * Where the rate-limit gate keeps its state. The engine asks a store for a permit before each request
 * and gives the permit back with what the answer taught it; the store decides. The default store
 * lives in memory, shared by the calls of one client; a shared store (Redis, in
 * `@vercel-auth/redis`) lets many processes on one credential behave like one client.
 *
 * Every instant here is on the caller's local clock, in epoch milliseconds, and every method is told
 * `now`: a store that keeps time elsewhere (Redis `TIME`) converts through durations from `now`.
 *
 * The semantics a store must keep (RESILIENCE.md, "The shared rate-limit gate"):
 * - a window learned from `X-RateLimit-*` holds callers once `remaining − in flight ≤ 0`, until its reset;
 *   when it resets, the next window is presumed to hold `limit` (less those in flight), never unlimited;
 * - an exhausted window may be probed once, from `earliestResetAt`, before its conservative `resetAt`;
 * - after a 429 nobody sends before `closedUntil` (only ever extended), then one probe goes alone, and
 *   the gate reopens when a probe is answered with anything but 429;
 * - a permit that is never given back (a crashed process) must not hold capacity forever.
 *
 * @since 0.2.0
 */
import type * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { makeMemoryStore } from "./internal/gate/memoryStore.js"

/**
 * What the `X-RateLimit-*` headers of one answer say about its window, on the local clock.
 *
 * @since 0.2.0
 * @category models
 */
export interface WindowObservation {
  readonly limit: number | undefined
  readonly remaining: number
  /** The earliest local instant by which the window has certainly reset. */
  readonly resetAt: number
  /**
   * The earliest local instant at which it may already have reset: the reset header has whole
   * seconds, so the true reset can be up to a second before `resetAt`. Equal to `resetAt` when exact.
   */
  readonly earliestResetAt: number
  /** Which window this is, as the server names it (its raw reset value): later windows compare greater. */
  readonly windowId: number
}

/**
 * What one attempt taught the gate, handed back with its permit.
 *
 * @since 0.2.0
 * @category models
 */
export interface Learned {
  /** The server answered with a status other than 429: a probe that got this reopens the gate. */
  readonly answered: boolean
  readonly window?: WindowObservation | undefined
  /** Set by a 429: the local instant before which nobody on this credential should send. */
  readonly closedUntil?: number | undefined
  /**
   * The request was sent and its answer lost (reset, timeout, interruption): the server may have
   * counted it against the window, so the window is presumed to hold one request less.
   */
  readonly lost?: boolean | undefined
}

/**
 * The right to send one request in a rate-limit bucket.
 *
 * @since 0.2.0
 * @category models
 */
export interface Permit {
  readonly bucket: string
  /** This request goes alone, ahead of the others: after a 429, or early into an exhausted window. */
  readonly probe: boolean
  /**
   * It probes an exhausted window before its whole-second reset: a 429 answer is expected, and costs
   * the call neither retry budget nor one of its attempts.
   */
  readonly early?: boolean | undefined
  /** A store's own handle on the permit, such as a lease id. */
  readonly lease?: string | undefined
}

/**
 * A store's answer to "may I send now?".
 *
 * - `Go`: yes; the permit is taken and must be given back.
 * - `Hold`: not before `until` (a known hold: a closed gate or an exhausted window); a caller that may
 *   not wait that long is refused at once with `RateLimited`.
 * - `Pending`: not now, and the store cannot say exactly when (a probe is out, a presumed window is
 *   spent in flight); ask again at `until` at the latest, or earlier when `onChange` calls back.
 *
 * @since 0.2.0
 * @category models
 */
export type Take =
  | { readonly _tag: "Go"; readonly permit: Permit }
  | {
    readonly _tag: "Hold"
    readonly until: number
    readonly limit?: number | undefined
    readonly remaining?: number | undefined
  }
  | {
    readonly _tag: "Pending"
    readonly until: number
    /** Registers a wake-up for the next change of state; returns its cancellation. */
    readonly onChange?: ((wake: () => void) => () => void) | undefined
  }

/**
 * The gate state of one credential, across its rate-limit buckets (Vercel limits each endpoint on its own).
 *
 * @since 0.2.0
 * @category models
 */
export interface GateStore {
  readonly take: (bucket: string, now: number, options: TakeOptions) => Effect.Effect<Take>
  readonly give: (permit: Permit, learned: Learned, now: number) => Effect.Effect<void>
  /**
   * The hold a `take` would meet now, without taking anything: asked before a caller queues for a
   * concurrency slot, so that one the gate would hold too long is refused at once, not after queueing.
   */
  readonly hold: (bucket: string, now: number, options: TakeOptions) => Effect.Effect<Hold | undefined>
}

/**
 * @since 0.2.0
 * @category models
 */
export type Hold = Omit<Extract<Take, { readonly _tag: "Hold" }>, "_tag">

/**
 * @since 0.2.0
 * @category models
 */
export interface TakeOptions {
  /** Whether an exhausted window may be probed early (the policy's `earlyProbe`). */
  readonly earlyProbe: boolean
  /** How long a permit may stay out before a shared store may presume it lost. */
  readonly leaseMs: number
}

/**
 * Builds the store of one credential. `fingerprint` identifies the credential without revealing it
 * (a hash of the token), so that a shared store can key its state by it.
 *
 * @since 0.2.0
 * @category models
 */
export type Make = (credential: { readonly fingerprint: string }) => Effect.Effect<GateStore, never, Scope.Scope>

/**
 * The default: state in memory, shared by every call of one client.
 *
 * @since 0.2.0
 * @category constructors
 */
export const memory: Make = makeMemoryStore
