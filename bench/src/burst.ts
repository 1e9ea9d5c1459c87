/**
 * Benchmark 2: 10 000 revocations started at once through one client with a 3 s deadline, against a
 * rate-limited `MockVercelServer` (100 per 10 s), each side in its own process. Two cases: the
 * window fresh when the burst starts (the first 100 calls can go, the rest must give up by their
 * deadline), and the window already exhausted by requests sent by hand just before, so that it stays
 * closed for longer than the deadline.
 */
import type { BurstReport } from "./burstChild.js"
import { startChild } from "./childProcess.js"
import type { MockServerConfig, MockServerStats } from "./mockServerChild.js"

export interface BurstSettings {
  readonly calls: number
  readonly deadlineMs: number
  readonly limit: number
  readonly windowMs: number
  /** What a settlement may be late by, past its deadline. */
  readonly slackMs: number
}

export const burstSettings: BurstSettings = {
  calls: 10_000,
  deadlineMs: 3_000,
  limit: 100,
  windowMs: 10_000,
  slackMs: 250
}
export const burstQuick: BurstSettings = { ...burstSettings, calls: 1_000 }

export type BurstCase = "fresh" | "exhausted"

export interface BurstRun extends BurstReport {
  readonly case: BurstCase
  /** What the server saw of the burst (the requests sent by hand to exhaust the window excluded). */
  readonly serverRequests: number
  readonly serverTooMany: number
  /** Requests sent by hand before the burst, and when the window they opened resets (ms after the burst began). */
  readonly exhaustedBy: number
}

export interface BurstResult {
  readonly settings: BurstSettings
  readonly runs: ReadonlyArray<BurstRun>
}

const bearer = "bench_burst_bearer"

const stats = async (child: ReturnType<typeof startChild>): Promise<MockServerStats> => {
  const reply = new Promise<MockServerStats>((resolve) => {
    const on = (message: unknown) => {
      if ((message as { type?: string }).type === "stats") {
        child.process.off("message", on)
        resolve(message as MockServerStats)
      }
    }
    child.process.on("message", on)
  })
  child.process.send({ type: "stats" })
  return reply
}

const runCase = async (settings: BurstSettings, which: BurstCase): Promise<BurstRun> => {
  const config: MockServerConfig = {
    options: { rateLimit: { limit: settings.limit, windowMs: settings.windowMs } },
    seed: [{ bearer, prefix: "tok_burst_", count: settings.calls }, {
      bearer,
      prefix: "tok_pre_",
      count: settings.limit
    }]
  }
  const server = startChild<{ url: string }>("mockServerChild.js", [JSON.stringify(config)], [], 30_000)
  try {
    const { url } = await server.message
    let exhaustedBy = 0
    if (which === "exhausted") {
      const headers = { authorization: `Bearer ${bearer}`, "user-agent": "vercel-auth-bench" }
      for (let i = 0; i < settings.limit; i++) {
        const response = await fetch(`${url}/v3/user/tokens/tok_pre_${i}`, { method: "DELETE", headers })
        await response.arrayBuffer()
        exhaustedBy++
      }
    }
    const before = await stats(server)
    const client = startChild<BurstReport>(
      "burstChild.js",
      [url, bearer, String(settings.calls), String(settings.deadlineMs), String(settings.deadlineMs + 20_000)],
      [],
      settings.deadlineMs + 60_000
    )
    try {
      const report = await client.message
      const after = await stats(server)
      return {
        ...report,
        case: which,
        serverRequests: after.requests - before.requests,
        serverTooMany: after.tooManyRequests - before.tooManyRequests,
        exhaustedBy
      }
    } finally {
      await client.stop()
    }
  } finally {
    await server.stop()
  }
}

export const runBurst = async (settings: BurstSettings, log: (line: string) => void): Promise<BurstResult> => {
  const runs: Array<BurstRun> = []
  for (const which of ["fresh", "exhausted"] as const) {
    const run = await runCase(settings, which)
    log(
      `  ${which} window: worst lateness ${run.worstLatenessMs.toFixed(0)} ms, outcomes ${
        JSON.stringify(run.outcomes)
      }, loop delay max ${run.loopDelayMaxMs.toFixed(0)} ms`
    )
    runs.push(run)
  }
  return { settings, runs }
}
