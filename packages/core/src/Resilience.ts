/**
 * The resilience policy of a client: retries, backoff, deadline, server-wait cap, concurrency limit and
 * retry budget. A layer instance also holds the state its calls share (the rate-limit gate, the
 * budget, the concurrency limit); calls through different instances (different clients, different
 * tokens) never wait for each other.
 *
 * @since 0.1.0
 */
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as GateStore from "./GateStore.js"
import { fingerprint } from "./internal/fingerprint.js"
import { makeState, register } from "./internal/resilienceState.js"
import { VercelConfig } from "./VercelConfig.js"

/**
 * The gRPC-style retry budget shared by all calls of a client.
 *
 * @since 0.1.0
 * @category models
 */
export interface RetryBudget {
  /** Capacity; retries are allowed only while the tokens left exceed half of it. */
  readonly maxTokens: number
  /** What each success earns back. */
  readonly tokenRatio: number
}

/**
 * Every field is configurable; `defaults` holds the values and `docs/resilience.md` the reasons.
 * Durations accept any `Duration.DurationInput`: a plain number is milliseconds.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResiliencePolicy {
  /** HTTP attempts per call, the first included. */
  readonly maxAttempts: number
  /** Backoff: attempt n waits a uniformly random time in `[0, min(maxDelay, baseDelay·2^(n-1))]`. */
  readonly baseDelay: Duration.DurationInput
  readonly maxDelay: Duration.DurationInput
  /** One attempt, from sending to the whole body read. */
  readonly attemptTimeout: Duration.DurationInput
  /** The whole call: attempts, waits, gate holds and the wait for a concurrency slot together. */
  readonly deadline: Duration.DurationInput
  /** The longest server-directed wait accepted; a longer one fails at once with `RateLimited`. */
  readonly maxServerWait: Duration.DurationInput
  /** Requests (and sockets) in flight at once through this layer instance. */
  readonly maxConcurrent: number
  readonly retryBudget: RetryBudget
  /**
   * Probe an exhausted rate-limit window once at the earliest instant its whole-second reset allows,
   * instead of waiting out the rounding (up to a second per window). A 429 answer to that probe is
   * expected and costs no retry budget.
   */
  readonly earlyProbe: boolean
}

/**
 * A policy with every duration decoded.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResolvedPolicy {
  readonly maxAttempts: number
  readonly baseDelay: Duration.Duration
  readonly maxDelay: Duration.Duration
  readonly attemptTimeout: Duration.Duration
  readonly deadline: Duration.Duration
  readonly maxServerWait: Duration.Duration
  readonly maxConcurrent: number
  readonly retryBudget: RetryBudget
  readonly earlyProbe: boolean
}

/**
 * @since 0.1.0
 * @category constants
 */
export const defaults: ResiliencePolicy = {
  maxAttempts: 3,
  baseDelay: Duration.millis(250),
  maxDelay: Duration.seconds(8),
  attemptTimeout: Duration.seconds(10),
  deadline: Duration.seconds(30),
  maxServerWait: Duration.seconds(60),
  maxConcurrent: 8,
  retryBudget: { maxTokens: 10, tokenRatio: 0.1 },
  earlyProbe: true
}

type Check<A> = Either.Either<A, ConfigError.ConfigError>

const invalid = (field: string, message: string): Check<never> =>
  Either.left(ConfigError.InvalidData(["resilience", field], `resilience.${field} ${message}`))

const positiveInteger = (field: string, value: unknown): Check<number> =>
  typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 1_000_000
    ? Either.right(value)
    : invalid(field, `must be a whole number from 1 to 1000000, got ${String(value)}`)

const duration = (field: string, input: unknown, allowZero: boolean): Check<Duration.Duration> => {
  // Duration clamps a negative number to zero, which would silently mean "no wait at all".
  const decoded = typeof input === "number" && !(input >= 0) ? undefined : Duration.decodeUnknown(input)
  if (decoded === undefined || decoded._tag === "None") return invalid(field, `is not a duration: ${String(input)}`)
  const millis = Duration.toMillis(decoded.value)
  if (Number.isNaN(millis) || millis < 0 || (!allowZero && millis === 0)) {
    return invalid(field, `must be a ${allowZero ? "non-negative" : "positive"} duration, got ${String(input)}`)
  }
  return Either.right(decoded.value)
}

