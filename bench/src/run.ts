/**
 * `pnpm bench`: runs every benchmark on this machine and rewrites `docs/benchmarks.md` and the
 * rate-limit chart. Each phase is bounded in time; the whole run takes a minute or two.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import * as Os from "node:os"
import { performance } from "node:perf_hooks"
import { fileURLToPath } from "node:url"
import { bundleEntries, measureBundle } from "./bundleSize.js"
import { startFastServer } from "./childProcess.js"
import { withTimeout } from "./deadline.js"
import { headline, readmeLines } from "./headline.js"
import { measureImportTimes } from "./importTime.js"
import { describeMachine } from "./machine.js"
import { perCallSettings, runPerCall } from "./perCall.js"
import { profilePromiseSequential } from "./profileSummary.js"
import { rateLimitSettings, runRateLimit } from "./rateLimit.js"
import { renderReport } from "./report.js"
import { measureRss, rssSubjects } from "./rssGrowth.js"
import { renderChart } from "./svgChart.js"
import { packageVersions } from "./versions.js"

const docsDir = fileURLToPath(new URL("../../docs/", import.meta.url))
const tmpDir = fileURLToPath(new URL("../.bench-tmp/cpu-profile/", import.meta.url))
const chartFile = "benchmarks-rate-limit.svg"
const rssCalls = 100_000
const rssEvery = 10_000

const log = (line: string) => process.stdout.write(`${line}\n`)

const phase = async <A>(label: string, limitMs: number, run: () => Promise<A>): Promise<A> => {
  log(`${label}…`)
  const start = performance.now()
  const result = await withTimeout(label, limitMs, run)
  log(`  ${label}: ${((performance.now() - start) / 1000).toFixed(1)} s`)
  return result
}

const main = async () => {
  const started = performance.now()
  const loadStart = Os.loadavg()[0]
  const machine = describeMachine()
  log(`bench: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`)
  const server = await startFastServer()
  const target = { baseUrl: server.url, token: "bench_per_call_bearer" }
  let perCall, profile, rss
  try {
    perCall = await phase("per-call cost", 120_000, () => runPerCall(target, perCallSettings, log))
    profile = await phase("CPU profile", 60_000, () => profilePromiseSequential(server.url, tmpDir, 3, 2_000))
    // Both clients at once, each in its own process: what is measured is memory, and one after the
    // other they would take most of the five-minute budget.
    rss = await phase(
      "memory over 100k revocations",
      200_000,
      () => Promise.all(rssSubjects.map((s) => measureRss(server.url, s.key, s.label, rssCalls, rssEvery)))
    )
  } finally {
    await server.stop()
  }
  const rateLimit = await phase("rate-limit efficiency", 150_000, () => runRateLimit(rateLimitSettings, log))
  const bundles = await phase(
    "bundle sizes",
    60_000,
    () => Promise.all(bundleEntries.map((e) => measureBundle(e.label, e.entry)))
  )
  const imports = await phase("cold import times", 60_000, () => Promise.resolve(measureImportTimes(10)))

  const summary = headline(perCall, rateLimit)
  mkdirSync(docsDir, { recursive: true })
  writeFileSync(
    `${docsDir}${chartFile}`,
    renderChart({
      title:
        `${rateLimitSettings.calls} revocations, ${rateLimitSettings.inFlight} in flight, limit ${rateLimitSettings.limit} per ${
          rateLimitSettings.windowMs / 1000
        } s`,
      total: rateLimitSettings.calls,
      idealMs: summary.idealMs,
      series: [
        { ...rateLimit.ours, label: "vercel-auth", color: "#1f6feb" },
        { ...rateLimit.sdk, label: "@vercel/sdk (backoff retries)", color: "#d9480f" }
      ]
    })
  )
  writeFileSync(
    `${docsDir}benchmarks.md`,
    renderReport({
      machine,
      versions: packageVersions(),
      perCall,
      rateLimit,
      headline: summary,
      bundles,
      imports,
      rss,
      rssEvery,
      profile,
      chartFile,
      elapsedMs: performance.now() - started,
      load: [loadStart, Os.loadavg()[0]]
    })
  )
  log("")
  for (const line of readmeLines(summary)) log(line)
  log(`\nwrote docs/benchmarks.md and docs/${chartFile} in ${((performance.now() - started) / 1000).toFixed(0)} s`)
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  }
)
