/**
 * `pnpm bench`: runs every benchmark on this machine and rewrites `docs/benchmarks.md` and the
 * rate-limit charts, then prints the lines for the README. Each phase is bounded in time; a phase
 * that fails or times out is reported as such on the page and the others still run. The whole run
 * takes about eight minutes on two cores.
 *
 * Flags (after `node bench/dist/run.js`):
 * - `--quick`: every phase shrunk, to check the harness (about two minutes);
 * - `--only per-call,rate-limit,…`: only these phases (names as in `phaseNames`).
 * Either writes to `bench/.bench-tmp/report/`, never to `docs/`.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs"
import * as Os from "node:os"
import { performance } from "node:perf_hooks"
import { fileURLToPath } from "node:url"
import { allocationQuick, allocationSettings, measureAllocation } from "./allocation.js"
import { bundleEntries, measureBundle } from "./bundleSize.js"
import { burstQuick, burstSettings, runBurst } from "./burst.js"
import { startFastServer } from "./childProcess.js"
import { defaultBin, measureCliStartup } from "./cliStartup.js"
import { measureInstall } from "./consumerInstall.js"
import { withTimeout } from "./deadline.js"
import { fleetSettings, runFleetBench } from "./fleet.js"
import { readmeLines } from "./headline.js"
import { measureImportTimes } from "./importTime.js"
import { describeMachine, describeTree } from "./machine.js"
import { perCallQuick, perCallSettings, runPerCall } from "./perCall.js"
import { profilePromiseSequential } from "./profileSummary.js"
import { idealOf, rateLimitQuick, type RateLimitRun, rateLimitSettings, runRateLimit } from "./rateLimit.js"
import { renderReport } from "./report.js"
import type { Phase, Results } from "./results.js"
import { measureRss, rssSubjects } from "./rssGrowth.js"
import { renderChart } from "./svgChart.js"
import { packageVersions } from "./versions.js"

export const phaseNames = [
  "per-call",
  "allocation",
  "profile",
  "memory",
  "burst",
  "rate-limit",
  "fleet",
  "import",
  "cli",
  "install",
  "bundle"
] as const
type PhaseName = (typeof phaseNames)[number]

const argv = process.argv.slice(2)
const quick = argv.includes("--quick")
const onlyArg = argv.indexOf("--only") === -1 ? undefined : argv[argv.indexOf("--only") + 1]
const only = onlyArg === undefined ? undefined : new Set(onlyArg.split(",").map((s) => s.trim()))
for (const name of only ?? []) {
  if (!(phaseNames as ReadonlyArray<string>).includes(name)) {
    throw new Error(`bench: unknown phase ${name}; the phases are ${phaseNames.join(", ")}`)
  }
}
const partial = quick || only !== undefined

const docsDir = fileURLToPath(new URL("../../docs/", import.meta.url))
const outDir = partial ? fileURLToPath(new URL("../.bench-tmp/report/", import.meta.url)) : docsDir
const tmpDir = fileURLToPath(new URL("../.bench-tmp/cpu-profile/", import.meta.url))
const chartFiles = { main: "benchmarks-rate-limit.svg", short: "benchmarks-rate-limit-2s.svg" }
const rssCalls = quick ? 5_000 : 100_000
const rssEvery = quick ? 1_000 : 10_000

const log = (line: string) => process.stdout.write(`${line}\n`)

const phase = async <A>(name: PhaseName, label: string, limitMs: number, run: () => Promise<A>): Promise<Phase<A>> => {
  if (only !== undefined && !only.has(name)) return { _tag: "Skipped", reason: `not asked for (\`--only ${onlyArg}\`)` }
  const load = Os.loadavg()[0]
  log(`${label} (load ${load.toFixed(2)})…`)
  const start = performance.now()
  try {
    const value = await withTimeout(label, limitMs, run)
    const ms = performance.now() - start
    log(`  ${label}: ${(ms / 1000).toFixed(1)} s`)
    return { _tag: "Done", value, ms, load }
  } catch (error) {
    const ms = performance.now() - start
    const message = error instanceof Error ? error.message : String(error)
    log(`  ${label} FAILED after ${(ms / 1000).toFixed(1)} s: ${message}`)
    return { _tag: "Failed", error: message, ms, load }
  }
}

const chart = (title: string, runs: ReadonlyArray<RateLimitRun>): string => {
  const ours = runs.find((run) => run.client === "ours")!
  const colors = { ours: "#1f6feb", "ours-no-probe": "#2f9e44", sdk: "#d9480f" } as const
  return renderChart({
    title,
    total: ours.scenario.calls,
    idealMs: idealOf(ours).idealMs,
    idealLabel: "allowed rate (vercel-auth, default policy)",
    series: runs.map((run) => ({ ...run, label: run.label.replace(/`/g, ""), color: colors[run.client] }))
  })
}

const main = async () => {
  const started = performance.now()
  const loadStart = Os.loadavg()[0]
  const machine = describeMachine()
  log(`bench${quick ? " --quick" : ""}: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`)
  log(partial ? `writing to ${outDir} (a partial or quick run never touches docs/)` : `writing to ${docsDir}`)

  // Timing-sensitive phases first, while the load is lowest; the heavy ones (memory: three busy
  // processes for two minutes; the fleet: up to 16 processes) last, as their load lingers in the average.
  const needsServer = only === undefined || ["per-call", "allocation", "profile", "memory"].some((n) => only.has(n))
  const server = needsServer ? await startFastServer() : undefined
  const target = { baseUrl: server?.url ?? "", token: "bench_per_call_bearer" }
  let perCall, imports, cli, burst, allocation, profile, rateLimit, install, rss
  try {
    perCall = await phase(
      "per-call",
      "1. per-call cost",
      300_000,
      () => runPerCall(target, quick ? perCallQuick : perCallSettings, log)
    )
    imports = await phase(
      "import",
      "4. cold import times",
      120_000,
      () => Promise.resolve(measureImportTimes(quick ? 2 : 7))
    )
    cli = await phase("cli", "7. CLI start-up", 90_000, async () => {
      // The bundle belongs to packages/cli: measured as it is, never built from here.
      if (!existsSync(defaultBin)) {
        throw new Error(
          `${defaultBin} does not exist: build the CLI (\`pnpm --filter @vercel-auth/cli build\`) and run again`
        )
      }
      const builtAt = statSync(defaultBin).mtime.toISOString().replace(/\.\d+Z$/, "Z")
      return { ...measureCliStartup({ runs: quick ? 2 : 7 }), builtAt }
    })
    burst = await phase(
      "burst",
      "2. burst under a rate limit",
      150_000,
      () => runBurst(quick ? burstQuick : burstSettings, log)
    )
    allocation = await phase(
      "allocation",
      "1. allocation and fibers per call",
      120_000,
      () => measureAllocation(target.baseUrl, quick ? allocationQuick : allocationSettings)
    )
    profile = await phase(
      "profile",
      "CPU profile",
      90_000,
      () => profilePromiseSequential(target.baseUrl, tmpDir, quick ? 1 : 3, quick ? 500 : 2_000)
    )
    rateLimit = await phase(
      "rate-limit",
      "3. rate-limit efficiency",
      200_000,
      () => runRateLimit(quick ? rateLimitQuick : rateLimitSettings, log)
    )
    install = await phase("install", "5. consumer install", 360_000, () => Promise.resolve(measureInstall()))
    // Both clients at once, each in its own process: what is measured is memory.
    rss = await phase(
      "memory",
      `6. memory over ${rssCalls} revocations`,
      240_000,
      () => Promise.all(rssSubjects.map((s) => measureRss(target.baseUrl, s.key, s.label, rssCalls, rssEvery)))
    )
  } finally {
    await server?.stop()
  }
  const fleet = await phase(
    "fleet",
    "8. fleet",
    300_000,
    () =>
      runFleetBench(
        quick
          ? { ...fleetSettings, processes: [2, 4], calls: 40, limit: 10, windowMs: 1_000, latencyCalls: 50 }
          : fleetSettings,
        log
      )
  )
  const bundles = await phase(
    "bundle",
    "bundle sizes",
    60_000,
    () => Promise.all(bundleEntries.map((e) => measureBundle(e.label, e.entry)))
  )

  const results: Results = {
    machine,
    versions: packageVersions(),
    tree: describeTree(),
    quick,
    perCall,
    allocation,
    profile,
    rss,
    rssEvery,
    rssCalls,
    burst,
    rateLimit,
    fleet,
    imports,
    install,
    cli,
    bundles,
    chartFiles,
    elapsedMs: performance.now() - started,
    load: [loadStart, Os.loadavg()[0]]
  }
  mkdirSync(outDir, { recursive: true })
  if (rateLimit._tag === "Done") {
    const { main, short } = rateLimit.value
    const title = (runs: ReadonlyArray<RateLimitRun>) => {
      const s = runs[0].scenario
      return `${s.calls} revocations, ${s.inFlight} in flight, limit ${s.limit} per ${s.windowMs / 1000} s`
    }
    writeFileSync(`${outDir}${chartFiles.main}`, chart(title(main), main))
    writeFileSync(`${outDir}${chartFiles.short}`, chart(title(short), short))
  }
  writeFileSync(`${outDir}benchmarks.md`, renderReport(results))
  log("")
  for (const line of readmeLines(results)) log(line)
  log(`\nwrote ${outDir}benchmarks.md in ${((performance.now() - started) / 1000).toFixed(0)} s`)
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  }
)
