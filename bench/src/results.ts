/**
 * What one `pnpm bench` run produced: each phase's result, or why it has none (not run in this
 * invocation, failed, or skipped), with the load average when it started.
 */
import type { AllocationReport } from "./allocChild.js"
import type { BundleSize } from "./bundleSize.js"
import type { BurstResult } from "./burst.js"
import type { CliStartup } from "./cliStartup.js"
import type { InstallResult } from "./consumerInstall.js"
import type { FleetResult } from "./fleet.js"
import type { ImportTime } from "./importTime.js"
import type { Machine } from "./machine.js"
import type { PerCallResult } from "./perCall.js"
import type { ProfileResult } from "./profileSummary.js"
import type { RateLimitResult } from "./rateLimit.js"
import type { RssRun } from "./rssGrowth.js"

export type Phase<A> =
  | { readonly _tag: "Done"; readonly value: A; readonly ms: number; readonly load: number }
  | { readonly _tag: "Failed"; readonly error: string; readonly ms: number; readonly load: number }
  | { readonly _tag: "Skipped"; readonly reason: string }

export const valueOf = <A>(phase: Phase<A>): A | undefined => (phase._tag === "Done" ? phase.value : undefined)

export interface CliResult extends CliStartup {
  /** When the measured bundle was written. */
  readonly builtAt: string
}

export interface Results {
  readonly machine: Machine
  readonly versions: Readonly<Record<string, string>>
  /** The commit and the uncommitted changes under `packages/` when the run started. */
  readonly tree: string
  readonly quick: boolean
  readonly perCall: Phase<PerCallResult>
  readonly allocation: Phase<AllocationReport>
  readonly profile: Phase<ProfileResult>
  readonly rss: Phase<ReadonlyArray<RssRun>>
  readonly rssEvery: number
  readonly rssCalls: number
  readonly burst: Phase<BurstResult>
  readonly rateLimit: Phase<RateLimitResult>
  readonly fleet: Phase<FleetResult>
  readonly imports: Phase<ReadonlyArray<ImportTime>>
  readonly install: Phase<InstallResult>
  readonly cli: Phase<CliResult>
  readonly bundles: Phase<ReadonlyArray<BundleSize>>
  readonly chartFiles: { readonly main: string; readonly short: string }
  readonly elapsedMs: number
  /** The 1-minute load average when the run started and when it ended. */
  readonly load: readonly [number, number]
}
