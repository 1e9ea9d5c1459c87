/**
 * Benchmark: a fleet of processes revoking with ONE token, against `MockVercelServer` with a fixed
 * window of 20 requests per 2 s, each process with the gate in its own memory (the default) or shared
 * through Redis (`@vercel-auth/redis`). For 4 and 16 processes: the 429s drawn, the total time, the
 * share of the server's rate reached, and what the Redis gate adds to each call (take + give round
 * trips, median and p99).
 *
 * Each process is `packages/redis/test/fleetChild.ts` (the fleet test's child), bundled here with
 * esbuild with the workspace packages resolved to their sources, so this needs no build of them.
 * Needs `redis-server` on the PATH (`apt-get install redis-server`); without it only the in-memory
 * runs are measured.
 *
 * Standalone: `tsc -b && node bench/dist/fleet.js`.
 */
import { MockVercelServer } from "@vercel-auth/testing"
import { build, type Plugin } from "esbuild"
import { type ChildProcess, fork } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { performance } from "node:perf_hooks"
import { fileURLToPath, pathToFileURL } from "node:url"
import { findRedisServer, startBenchRedis } from "./fleetRedis.js"
import { median, quantile } from "./stats.js"

export interface FleetSettings {
  /** The fleet sizes measured. */
  readonly processes: ReadonlyArray<number>
  /** The gates measured at each size. */
  readonly gates: ReadonlyArray<FleetGate>
  /** Revocations of the whole fleet, shared out evenly. */
  readonly calls: number
  readonly limit: number
  readonly windowMs: number
  /** Per process (the default policy's 8). */
  readonly maxConcurrent: number
  /** A fleet still running after this is killed and reported as such. */
  readonly capMs: number
  /**
   * Revocations of the latency run: one process, one call at a time, no rate limit, so that a call's
   * take + give is what Redis adds, not the wait for a CPU the fleet's processes share.
   */
  readonly latencyCalls: number
}

export const fleetSettings: FleetSettings = {
  processes: [4, 16],
  gates: ["memory", "redis"],
  calls: 200,
  limit: 20,
  windowMs: 2_000,
  maxConcurrent: 8,
  capMs: 120_000,
  latencyCalls: 300
}

export type FleetGate = "memory" | "redis"

export interface FleetRun {
  readonly processes: number
  readonly gate: FleetGate
  /** From `start` to the last process's report. */
  readonly totalMs: number
  readonly succeeded: number
  readonly failed: number
  readonly requests: number
  readonly tooManyRequests: number
  /** The calls' rate as a share of the server's (`limit` per `windowMs`); above 1 thanks to the first window. */
  readonly shareOfRate: number
  /** Take + give of each permit, in ms. */
  readonly gateMedianMs: number
  readonly gateP99Ms: number
  readonly gateSamples: number
  /** How many times the processes asked the gate, by its answer: more than one per call means waiting. */
  readonly takes: { readonly Go: number; readonly Hold: number; readonly Pending: number }
  readonly warnings: number
  readonly errors: ReadonlyArray<string>
}

export interface FleetResult {
  readonly settings: FleetSettings
  readonly runs: ReadonlyArray<FleetRun>
  /** One process, sequential calls, in memory then in Redis. */
  readonly latency: ReadonlyArray<FleetRun>
  /** Set when the Redis runs were skipped. */
  readonly skipped?: string | undefined
}

// What the child sends; declared again here, as the child lives in the redis package's tests.
interface ChildReport {
  readonly type: "done"
  readonly revoked: number
  readonly failures: ReadonlyArray<string>
  readonly gateMs: ReadonlyArray<number>
  readonly takes: { readonly Go: number; readonly Hold: number; readonly Pending: number }
  readonly warnings: ReadonlyArray<string>
}

const repoRoot = fileURLToPath(new URL("../../", import.meta.url))
const bearer = "bench_fleet_bearer"

const workspaceSources: Plugin = {
  name: "workspace-sources",
  setup(b) {
    b.onResolve({ filter: /^@vercel-auth\/(core|testing|adapter|redis)(\/.*)?$/ }, (args) => {
      const [, name, sub] = /^@vercel-auth\/([^/]+)(?:\/(.*))?$/.exec(args.path)!
      return { path: join(repoRoot, "packages", name!, "src", `${sub ?? "index"}.ts`) }
    })
  }
}

const bundleChild = async (dir: string): Promise<string> => {
  const file = join(dir, "fleetChild.mjs")
  await build({
    entryPoints: [join(repoRoot, "packages", "redis", "test", "fleetChild.ts")],
    outfile: file,
    bundle: true,
    minify: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "error",
    plugins: [workspaceSources],
    banner: {
      js:
        "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);"
    }
  })
  return file
}

const live = new Set<ChildProcess>()
process.on("exit", () => {
  for (const child of live) child.kill("SIGKILL")
})

interface Child {
  readonly process: ChildProcess
  readonly next: <A>(type: string) => Promise<A>
}

const forkChild = (file: string, config: unknown): Child => {
  const child = fork(file, [JSON.stringify(config)], { execArgv: [], stdio: ["ignore", "inherit", "inherit", "ipc"] })
  live.add(child)
  child.once("exit", () => live.delete(child))
  const messages: Array<{ type: string }> = []
  const waiters: Array<() => void> = []
  const wakeAll = () => {
    for (const wake of waiters.splice(0)) wake()
  }
  child.on("message", (message) => {
    messages.push(message as { type: string })
    wakeAll()
  })
  child.once("exit", wakeAll)
  const next = async <A>(type: string): Promise<A> => {
    for (;;) {
      const found = messages.find((m) => m.type === type)
      if (found !== undefined) return found as A
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`bench: fleet child exited (${child.exitCode ?? child.signalCode}) before sending ${type}`)
      }
      await new Promise<void>((resolve) => waiters.push(resolve))
    }
  }
  return { process: child, next }
}

