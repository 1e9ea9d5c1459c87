/**
 * The resilience policy of a client and its shared state: the retry schedule, the rate-limit gate,
 * the retry budget and the concurrency limit. Every call made through one layer instance shares the
 * state; calls through different instances (different clients, different tokens) never wait for
 * each other.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { makeState, type ResilienceState } from "./internal/resilienceState.js"

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
  /** The whole call: attempts, waits and gate holds together. */
  readonly deadline: Duration.DurationInput
  /** The longest server-directed wait accepted; a longer one fails at once with `RateLimited`. */
  readonly maxServerWait: Duration.DurationInput
  /** Requests in flight at once through this layer instance. */
  readonly maxConcurrent: number
  readonly retryBudget: RetryBudget
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
  retryBudget: { maxTokens: 10, tokenRatio: 0.1 }
}

const positiveInteger = (name: string, value: number): number => {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`Resilience: ${name} must be a whole number of at least 1, got ${String(value)}`)
  }
  return value
}

const duration = (name: string, input: Duration.DurationInput, allowZero: boolean): Duration.Duration => {
  // Duration clamps a negative number to zero, which would silently mean "no wait at all".
  const decoded = typeof input === "number" && !(input >= 0) ? undefined : Duration.decodeUnknown(input)
  if (decoded === undefined || decoded._tag === "None") {
    throw new RangeError(`Resilience: ${name} is not a duration: ${String(input)}`)
  }
  const millis = Duration.toMillis(decoded.value)
  if (Number.isNaN(millis) || millis < 0 || (!allowZero && millis === 0)) {
    throw new RangeError(`Resilience: ${name} must be a ${allowZero ? "non-negative" : "positive"} duration`)
  }
  return decoded.value
}

/**
 * Completes a partial policy with the defaults and checks it. Throws a `RangeError` naming the
 * field for a value that cannot work (a programming error, caught at start-up).
 *
 * @since 0.1.0
 * @category constructors
 */
export const resolve = (policy: Partial<ResiliencePolicy> = {}): ResolvedPolicy => {
  const p = { ...defaults, ...policy }
  const budget = { ...defaults.retryBudget, ...policy.retryBudget }
  if (!(budget.maxTokens > 0) || !(budget.tokenRatio >= 0) || !Number.isFinite(budget.maxTokens)) {
    throw new RangeError("Resilience: retryBudget needs maxTokens > 0 and tokenRatio >= 0")
  }
  return {
    maxAttempts: positiveInteger("maxAttempts", p.maxAttempts),
    baseDelay: duration("baseDelay", p.baseDelay, true),
    maxDelay: duration("maxDelay", p.maxDelay, true),
    attemptTimeout: duration("attemptTimeout", p.attemptTimeout, false),
    deadline: duration("deadline", p.deadline, false),
    maxServerWait: duration("maxServerWait", p.maxServerWait, true),
    maxConcurrent: positiveInteger("maxConcurrent", p.maxConcurrent),
    retryBudget: budget
  }
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly policy: ResolvedPolicy
  /** The gate, budget and concurrency limit shared by every call through this instance. */
  readonly state: ResilienceState
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Resilience extends Context.Tag("@vercel-auth/core/Resilience")<Resilience, Service>() {}

/**
 * Builds fresh state for the policy: each evaluation is a new, independent client.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (policy?: Partial<ResiliencePolicy>): Effect.Effect<Service> =>
  Effect.suspend(() => {
    const resolved = resolve(policy)
    return Effect.map(makeState(resolved), (state) => ({ policy: resolved, state }))
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (policy?: Partial<ResiliencePolicy>): Layer.Layer<Resilience> =>
  Layer.effect(Resilience, make(policy))
