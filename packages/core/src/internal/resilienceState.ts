import * as Effect from "effect/Effect"
import type { ResolvedPolicy } from "../Resilience.js"
import { type Budget, makeBudget } from "./budget.js"
import { type Gate, makeGate } from "./gate.js"
import { type Limiter, makeLimiter } from "./limiter.js"
import { makeServerClock, type ServerClock } from "./serverClock.js"

/** The mutable state one `Resilience` layer instance shares between its calls. */
export interface ResilienceState {
  readonly gate: Gate
  readonly budget: Budget
  readonly concurrency: Limiter
  readonly serverClock: ServerClock
}

export const makeState = (policy: ResolvedPolicy): Effect.Effect<ResilienceState> =>
  Effect.all({
    gate: makeGate,
    budget: Effect.sync(() => makeBudget(policy.retryBudget)),
    concurrency: Effect.sync(() => makeLimiter(policy.maxConcurrent)),
    serverClock: Effect.sync(makeServerClock)
  })
