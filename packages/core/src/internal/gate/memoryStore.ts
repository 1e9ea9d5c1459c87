/**
 * The gate's state in memory, per rate-limit bucket, after dfx's `RateLimit`: every answer feeds it,
 * and callers are held here instead of drawing a 429 they could have predicted.
 *
 *   unknown ──(first request goes alone; the others wait for its answer)──▶ open
 *   open ──(remaining − in flight ≤ 0)──▶ held until the reset ──(reset)──▶ presumed window of `limit`
 *   held ──(earliestResetAt, earlyProbe)──▶ one early probe, others pending until it is answered
 *   open ──(429)──▶ closed until the hint ──(hint passed)──▶ probing: one request, others pending
 *   probing ──(answered, not 429)──▶ open        probing ──(429)──▶ closed until the hint
 *
 * Every change happens inside one `Effect.sync`, so it is atomic between fibers.
 */
import * as Effect from "effect/Effect"
import type * as GateStore from "../../GateStore.js"

interface Window {
  limit: number | undefined
  remaining: number
  resetAt: number
  earliestResetAt: number
  readonly windowId: number
  /** Presumed after a reset, before any answer from the new window: its reset is unknown. */
  readonly presumed: boolean
  /** Its one early probe has been sent. */
  probed: boolean
}

interface Bucket {
  /** An answer was seen: until then nothing is known of the window, so one request goes alone. */
  answered: boolean
  /** When that lone first request went, while it is out. */
  firstSentAt: number | undefined
  closedUntil: number
  needsProbe: boolean
  probeOut: boolean
  window: Window | undefined
  /** The last `X-RateLimit-Limit` seen: a window that resets is presumed to hold this many. */
  limit: number | undefined
  inFlight: number
  listeners: Array<() => void>
}

/** How long a fresh client's other callers wait for the answer to its lone first request. */
const blindWaitMs = 1000

const newBucket = (): Bucket => ({
  answered: false,
  firstSentAt: undefined,
  closedUntil: 0,
  needsProbe: false,
  probeOut: false,
  window: undefined,
  limit: undefined,
  inFlight: 0,
  listeners: []
})

/** Responses overtake each other: keep the newest window; within one, the tightest of what each said. */
const merge = (current: Window | undefined, observed: GateStore.WindowObservation): Window | undefined => {
  if (current === undefined || observed.windowId > current.windowId) {
    return { ...observed, presumed: false, probed: false }
  }
  // A late answer from the window that already reset says nothing about the presumed new one.
  if (observed.windowId < current.windowId || current.presumed) return current
  // In place: this runs for every answer, and the window is the store's own.
  current.limit = observed.limit ?? current.limit
  current.remaining = Math.min(observed.remaining, current.remaining)
  // Every estimate of the reset is a bound: the tightest upper and lower bounds are the best.
  current.resetAt = Math.min(observed.resetAt, current.resetAt)
  current.earliestResetAt = Math.max(observed.earliestResetAt, current.earliestResetAt)
  return current
}

