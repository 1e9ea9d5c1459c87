/**
 * The store's three operations as script calls: local instants go to Redis as durations from the
 * caller's `now`, and what comes back is turned into local instants the same way, so that neither the
 * processes' clocks nor their skew against Redis matter.
 */
import type * as GateStore from "@vercel-auth/core/GateStore"
import * as Effect from "effect/Effect"
import type { Connection, RedisUnavailable } from "./connection.js"
import * as Scripts from "./scripts.js"

export interface RedisOps {
  readonly take: (
    bucket: string,
    now: number,
    options: GateStore.TakeOptions
  ) => Effect.Effect<GateStore.Take, RedisUnavailable>
  readonly give: (
    permit: GateStore.Permit,
    learned: GateStore.Learned,
    now: number
  ) => Effect.Effect<void, RedisUnavailable>
  readonly hold: (
    bucket: string,
    now: number,
    options: GateStore.TakeOptions
  ) => Effect.Effect<GateStore.Hold | undefined, RedisUnavailable>
}

export interface OpsSettings {
  /** The two keys of a bucket: its state hash and its sorted set of leases. */
  readonly keys: (bucket: string) => readonly [string, string]
  /** How long a `Pending` waiter sleeps at most before asking again: nothing wakes it across processes. */
  readonly pollMs: number
  /** How long the state outlives the last instant it knows of. */
  readonly retainMs: number
  /** The wake-ups of this process's waiters, called after each of its own `give`s. */
  readonly onChange: (bucket: string) => (wake: () => void) => () => void
}

// A week: far beyond any wait the engine accepts, and small enough for Lua and PEXPIRE to handle.
const maxSpanMs = 7 * 24 * 3600 * 1000

/** A local instant as a duration from `now`, finite whatever the instant. */
const span = (instant: number, now: number): number => {
  const ms = instant - now
  return Number.isFinite(ms) ? Math.max(-maxSpanMs, Math.min(maxSpanMs, ms)) : ms > 0 ? maxSpanMs : -maxSpanMs
}

const flag = (value: boolean | undefined): string => value === true ? "1" : "0"

/** `-1` stands for "unknown" in the scripts' replies. */
const known = (value: unknown): number | undefined => {
  const n = Number(value)
  return Number.isFinite(n) && n >= 0 ? n : undefined
}

const unexpected = (reply: unknown) => Effect.dieMessage(`RedisGate: unexpected script reply ${JSON.stringify(reply)}`)

const newLease = (): string => globalThis.crypto.randomUUID()

export const makeRedisOps = (connection: Connection, settings: OpsSettings): RedisOps => {
  const take = (bucket: string, now: number, options: GateStore.TakeOptions) =>
    Effect.suspend(() => {
      const lease = newLease()
      return Effect.flatMap(
        connection.run(Scripts.take, settings.keys(bucket), [
          lease,
          Math.max(1, Math.ceil(options.leaseMs)),
          flag(options.earlyProbe),
          settings.retainMs
        ]),
        (reply): Effect.Effect<GateStore.Take> => {
          if (!Array.isArray(reply)) return unexpected(reply)
          switch (reply[0]) {
            case "go": {
              const probe = reply[1] === "1"
              const permit: GateStore.Permit = reply[2] === "1"
                ? { bucket, probe, early: true, lease }
                : { bucket, probe, lease }
              return Effect.succeed({ _tag: "Go", permit })
            }
            case "hold":
              return Effect.succeed({
                _tag: "Hold",
                until: now + Number(reply[1]),
                limit: known(reply[2]),
                remaining: known(reply[3])
              })
            case "pending": {
              const bound = known(reply[1])
              const waitMs = bound === undefined ? settings.pollMs : Math.max(1, Math.min(bound, settings.pollMs))
              return Effect.succeed({ _tag: "Pending", until: now + waitMs, onChange: settings.onChange(bucket) })
            }
            default:
              return unexpected(reply)
          }
        }
      )
    })

  const give = (permit: GateStore.Permit, learned: GateStore.Learned, now: number) => {
    const window = learned.window
    // A delta-seconds reset names its window by a local instant (its `resetAt`): renamed on Redis's clock.
    const localId = window !== undefined && window.windowId === window.resetAt
    return Effect.asVoid(connection.run(Scripts.give, settings.keys(permit.bucket), [
      permit.lease ?? "",
      flag(permit.probe),
      flag(learned.answered),
      flag(window !== undefined),
      window?.limit ?? "",
      window?.remaining ?? "",
      window === undefined ? "" : span(window.resetAt, now),
      window === undefined ? "" : span(window.earliestResetAt, now),
      window === undefined ? "" : localId ? Math.round(span(window.windowId, now)) : window.windowId,
      flag(localId),
      learned.closedUntil === undefined ? "" : Math.max(0, span(learned.closedUntil, now)),
      settings.retainMs,
      flag(learned.lost === true)
    ]))
  }

  const hold = (bucket: string, now: number, options: GateStore.TakeOptions) =>
    Effect.flatMap(
      connection.run(Scripts.hold, settings.keys(bucket), [flag(options.earlyProbe)]),
      (reply): Effect.Effect<GateStore.Hold | undefined> => {
        if (reply === null) return Effect.succeed(undefined)
        if (!Array.isArray(reply)) return unexpected(reply)
        return Effect.succeed({ until: now + Number(reply[0]), limit: known(reply[1]), remaining: known(reply[2]) })
      }
    )

  return { take, give, hold }
}
