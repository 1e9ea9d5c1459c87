/**
 * Benchmark 3, rate-limit efficiency: 600 revocations, 8 in flight, against `MockVercelServer` with a
 * fixed window of 100 requests per 10 s (and per 2 s), in this process: the run is bound by the
 * window, not by CPU. Each client gets a fresh server, so each starts with a fresh window. The runs of
 * one window length go at the same time, each against its own server: they are waits, not work.
 *
 * "The allowed rate" is defined by `idealOf` below and written on the page.
 */
import type { ResiliencePolicy } from "@vercel-auth/core/Resilience"
import { MockVercelServer } from "@vercel-auth/testing"
import { performance } from "node:perf_hooks"
import { type Contender, ourPromise, sdkBackoff, type Target, vercelSdk } from "./contenders.js"

export interface RateLimitScenario {
  readonly calls: number
  readonly inFlight: number
  readonly limit: number
  readonly windowMs: number
  /** No new call starts after this; a client still going then is reported as capped. */
  readonly capMs: number
}

export interface RateLimitSettings {
  /** The scenario of the target (a 10 s window). */
  readonly main: RateLimitScenario
  /** The same with a short window, where a whole second of rounding weighs more. */
  readonly short: RateLimitScenario
}

export const rateLimitSettings: RateLimitSettings = {
  main: { calls: 600, inFlight: 8, limit: 100, windowMs: 10_000, capMs: 90_000 },
  short: { calls: 600, inFlight: 8, limit: 100, windowMs: 2_000, capMs: 60_000 }
}

export const rateLimitQuick: RateLimitSettings = {
  main: { calls: 60, inFlight: 8, limit: 20, windowMs: 3_000, capMs: 30_000 },
  short: { calls: 60, inFlight: 8, limit: 20, windowMs: 1_000, capMs: 30_000 }
}

export type RateLimitClient = "ours" | "ours-no-probe" | "sdk"

export interface WindowStat {
  /** When the server opened it (its first request), in ms from the start. */
  readonly openedAtMs: number
  readonly requests: number
  readonly tooManyRequests: number
}

export interface RateLimitRun {
  readonly client: RateLimitClient
  readonly label: string
  readonly scenario: RateLimitScenario
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
  /** The server's windows as it opened them, in order. */
  readonly windows: ReadonlyArray<WindowStat>
  readonly errors: ReadonlyArray<string>
}

export interface RateLimitResult {
  readonly settings: RateLimitSettings
  readonly main: ReadonlyArray<RateLimitRun>
  readonly short: ReadonlyArray<RateLimitRun>
}

const bearer = "bench_rate_limit_bearer"

const clients: ReadonlyArray<{
  readonly client: RateLimitClient
  readonly label: string
  readonly make: (target: Target) => Contender
}> = [
  { client: "ours", label: "vercel-auth, Promise API (default policy)", make: (t) => ourPromise(t) },
  {
    client: "ours-no-probe",
    label: "vercel-auth, Promise API, `resilience: { earlyProbe: false }`",
    make: (t) => ourPromise(t, { earlyProbe: false } satisfies Partial<ResiliencePolicy>)
  },
  { client: "sdk", label: "`@vercel/sdk`, backoff retries on", make: (t) => vercelSdk(t, sdkBackoff) }
]

/** The mock's windows, rebuilt from its requests: one opens at the first request at or after the last one's end. */
export const windowsOf = (
  requests: ReadonlyArray<MockVercelServer.RecordedRequest>,
  windowMs: number,
  startEpoch: number
): Array<WindowStat> => {
  const windows: Array<{ openedAt: number; requests: number; tooManyRequests: number }> = []
  for (const request of [...requests].sort((a, b) => a.at - b.at)) {
    let current = windows[windows.length - 1]
    if (current === undefined || request.at >= current.openedAt + windowMs) {
      current = { openedAt: request.at, requests: 0, tooManyRequests: 0 }
      windows.push(current)
    }
    current.requests++
    if (request.status === 429) current.tooManyRequests++
  }
  return windows.map((w) => ({
    openedAtMs: w.openedAt - startEpoch,
    requests: w.requests,
    tooManyRequests: w.tooManyRequests
  }))
}

