/**
 * What a scenario is: one behaviour shown twice, through the Promise API and through the Effect API,
 * each run under its own account on the demo server.
 */
import type { Resilience, TokenService, VercelAuthClient } from "@vercel-auth/adapter"
import type * as Effect from "effect/Effect"
import type { Account } from "./server.js"

/** The Promise API's client, as `createVercelAuth` makes it. */
export type Client = VercelAuthClient.VercelAuthClient

export interface Result {
  /** A few words for the summary table. */
  readonly outcome: string
  /** Whether the outcome is the one the scenario exists to show. */
  readonly ok: boolean
  /** A few readable lines that say what happened. */
  readonly lines: ReadonlyArray<string>
}

export interface Scenario {
  /** The name in the summary table. */
  readonly name: string
  /** The heading of the scenario's lines. */
  readonly title: string
  /** The tokens the account of one run owns; `api` keeps the ids of the two runs apart. */
  readonly tokenIds: (api: "promise" | "effect") => ReadonlyArray<string>
  /** Changes to the demo's policy, for this scenario only. */
  readonly resilience?: Partial<Resilience.ResiliencePolicy>
  /** Failures are unexpected here: the runner reports them as such. */
  readonly promise: (vercel: Client, account: Account) => Promise<Result>
  readonly effect: (account: Account) => Effect.Effect<Result, unknown, TokenService.TokenService>
}

/**
 * The defaults are tuned for a real incident (250 ms backoff, 10 s per attempt, 30 s per call);
 * against a loopback server those waits would only make the demo slow, so they are scaled down.
 * The policy is the same code either way: only the numbers change.
 */
export const demoPolicy: Partial<Resilience.ResiliencePolicy> = {
  baseDelay: 20,
  maxDelay: 200,
  attemptTimeout: 2_000,
  deadline: 8_000,
  maxServerWait: 5_000
}