export const makeMemoryStore: GateStore.Make = () =>
  Effect.sync((): GateStore.GateStore => {
    const buckets = new Map<string, Bucket>()
    const bucketOf = (name: string): Bucket => {
      let bucket = buckets.get(name)
      if (bucket === undefined) {
        bucket = newBucket()
        buckets.set(name, bucket)
      }
      return bucket
    }

    const pending = (bucket: Bucket, until: number): GateStore.Take => ({
      _tag: "Pending",
      until,
      onChange: (wake) => {
        bucket.listeners.push(wake)
        return () => {
          const index = bucket.listeners.indexOf(wake)
          if (index !== -1) bucket.listeners.splice(index, 1)
        }
      }
    })

    const go = (bucketName: string, bucket: Bucket, probe: boolean, early = false): GateStore.Take => {
      bucket.inFlight++
      if (probe) bucket.probeOut = true
      return { _tag: "Go", permit: early ? { bucket: bucketName, probe, early } : { bucket: bucketName, probe } }
    }

    const decide = (name: string, now: number, options: GateStore.TakeOptions): GateStore.Take => {
      const bucket = bucketOf(name)
      if (now < bucket.closedUntil) {
        return { _tag: "Hold", until: bucket.closedUntil, limit: bucket.limit, remaining: 0 }
      }
      if (!bucket.answered) {
        // A burst into a window nobody knows draws a 429 for every request beyond its limit: the first
        // request goes alone. A first request that is slow to answer holds the others for a second at
        // most; after that they go, as they would have without the gate.
        if (bucket.firstSentAt === undefined) {
          bucket.firstSentAt = now
          return go(name, bucket, true)
        }
        const blindAt = bucket.firstSentAt + blindWaitMs
        if (now < blindAt) return pending(bucket, blindAt)
        return go(name, bucket, false)
      }
      if (bucket.probeOut) return pending(bucket, now + options.leaseMs)
      if (bucket.needsProbe) return go(name, bucket, true)
      let window = bucket.window
      if (window !== undefined && !window.presumed && now >= window.resetAt) {
        // The window reset: the next one is presumed to hold the same limit, never an unlimited number.
        window = bucket.window = bucket.limit === undefined ? undefined : {
          limit: bucket.limit,
          remaining: bucket.limit,
          resetAt: Infinity,
          earliestResetAt: Infinity,
          windowId: window.windowId,
          presumed: true,
          probed: false
        }
      }
      // Requests in flight will spend what the last answer said remains.
      if (window === undefined || window.remaining - bucket.inFlight > 0) return go(name, bucket, false)
      // A presumed window spent in flight: its answers will say when it resets.
      if (window.presumed) return pending(bucket, now + options.leaseMs)
      const early = options.earlyProbe && !window.probed
      if (early && now >= window.earliestResetAt) {
        window.probed = true
        return go(name, bucket, true, true)
      }
      return {
        _tag: "Hold",
        until: early ? window.earliestResetAt : window.resetAt,
        limit: window.limit,
        remaining: window.remaining
      }
    }

    const holdOf = (name: string, now: number, options: GateStore.TakeOptions): GateStore.Hold | undefined => {
      const bucket = buckets.get(name)
      if (bucket === undefined) return undefined
      if (now < bucket.closedUntil) return { until: bucket.closedUntil, limit: bucket.limit, remaining: 0 }
      const window = bucket.window
      if (window === undefined || window.presumed || now >= window.resetAt) return undefined
      if (window.remaining - bucket.inFlight > 0) return undefined
      const early = options.earlyProbe && !window.probed
      if (early && now >= window.earliestResetAt) return undefined
      return {
        until: early ? window.earliestResetAt : window.resetAt,
        limit: window.limit,
        remaining: window.remaining
      }
    }

    return {
      take: (bucket, now, options) => Effect.sync(() => decide(bucket, now, options)),
      hold: (bucket, now, options) => Effect.sync(() => holdOf(bucket, now, options)),
      give: (permit, learned) =>
        Effect.sync(() => {
          const bucket = bucketOf(permit.bucket)
          bucket.inFlight--
          if (learned.answered || learned.closedUntil !== undefined) bucket.answered = true
          // A first request that ended without an answer hands the lone first request on.
          if (permit.probe && !bucket.answered) bucket.firstSentAt = undefined
          if (learned.window !== undefined) {
            bucket.limit = learned.window.limit ?? bucket.limit
            bucket.window = merge(bucket.window, learned.window)
          } else if (learned.lost === true && bucket.window !== undefined) {
            bucket.window.remaining = Math.max(0, bucket.window.remaining - 1)
          }
          if (learned.closedUntil !== undefined) {
            bucket.closedUntil = Math.max(bucket.closedUntil, learned.closedUntil)
            bucket.needsProbe = true
          } else if (permit.probe && learned.answered) {
            bucket.needsProbe = false
          }
          // A probe that failed without an answer (reset, timeout, interruption) hands the probe role on.
          if (permit.probe) bucket.probeOut = false
          const listeners = bucket.listeners
          bucket.listeners = []
          for (const wake of listeners) wake()
        })
    }
  })