const budget = (input: Partial<RetryBudget> | undefined): Check<RetryBudget> => {
  const merged = { ...defaults.retryBudget, ...input }
  return merged.maxTokens > 0 && Number.isFinite(merged.maxTokens) && merged.tokenRatio >= 0 &&
      Number.isFinite(merged.tokenRatio)
    ? Either.right(merged)
    : invalid("retryBudget", "needs a finite maxTokens > 0 and a finite tokenRatio >= 0")
}

/**
 * Completes a partial policy with the defaults and checks it: a value that cannot work is a
 * `ConfigError` naming the field, like any other configuration mistake.
 *
 * @since 0.1.0
 * @category constructors
 */
export const resolve = (
  policy: Partial<ResiliencePolicy> = {}
): Either.Either<ResolvedPolicy, ConfigError.ConfigError> =>
  Either.all({
    maxAttempts: positiveInteger("maxAttempts", policy.maxAttempts ?? defaults.maxAttempts),
    baseDelay: duration("baseDelay", policy.baseDelay ?? defaults.baseDelay, true),
    maxDelay: duration("maxDelay", policy.maxDelay ?? defaults.maxDelay, true),
    attemptTimeout: duration("attemptTimeout", policy.attemptTimeout ?? defaults.attemptTimeout, false),
    deadline: duration("deadline", policy.deadline ?? defaults.deadline, false),
    maxServerWait: duration("maxServerWait", policy.maxServerWait ?? defaults.maxServerWait, true),
    maxConcurrent: positiveInteger("maxConcurrent", policy.maxConcurrent ?? defaults.maxConcurrent),
    retryBudget: budget(policy.retryBudget),
    earlyProbe: typeof (policy.earlyProbe ?? defaults.earlyProbe) === "boolean"
      ? Either.right(policy.earlyProbe ?? defaults.earlyProbe)
      : invalid("earlyProbe", "must be true or false")
  })

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly policy: ResolvedPolicy
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Resilience extends Context.Tag("@vercel-auth/core/Resilience")<Resilience, Service>() {}

const makeWith = (
  policy: Partial<ResiliencePolicy> | undefined,
  gate: GateStore.Make,
  credential: Effect.Effect<string>
): Effect.Effect<Service, ConfigError.ConfigError, Scope.Scope> =>
  Effect.flatMap(resolve(policy), (resolved) =>
    Effect.gen(function*() {
      const store = yield* gate({ fingerprint: yield* credential })
      const service: Service = { policy: resolved }
      register(service, yield* makeState(resolved, store))
      return service
    }))

/**
 * Builds fresh state for the policy, with the gate in memory: each evaluation is a new, independent
 * client. Fails with a `ConfigError` naming the field of a policy that cannot work.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  policy?: Partial<ResiliencePolicy>
): Effect.Effect<Service, ConfigError.ConfigError, Scope.Scope> =>
  makeWith(policy, GateStore.memory, Effect.succeed("memory"))

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (policy?: Partial<ResiliencePolicy>): Layer.Layer<Resilience, ConfigError.ConfigError> =>
  Layer.scoped(Resilience, make(policy))

/**
 * The policy with its rate-limit gate in a shared store (such as `@vercel-auth/redis`), keyed by a
 * fingerprint of the configured token so that every process using that token shares one gate.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerShared = (
  policy: Partial<ResiliencePolicy> | undefined,
  gate: GateStore.Make
): Layer.Layer<Resilience, ConfigError.ConfigError, VercelConfig> =>
  Layer.scoped(
    Resilience,
    Effect.flatMap(VercelConfig, (config) => makeWith(policy, gate, fingerprint(config.token)))
  )
