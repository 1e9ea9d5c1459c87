/**
 * Benchmark 2, rate-limit efficiency: 600 revocations, 8 in flight, against `MockVercelServer` with a
 * fixed window of 100 requests per 2 s (in this process: the run is bound by the window, not by CPU).
 * Each client gets a fresh server, so each starts with a fresh window.
 */
import { MockVercelServer } from "@vercel-auth/testing"
import { performance } from "node:perf_hooks"
import { type Contender, ourPromise, sdkBackoff, type Target, vercelSdk } from "./contenders.js"

export interface RateLimitSettings {
  readonly calls: number
  readonly inFlight: number
  readonly limit: number
  readonly windowMs: number
  /** No new call starts after this; a client still going then is reported as capped. */
  readonly capMs: number
}

export const rateLimitSettings: RateLimitSettings = {
  calls: 600,
  inFlight: 8,
  limit: 100,
  windowMs: 2_000,
  capMs: 60_000
}

export interface RateLimitRun {
  readonly label: string
  /** First call sent to last call settled. */
  readonly totalMs: number
  readonly succeeded: number
  readonly failed: number
  /** Calls never started because the cap was reached. */
  readonly notStarted: number
  readonly requests: number
  readonly tooManyRequests: number
  /** When each call succeeded, in ms from the start. */
  readonly completedAtMs: ReadonlyArray<number>
  /** When the server answered each 429, in ms from the start. */
  readonly rejectedAtMs: ReadonlyArray<number>
  readonly errors: ReadonlyArray<string>
}

export interface RateLimitResult {
  readonly settings: RateLimitSettings
  readonly ours: RateLimitRun
  readonly sdk: RateLimitRun
}

const bearer = "bench_rate_limit_bearer"

const runOne = async (
  settings: RateLimitSettings,
  label: string,
  make: (target: Target) => Contender
): Promise<RateLimitRun> => {
  const ids = Array.from({ length: settings.calls }, (_, i) => `tok_rl_${i}`)
  const server = await MockVercelServer.start({
    tokens: { [bearer]: ids },
    rateLimit: { limit: settings.limit, windowMs: settings.windowMs }
  })
  const contender = make({ baseUrl: server.url, token: bearer })
  const completedAtMs: Array<number> = []
  const errors: Array<string> = []
  let next = 0
  const startEpoch = Date.now()
  const start = performance.now()
  const worker = async () => {
    while (next < ids.length && performance.now() - start < settings.capMs) {
      const id = ids[next++]
      try {
        await contender.call(id)
        completedAtMs.push(performance.now() - start)
      } catch (error) {
        errors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error))
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: settings.inFlight }, worker))
    const totalMs = performance.now() - start
    return {
      label,
      totalMs,
      succeeded: completedAtMs.length,
      failed: errors.length,
      notStarted: ids.length - next,
      requests: server.count(),
      tooManyRequests: server.count(429),
      completedAtMs,
      rejectedAtMs: server.requests.filter((r) => r.status === 429).map((r) => r.at - startEpoch),
      errors: [...new Set(errors)].slice(0, 5)
    }
  } finally {
    await contender.close()
    await server.close()
  }
}

export const runRateLimit = async (settings: RateLimitSettings, log: (line: string) => void) => {
  const ours = await runOne(settings, "vercel-auth, Promise API (default policy)", (t) => ourPromise(t))
  log(`  vercel-auth: ${(ours.totalMs / 1000).toFixed(2)} s, ${ours.tooManyRequests} × 429`)
  const sdk = await runOne(
    settings,
    "`@vercel/sdk`, backoff retries on",
    (t) => vercelSdk(t, sdkBackoff)
  )
  log(`  @vercel/sdk: ${(sdk.totalMs / 1000).toFixed(2)} s, ${sdk.tooManyRequests} × 429`)
  return { settings, ours, sdk } satisfies RateLimitResult
}
