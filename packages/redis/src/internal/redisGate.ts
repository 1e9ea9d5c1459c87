/**
 * The store `RedisGate.make` builds: the scripts while Redis answers, and core's memory store while
 * it does not. A failed or late command switches the process to its memory gate at once (the call
 * that met it goes on there), logs one warning for the outage, and a background check switches back
 * as soon as Redis answers a PING. Each permit goes back to the store that handed it out.
 *
 *   shared ──(command fails or times out: one warning)──▶ fallback ──(PING answered: one info)──▶ shared
 */
import * as GateStore from "@vercel-auth/core/GateStore"
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type { Redis, RedisOptions } from "ioredis"
import { connect, RedisUnavailable } from "./connection.js"
import { makeRedisOps } from "./redisOps.js"

export interface ResolvedOptions {
  readonly client: Redis | undefined
  readonly redis: string | RedisOptions
  readonly prefix: string
  readonly commandTimeout: Duration.Duration
}

/** How long a waiter that a store cannot wake sleeps before asking Redis again. */
const pollMs = 50
/** How long the state outlives the last instant it knows of (remembering the limit between bursts). */
const retainMs = 60_000
/** How often a process on its fallback asks whether Redis answers again. */
const recheckEvery = "500 millis"

const outage = (reason: string) =>
  `Redis did not answer the shared rate-limit gate (${reason}). Until it does, this process keeps its gate in ` +
  "memory and no longer shares it with the other processes on this token, so together they may draw 429s; " +
  "calls go on. Check that Redis is up and reachable from here."

const recovery = "Redis answers the rate-limit gate again: it is shared with the other processes on this token again."

export const makeRedisStore = (options: ResolvedOptions): GateStore.Make => (credential) =>
  Effect.gen(function*() {
    const scope = yield* Effect.scope
    const connection = yield* connect(options)
    const fallback = yield* GateStore.memory(credential)

    const listeners = new Map<string, Set<() => void>>()
    const onChange = (bucket: string) => (wake: () => void) => {
      let set = listeners.get(bucket)
      if (set === undefined) listeners.set(bucket, set = new Set())
      set.add(wake)
      return () => {
        set.delete(wake)
      }
    }
    const wake = (bucket: string | undefined) =>
      Effect.sync(() => {
        const sets = bucket === undefined ? [...listeners.values()] : [listeners.get(bucket)]
        for (const set of sets) {
          if (set === undefined) continue
          const woken = [...set]
          set.clear()
          for (const wake of woken) wake()
        }
      })

    // Keyed by the credential's fingerprint, never the token; the hash tag keeps both keys of a bucket
    // in one Redis Cluster slot, as a script needs.
    const keys = (bucket: string) => {
      const base = `${options.prefix}{${credential.fingerprint}:${bucket}}`
      return [base, `${base}:leases`] as const
    }
    const redis = makeRedisOps(connection, { keys, pollMs, retainMs, onChange })

    let shared = connection.readyAtStart

    const recheck: Effect.Effect<void> = connection.ping.pipe(
      Effect.delay(recheckEvery),
      Effect.eventually,
      Effect.zipRight(Effect.suspend(() => {
        shared = true
        return Effect.logInfo(recovery)
      }))
    )

    /** The first failure of an outage: switch to the fallback, say so once, and watch for Redis. */
    const fallBack = (error: RedisUnavailable): Effect.Effect<void> =>
      Effect.suspend(() => {
        if (!shared) return Effect.void
        shared = false
        return Effect.logWarning(outage(error.reason)).pipe(
          // Waiters told to poll Redis re-ask at once, and meet the fallback.
          Effect.zipRight(wake(undefined)),
          // Interruptible, though forked from a permit's uninterruptible acquisition: closing the
          // client must end it even while Redis is still gone.
          Effect.zipRight(Effect.forkIn(Effect.interruptible(recheck), scope)),
          Effect.asVoid
        )
      })

    if (!shared) {
      shared = true
      yield* fallBack(new RedisUnavailable({ reason: "not connected within 1 s of starting" }))
    }

    // Each permit goes back to the store that handed it out.
    const fallbackPermits = new WeakSet<GateStore.Permit>()
    const fromFallback = (take: Effect.Effect<GateStore.Take>) =>
      Effect.tap(take, (result) => {
        if (result._tag === "Go") fallbackPermits.add(result.permit)
      })

    /** Runs `onRedis` while shared; on its failure, and while on the fallback, `onMemory` at a fresh `now`. */
    const either = <A>(
      onRedis: Effect.Effect<A, RedisUnavailable>,
      onMemory: (now: number) => Effect.Effect<A>,
      now: number
    ): Effect.Effect<A> =>
      Effect.suspend(() =>
        shared
          ? Effect.catchAll(onRedis, (error) =>
            Effect.zipRight(fallBack(error), Effect.flatMap(Clock.currentTimeMillis, onMemory)))
          : onMemory(now)
      )

    return {
      take: (bucket, now, takeOptions) =>
        either(redis.take(bucket, now, takeOptions), (at) =>
          fromFallback(fallback.take(bucket, at, takeOptions)), now),
      hold: (bucket, now, takeOptions) =>
        either(redis.hold(bucket, now, takeOptions), (at) => fallback.hold(bucket, at, takeOptions), now),
      give: (permit, learned, now) =>
        Effect.suspend(() => {
          if (fallbackPermits.has(permit)) return fallback.give(permit, learned, now)
          // A Redis permit given back during an outage is dropped: its lease runs out by itself, and
          // waiting on Redis here would only delay the call that already has its answer.
          if (!shared) return Effect.void
          return redis.give(permit, learned, now).pipe(
            Effect.catchAll(fallBack),
            Effect.ensuring(wake(permit.bucket))
          )
        })
    } satisfies GateStore.GateStore
  })
