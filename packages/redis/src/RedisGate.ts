/**
 * A rate-limit gate shared through Redis: every process that revokes with the same token (a CI fleet,
 * a set of serverless functions) takes its permits from one gate, so that together they behave like
 * one client instead of each drawing its own 429s.
 *
 * The gate's rules stay those of `@vercel-auth/core` (RESILIENCE.md, "The shared rate-limit gate");
 * Redis only keeps its state, in one Lua script per operation, on Redis's own clock, keyed by a
 * fingerprint of the token (never the token). Permits in flight are leases that expire, so a crashed
 * process holds nothing for long. A dead or slow Redis never hangs a call: each command is bounded by
 * `commandTimeout`, and until Redis answers again each process falls back to a gate in its own memory,
 * with one warning in the log.
 *
 * @since 0.1.0
 */
import type * as GateStore from "@vercel-auth/core/GateStore"
import * as Resilience from "@vercel-auth/core/Resilience"
import type * as VercelConfig from "@vercel-auth/core/VercelConfig"
import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import type { Redis, RedisOptions } from "ioredis"
import { faultSettings } from "./internal/connection.js"
import { makeRedisStore } from "./internal/redisGate.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * Where Redis is, for a connection of the gate's own (closed with the layer): a URL
   * (`redis://user:password@host:6379/0`, `rediss://` for TLS) or ioredis options. The settings of
   * `clientOptions` are applied on top, whatever is given. Default `redis://127.0.0.1:6379`.
   */
  readonly redis?: string | RedisOptions | undefined
  /**
   * An ioredis client of yours, used as it is and never closed by the gate; `redis` is then ignored.
   * Give it `clientOptions(...)` too, or a dead Redis can hold its commands in ioredis's offline queue.
   */
  readonly client?: Redis | undefined
  /** Put before every key, to share a Redis with other applications. Default `"vercel-auth:gate:"`. */
  readonly prefix?: string | undefined
  /**
   * The longest a call waits on one Redis command before going on with its process's fallback gate.
   * Default 250 ms.
   */
  readonly commandTimeout?: Duration.DurationInput | undefined
}

/**
 * @since 0.1.0
 * @category constants
 */
export const defaults = {
  redis: "redis://127.0.0.1:6379",
  prefix: "vercel-auth:gate:",
  commandTimeout: Duration.millis(250)
} as const

/**
 * The ioredis settings of the gate's own connection: no offline queue, nothing resent after a
 * reconnect, and ioredis's own command timeout at twice `commandTimeout` (the gate bounds its commands
 * itself; this one is a backstop). Spread them into the options of a client you pass as `client`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const clientOptions = (commandTimeout: Duration.DurationInput = defaults.commandTimeout): RedisOptions =>
  faultSettings(Duration.toMillis(Duration.decode(commandTimeout)))

const resolve = (options: Options) => {
  const input = options.commandTimeout ?? defaults.commandTimeout
  const decoded = typeof input === "number" && !(input > 0) ? undefined : Duration.decodeUnknown(input)
  const millis = decoded === undefined || decoded._tag === "None" ? Number.NaN : Duration.toMillis(decoded.value)
  if (!(millis > 0) || !Number.isFinite(millis)) {
    return Either.left(ConfigError.InvalidData(
      ["commandTimeout"],
      `RedisGate commandTimeout must be a positive, finite duration, got ${String(input)}`
    ))
  }
  return Either.right({
    client: options.client,
    redis: options.redis ?? defaults.redis,
    prefix: options.prefix ?? defaults.prefix,
    commandTimeout: Duration.millis(millis)
  })
}

/**
 * The store for `VercelAuth.layer({ gate })` or `Resilience.layerShared`. An impossible
 * `commandTimeout` is a defect when the layer is built; `layer` reports it as a `ConfigError`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): GateStore.Make => {
  const resolved = resolve(options)
  return Either.isLeft(resolved)
    ? () => Effect.die(resolved.left)
    : makeRedisStore(resolved.right)
}

/**
 * `Resilience` with its gate in Redis: `Resilience.layerShared(policy, make(options))`, with an
 * impossible option reported as a `ConfigError`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  policy: Partial<Resilience.ResiliencePolicy> | undefined,
  options: Options = {}
): Layer.Layer<Resilience.Resilience, ConfigError.ConfigError, VercelConfig.VercelConfig> =>
  Either.match(resolve(options), {
    onLeft: (error) => Layer.fail(error),
    onRight: (resolved) => Resilience.layerShared(policy, makeRedisStore(resolved))
  })
