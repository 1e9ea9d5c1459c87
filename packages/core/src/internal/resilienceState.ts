/**
 * The state one `Resilience` layer instance shares between its calls. It is kept beside the public
 * service, not on it, so that nothing internal appears on a public shape.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type * as GateStore from "../GateStore.js"
import type * as Resilience from "../Resilience.js"
import { type Budget, makeBudget } from "./budget.js"
import { type Deadlines, makeDeadlines } from "./deadlines.js"
import { type Gate, makeGate } from "./gate/gate.js"
import { makeMemoryStore as memory } from "./gate/memoryStore.js"
import { type Limiter, makeLimiter } from "./limiter.js"
import { makeServerClock, type ServerClock } from "./serverClock.js"

export interface ResilienceState {
  readonly gate: Gate
  readonly budget: Budget
  readonly limiter: Limiter
  readonly serverClock: ServerClock
}

export const makeState = (
  policy: Resilience.ResolvedPolicy,
  store: GateStore.GateStore
): Effect.Effect<ResilienceState, never, Scope.Scope> =>
  Effect.map(makeDeadlines, (deadlines: Deadlines) => ({
    gate: makeGate(store, deadlines, {
      earlyProbe: policy.earlyProbe,
      // A permit out longer than an attempt can last is lost (its process crashed).
      leaseMs: Duration.toMillis(policy.attemptTimeout) + 1000
    }),
    budget: makeBudget(policy.retryBudget),
    limiter: makeLimiter(policy.maxConcurrent, deadlines),
    serverClock: makeServerClock()
  }))

const states = new WeakMap<Resilience.Service, ResilienceState>()

export const register = (service: Resilience.Service, state: ResilienceState): void => {
  states.set(service, state)
}

/** The state of a service; a service made by hand (`Layer.succeed`) gets fresh in-memory state here. */
export const stateOf = (service: Resilience.Service): Effect.Effect<ResilienceState, never, Scope.Scope> =>
  Effect.suspend(() => {
    const known = states.get(service)
    if (known !== undefined) return Effect.succeed(known)
    return Effect.tap(
      Effect.flatMap(memory({ fingerprint: "memory" }), (store) => makeState(service.policy, store)),
      (state) => register(service, state)
    )
  })