const runOne = async (
  settings: FleetSettings,
  file: string,
  processes: number,
  gate: FleetGate,
  redisUrl: string | undefined
): Promise<FleetRun> => {
  const ids = Array.from({ length: settings.calls }, (_, i) => `tok_fleet_${i}`)
  const server = await MockVercelServer.start({
    tokens: { [bearer]: ids },
    rateLimit: { limit: settings.limit, windowMs: settings.windowMs }
  })
  // One key prefix for the whole fleet (that is the point), a fresh one per run.
  const prefix = `bench-fleet-${processes}-${Date.now()}:`
  const children = Array.from({ length: processes }, (_, p) =>
    forkChild(file, {
      baseUrl: server.url,
      token: bearer,
      ids: ids.filter((_, i) => i % processes === p),
      redis: gate === "redis" ? redisUrl : undefined,
      prefix,
      maxConcurrent: settings.maxConcurrent
    }))
  const timer = setTimeout(() => {
    for (const child of children) child.process.kill("SIGKILL")
  }, settings.capMs)
  try {
    await Promise.all(children.map((c) => c.next("ready")))
    const start = performance.now()
    for (const child of children) child.process.send({ type: "start" })
    const reports = await Promise.all(children.map((c) => c.next<ChildReport>("done")))
    const totalMs = performance.now() - start
    const succeeded = reports.reduce((n, r) => n + r.revoked, 0)
    const samples = reports.flatMap((r) => r.gateMs)
    const failures = reports.flatMap((r) => r.failures)
    return {
      processes,
      gate,
      totalMs,
      succeeded,
      failed: failures.length,
      requests: server.count(),
      tooManyRequests: server.count(429),
      shareOfRate: (succeeded / totalMs) / (settings.limit / settings.windowMs),
      gateMedianMs: median(samples),
      gateP99Ms: quantile(samples, 0.99),
      gateSamples: samples.length,
      takes: {
        Go: reports.reduce((n, r) => n + r.takes.Go, 0),
        Hold: reports.reduce((n, r) => n + r.takes.Hold, 0),
        Pending: reports.reduce((n, r) => n + r.takes.Pending, 0)
      },
      warnings: reports.reduce((n, r) => n + r.warnings.length, 0),
      errors: [
        ...new Set([...reports.flatMap((r) => r.warnings), ...failures.map((f) => f.replace(/^[^:]*: /, ""))])
      ].slice(0, 3)
    }
  } finally {
    clearTimeout(timer)
    for (const child of children) if (child.process.exitCode === null) child.process.kill("SIGKILL")
    await server.close()
  }
}

export const describeRun = (run: FleetRun): string =>
  `${run.processes} processes, ${run.gate === "redis" ? "Redis gate " : "gate per process"}: ` +
  `${(run.totalMs / 1000).toFixed(1)} s, ${run.tooManyRequests} × 429, ${run.succeeded} ok / ${run.failed} failed, ` +
  `${(run.shareOfRate * 100).toFixed(0)} % of the server's rate, take+give median ${run.gateMedianMs.toFixed(2)} ms, ` +
  `p99 ${run.gateP99Ms.toFixed(2)} ms (${run.gateSamples} permits; takes ${run.takes.Go} go, ${run.takes.Hold} hold, ` +
  `${run.takes.Pending} pending), ${run.warnings} warnings`

export const runFleetBench = async (
  settings: FleetSettings,
  log: (line: string) => void
): Promise<FleetResult> => {
  const dir = mkdtempSync(join(tmpdir(), "vercel-auth-bench-fleet-"))
  try {
    const file = await bundleChild(dir)
    const binary = findRedisServer()
    const redis = binary === undefined ? undefined : await startBenchRedis(binary)
    const skipped = redis === undefined
      ? "redis-server not found (apt-get install redis-server): the Redis runs were skipped"
      : undefined
    if (skipped !== undefined) log(`  fleet: ${skipped}`)
    const runs: Array<FleetRun> = []
    const latency: Array<FleetRun> = []
    try {
      const quiet = { ...settings, calls: settings.latencyCalls, limit: 1_000_000, maxConcurrent: 1 }
      for (const gate of settings.gates) {
        if (gate === "redis" && redis === undefined) continue
        const run = await runOne(quiet, file, 1, gate, redis?.url)
        log(`  latency, ${describeRun(run)}, ${(run.totalMs / run.succeeded).toFixed(2)} ms per call`)
        latency.push(run)
      }
      for (const processes of settings.processes) {
        for (const gate of settings.gates) {
          if (gate === "redis" && redis === undefined) continue
          const run = await runOne(settings, file, processes, gate, redis?.url)
          log(`  ${describeRun(run)}`)
          runs.push(run)
        }
      }
    } finally {
      await redis?.stop()
    }
    return { settings, runs, latency, skipped }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const log = (line: string) => process.stdout.write(`${line}\n`)
  log(
    `fleet: ${fleetSettings.calls} revocations on one token, ${fleetSettings.limit} per ` +
      `${fleetSettings.windowMs / 1000} s, ${fleetSettings.maxConcurrent} in flight per process`
  )
  runFleetBench(fleetSettings, log).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`)
      process.exit(1)
    }
  )
}
