/**
 * The gate's connection to Redis, set up so that a dead or slow Redis never hangs a call: every
 * command is bounded, nothing is queued while disconnected, nothing is replayed after a reconnect
 * (a replayed `take` would hand out a permit nobody waits for), and reconnecting goes on in the
 * background for as long as the gate lives.
 */
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { Redis, type RedisOptions } from "ioredis"
import type { Script } from "./scripts.js"

/** Redis did not answer in time, or answered with an error. */
export class RedisUnavailable extends Data.TaggedError("RedisUnavailable")<{ readonly reason: string }> {}

export interface Connection {
  /** Runs a script: EVALSHA, then EVAL when Redis does not know it (a fresh or restarted server). */
  readonly run: (
    script: Script,
    keys: ReadonlyArray<string>,
    args: ReadonlyArray<string | number>
  ) => Effect.Effect<unknown, RedisUnavailable>
  readonly ping: Effect.Effect<void, RedisUnavailable>
  /** Whether the connection was ready when the gate was built. */
  readonly readyAtStart: boolean
}

export interface ConnectionOptions {
  readonly client: Redis | undefined
  readonly redis: string | RedisOptions
  readonly commandTimeout: Duration.Duration
}

/** How long building the gate waits for a first connection before it starts on its fallback. */
const firstConnectMs = 1_000

/** The settings that keep a call from waiting on Redis longer than the command timeout. */
export const faultSettings = (commandTimeoutMs: number): RedisOptions => ({
  // A backstop: the gate bounds each command itself (see `bounded`), and ioredis's timer, firing in
  // the same turn of the event loop as the gate's, would leave no chance to a reply already read.
  commandTimeout: commandTimeoutMs * 2,
  // A command sent while disconnected fails at once instead of waiting in the offline queue.
  enableOfflineQueue: false,
  // A command in flight when the connection drops fails at once, and is never sent again.
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false
})

const defaultRetryStrategy = (times: number): number => Math.min(50 * 2 ** Math.min(times, 5), 1_000)

const reasonOf = (error: unknown): string => error instanceof Error ? error.message : String(error)

const isNoScript = (error: unknown): boolean => reasonOf(error).startsWith("NOSCRIPT")

const ownClient = (redis: string | RedisOptions, commandTimeoutMs: number): Redis => {
  const given: RedisOptions = typeof redis === "string" ? {} : redis
  const options: RedisOptions = {
    connectTimeout: Math.max(1_000, commandTimeoutMs * 4),
    ...given,
    retryStrategy: given.retryStrategy ?? defaultRetryStrategy,
    ...faultSettings(commandTimeoutMs)
  }
  return typeof redis === "string" ? new Redis(redis, options) : new Redis(options)
}

const waitUntilReady = (client: Redis): Effect.Effect<boolean> =>
  client.status === "ready" ? Effect.succeed(true) : Effect.async<boolean>((resume) => {
    const onReady = () => resume(Effect.succeed(true))
    client.once("ready", onReady)
    return Effect.sync(() => client.off("ready", onReady))
  }).pipe(
    Effect.timeoutTo({ duration: Duration.millis(firstConnectMs), onTimeout: () => false, onSuccess: (ready) => ready })
  )

export const connect = (options: ConnectionOptions): Effect.Effect<Connection, never, Scope.Scope> =>
  Effect.gen(function*() {
    const timeoutMs = Duration.toMillis(options.commandTimeout)
    const client = options.client ?? (yield* Effect.acquireRelease(
      Effect.sync(() => {
        const client = ownClient(options.redis, timeoutMs)
        // Without a listener every failed reconnect would be printed; the gate logs the outage once.
        client.on("error", () => {})
        return client
      }),
      (client) =>
        // A finalizer runs uninterruptibly: the polite QUIT must be interruptible for its bound to hold.
        Effect.interruptible(Effect.promise(() => client.quit().then(() => undefined, () => undefined))).pipe(
          Effect.timeout(options.commandTimeout),
          Effect.ignore,
          Effect.ensuring(Effect.sync(() => client.disconnect(false)))
        )
    ))
    const readyAtStart = yield* waitUntilReady(client)

    const late = (label: string) => new RedisUnavailable({ reason: `${label}: no answer within ${timeoutMs} ms` })
    // When the timeout fires, the replies that arrived meanwhile are read before it counts: on a
    // busy machine a stalled event loop runs its due timers before its pending I/O, and a reply that
    // came in time would otherwise look late and switch the process to its fallback for nothing.
    const expired = (label: string) =>
      Effect.sleep(options.commandTimeout).pipe(
        Effect.zipRight(Effect.async<void>((resume) => {
          const handle = setImmediate(() => resume(Effect.void))
          return Effect.sync(() => clearImmediate(handle))
        })),
        Effect.zipRight(Effect.fail(late(label)))
      )
    // Both sides interruptible: the engine takes its permits in an uninterruptible region, where the
    // loser of the race would otherwise be waited for (the timer: every command would last it).
    const bounded = <A>(label: string, send: () => Promise<A>): Effect.Effect<A, RedisUnavailable> =>
      Effect.raceFirst(
        Effect.interruptible(Effect.tryPromise({
          try: send,
          catch: (error) =>
            reasonOf(error) === "Command timed out" ? late(label) : new RedisUnavailable({ reason: reasonOf(error) })
        })),
        // Our own bound, as well as ioredis's: a client passed in may have none.
        Effect.interruptible(expired(label))
      )

    const run = (script: Script, keys: ReadonlyArray<string>, args: ReadonlyArray<string | number>) =>
      bounded(
        `${script.name} script`,
        () =>
          client.evalsha(script.sha, keys.length, ...keys, ...args).catch((error: unknown) =>
            isNoScript(error) ? client.eval(script.lua, keys.length, ...keys, ...args) : Promise.reject(error)
          )
      )

    return {
      run,
      ping: Effect.asVoid(bounded("PING", () => client.ping())),
      readyAtStart
    }
  })