export interface Ideal {
  /** Windows the calls need at the least: ⌈calls / limit⌉ (a 429 uses up the window's quota too). */
  readonly windowsNeeded: number
  /** The client's own time from the opening of the last window it used to its last completion. */
  readonly lastWindowMs: number
  /** (windowsNeeded − 1) × window + lastWindowMs. */
  readonly idealMs: number
  /** idealMs / totalMs, scaled down by the share of calls that succeeded. */
  readonly share: number
  /** 429s in the first window, and the most in any later one. */
  readonly firstWindowTooMany: number
  readonly laterWindowTooManyMax: number
}

export const idealOf = (run: RateLimitRun): Ideal => {
  const { calls, limit, windowMs } = run.scenario
  const windowsNeeded = Math.ceil(calls / limit)
  const lastCompletion = Math.max(0, ...run.completedAtMs)
  const lastOpened = run.windows[run.windows.length - 1]?.openedAtMs ?? 0
  const lastWindowMs = Math.max(0, lastCompletion - lastOpened)
  const idealMs = (windowsNeeded - 1) * windowMs + lastWindowMs
  const done = run.succeeded / calls
  return {
    windowsNeeded,
    lastWindowMs,
    idealMs,
    share: (idealMs / run.totalMs) * done,
    firstWindowTooMany: run.windows[0]?.tooManyRequests ?? 0,
    laterWindowTooManyMax: Math.max(0, ...run.windows.slice(1).map((w) => w.tooManyRequests))
  }
}

const runOne = async (
  scenario: RateLimitScenario,
  client: (typeof clients)[number]
): Promise<RateLimitRun> => {
  const ids = Array.from({ length: scenario.calls }, (_, i) => `tok_rl_${i}`)
  const server = await MockVercelServer.start({
    tokens: { [bearer]: ids },
    rateLimit: { limit: scenario.limit, windowMs: scenario.windowMs }
  })
  const contender = client.make({ baseUrl: server.url, token: bearer })
  const completedAtMs: Array<number> = []
  const errors: Array<string> = []
  let next = 0
  const startEpoch = Date.now()
  const start = performance.now()
  const worker = async () => {
    while (next < ids.length && performance.now() - start < scenario.capMs) {
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
    await Promise.all(Array.from({ length: scenario.inFlight }, worker))
    const totalMs = performance.now() - start
    return {
      client: client.client,
      label: client.label,
      scenario,
      totalMs,
      succeeded: completedAtMs.length,
      failed: errors.length,
      notStarted: ids.length - next,
      requests: server.count(),
      tooManyRequests: server.count(429),
      completedAtMs,
      rejectedAtMs: server.requests.filter((r) => r.status === 429).map((r) => r.at - startEpoch),
      windows: windowsOf(server.requests, scenario.windowMs, startEpoch),
      errors: [...new Set(errors)].slice(0, 5)
    }
  } finally {
    await contender.close()
    await server.close()
  }
}

const describe = (run: RateLimitRun): string => {
  const ideal = idealOf(run)
  return `${run.label}: ${(run.totalMs / 1000).toFixed(2)} s, ${
    (ideal.share * 100).toFixed(1)
  } % of the allowed rate, ` +
    `${run.tooManyRequests} × 429, ${run.succeeded}/${run.scenario.calls} ok`
}

export const runRateLimit = async (
  settings: RateLimitSettings,
  log: (line: string) => void
): Promise<RateLimitResult> => {
  const main = await Promise.all(clients.map((c) => runOne(settings.main, c)))
  for (const run of main) log(`  ${settings.main.windowMs / 1000} s window, ${describe(run)}`)
  const short = await Promise.all(clients.map((c) => runOne(settings.short, c)))
  for (const run of short) log(`  ${settings.short.windowMs / 1000} s window, ${describe(run)}`)
  return { settings, main, short }
}
